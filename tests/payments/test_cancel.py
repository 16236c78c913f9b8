"""The one cancel (payments.services.cancel) through `PUT /api/bookings/{id}/status`: the policy's
refund at localstripe, the guest's email, the audit entry; managers may choose the amount
with a reason (front desk 403; over what was paid or without a reason 400). The plain
lifecycle cancel refuses a paid booking."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail

from bookings.models import Booking
from bookings.services import booking_transition
from hotel.accounts import roles
from hotel.accounts.services import api_token_issue
from hotel.audit.selectors import audit_for_object
from payments.models import Payment
from payments.services import CancelNeedsRefund, payment_create

from .conftest import TOTAL, now

HALF = TOTAL // 2


def pay(created) -> Payment:
    payment = payment_create(
        booking_id=created.booking.bookingId,
        amount=TOTAL,
        currency="INR",
        payment_method_id="pm_card_visa",
        actor="guest",
        now=now(),
    ).payment
    mail.outbox.clear()
    return payment


def put_status(client, booking_id: str, **body):
    return client.put(
        f"/api/bookings/{booking_id}/status", {"status": "cancelled", **body}, format="json"
    )


def stored(payment: Payment) -> Payment:
    return Payment.get(payment.transactionId, consistent_read=True)


def status_of(booking_id: str) -> str:
    return Booking.get(booking_id, consistent_read=True).status


def decisions(booking_id: str) -> list:
    return [
        e
        for e in audit_for_object(object_type="bookings.booking", object_id=booking_id)
        if e.action == "cancel:refund"
    ]


def cancel_emails() -> list:
    return [m for m in mail.outbox if "cancelled" in m.subject]


def test_put_cancelled_refunds_by_policy_at_the_provider_and_emails(api, make_booking, stripe_side):
    created = make_booking(start=-27)  # 3 days ahead: the 2:50 rule
    payment = pay(created)
    client = api.as_role(roles.FRONT_DESK)

    response = put_status(client, created.booking.bookingId)

    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "cancelled" and body["bookingId"] == created.booking.bookingId
    assert body["refund"] == {"amount": HALF, "currency": "INR", "status": "refunded"}
    assert (stored(payment).status, stored(payment).refundedAmount) == ("partially_refunded", HALF)
    assert [r.amount for r in stripe_side.refunds_for(payment.stripePaymentIntentId)] == [HALF]
    [email] = cancel_emails()
    assert "we refund ₹112.00" in email.body
    [decision] = decisions(created.booking.bookingId)
    assert decision.actor == client.user.email
    assert decision.after["refund"] == HALF and decision.after["overridden"] is False


def test_a_manager_chooses_the_refund_with_a_reason(api, make_booking, stripe_side):
    created = make_booking(start=-29)  # tomorrow: the 0:0 rule
    payment = pay(created)
    client = api.as_role(roles.MANAGER)

    response = put_status(
        client, created.booking.bookingId, refundAmount=5000, reason="Guest in hospital"
    )

    body = response.json()
    assert response.status_code == 200, body
    assert body["refund"] == {"amount": 5000, "currency": "INR", "status": "refunded"}
    assert stored(payment).refundedAmount == 5000
    assert [r.amount for r in stripe_side.refunds_for(payment.stripePaymentIntentId)] == [5000]
    [decision] = decisions(created.booking.bookingId)
    assert decision.after["reason"] == "Guest in hospital"
    assert (decision.after["policyRefund"], decision.after["refund"]) == (0, 5000)
    [email] = cancel_emails()
    assert "We refund ₹50.00" in email.body


def test_a_manager_may_refund_nothing(api, make_booking, stripe_side):
    created = make_booking()  # the 7:100 rule would refund it all
    payment = pay(created)

    response = put_status(
        api.as_role(roles.MANAGER), created.booking.bookingId, refundAmount=0, reason="No-show fee"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["refund"]["status"] == "none"
    assert stored(payment).refundedAmount == 0
    assert stripe_side.refunds_for(payment.stripePaymentIntentId) == []
    assert status_of(created.booking.bookingId) == "cancelled"


def test_the_front_desk_may_not_choose_the_refund(api, make_booking, stripe_side):
    created = make_booking()
    payment = pay(created)

    response = put_status(
        api.as_role(roles.FRONT_DESK), created.booking.bookingId, refundAmount=0, reason="x"
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "PERMISSION_DENIED"
    assert status_of(created.booking.bookingId) == "confirmed"
    assert stored(payment).refundedAmount == 0


def test_the_accountant_cancels_with_a_chosen_refund_but_changes_nothing_else(
    api, make_booking, stripe_side
):
    created = make_booking()
    payment = pay(created)
    accountant = api.as_role(roles.ACCOUNTANT)
    booking_id = created.booking.bookingId

    check_in = accountant.put(
        f"/api/bookings/{booking_id}/status", {"status": "checked-in"}, format="json"
    )
    assert check_in.status_code == 403
    assert status_of(booking_id) == "confirmed"

    response = put_status(accountant, booking_id, refundAmount=HALF, reason="Dispute settled")

    assert response.status_code == 200, response.json()
    assert response.json()["refund"]["amount"] == HALF
    assert stored(payment).refundedAmount == HALF
    assert [r.amount for r in stripe_side.refunds_for(payment.stripePaymentIntentId)] == [HALF]
    [decision] = decisions(booking_id)
    assert decision.after["reason"] == "Dispute settled"


def test_an_override_over_what_was_paid_and_without_a_reason_is_400_in_one_answer(
    api, make_booking, stripe_side
):
    created = make_booking()
    payment = pay(created)

    response = put_status(
        api.as_role(roles.MANAGER), created.booking.bookingId, refundAmount=TOTAL + 1
    )

    error = response.json()["error"]
    assert response.status_code == 400
    assert error["code"] == "VALIDATION_ERROR"
    assert set(error["details"]["fields"]) == {"refundAmount", "reason"}
    assert status_of(created.booking.bookingId) == "confirmed"
    assert stored(payment).refundedAmount == 0
    assert stripe_side.refunds_for(payment.stripePaymentIntentId) == []
    assert cancel_emails() == []


@pytest.mark.parametrize("body", [{"refundAmount": -1, "reason": "x"}, {"refundAmount": "abc"}])
def test_a_nonsense_refund_amount_is_400(api, make_booking, body):
    created = make_booking()
    pay(created)

    response = put_status(api.as_role(roles.MANAGER), created.booking.bookingId, **body)

    assert response.status_code == 400
    assert "refundAmount" in response.json()["error"]["details"]["fields"]
    assert status_of(created.booking.bookingId) == "confirmed"


def test_a_refund_amount_with_another_status_is_400(api, make_booking):
    created = make_booking(start=-30)  # arrives today
    pay(created)

    response = api.as_role(roles.MANAGER).put(
        f"/api/bookings/{created.booking.bookingId}/status",
        {"status": "checked-in", "refundAmount": 0, "reason": "x"},
        format="json",
    )

    assert response.status_code == 400
    assert status_of(created.booking.bookingId) == "confirmed"


def test_other_transitions_keep_their_response(api, make_booking):
    created = make_booking(start=-30)
    pay(created)

    response = api.as_role(roles.FRONT_DESK).put(
        f"/api/bookings/{created.booking.bookingId}/status", {"status": "checked-in"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "checked-in" and "refund" not in response.json()


# --- the plain lifecycle cancel ------------------------------------------------------------------


def test_the_plain_lifecycle_cancel_refuses_a_paid_booking(make_booking):
    created = make_booking()
    payment = pay(created)

    with pytest.raises(CancelNeedsRefund):
        booking_transition(
            booking_id=created.booking.bookingId, to_status="cancelled", actor="t", now=now()
        )

    assert status_of(created.booking.bookingId) == "confirmed"
    assert stored(payment).refundedAmount == 0


def test_the_plain_lifecycle_cancel_still_cancels_an_unpaid_booking(make_booking):
    created = make_booking()

    booking_transition(
        booking_id=created.booking.bookingId, to_status="cancelled", actor="t", now=now()
    )

    assert status_of(created.booking.bookingId) == "cancelled"


# --- two staff cancelling at once ----------------------------------------------------------------


def _put(url: str, token: str, body: dict) -> int:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="PUT",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_concurrent_cancels_refund_once(live_app, make_booking, make_staff, stripe_side):
    created = make_booking()
    payment = pay(created)
    url = f"{live_app}/api/bookings/{created.booking.bookingId}/status"
    bodies = [
        {"status": "cancelled"},
        {"status": "cancelled", "refundAmount": 1000, "reason": "goodwill"},
        {"status": "cancelled"},
        {"status": "cancelled", "refundAmount": 0, "reason": "fee"},
    ]
    tokens = [api_token_issue(user=make_staff(roles.MANAGER), now=now()).token for _ in bodies]
    barrier = threading.Barrier(len(bodies))

    def cancel(i: int) -> int:
        barrier.wait()
        return _put(url, tokens[i], bodies[i])

    with ThreadPoolExecutor(len(bodies)) as pool:
        codes = sorted(pool.map(cancel, range(len(bodies))))

    assert codes == [200, 409, 409, 409]
    [decision] = decisions(created.booking.bookingId)  # only the winner's decision is kept
    refunds = stripe_side.refunds_for(payment.stripePaymentIntentId)
    assert [r.amount for r in refunds] == (
        [decision.after["refund"]] if decision.after["refund"] else []
    )
    assert stored(payment).refundedAmount == decision.after["refund"]
    assert len(cancel_emails()) == 1
