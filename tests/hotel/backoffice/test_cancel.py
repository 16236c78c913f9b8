"""The admin's Cancel (booking page and list) and Refund (payment page): a confirmation step
first, then the one cancel of payments.services.cancel: the policy's refund at the provider
(localstripe), the guest's email, the audit entry; managers may choose another amount with
a reason, the front desk may not."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.utils import timezone

from bookings.models import Booking
from hotel.accounts import roles
from hotel.audit.selectors import audit_for_object
from payments import services
from payments.models import Payment
from tests.payments.conftest import StripeSide

LIST = "/admin/bookings/booking/"
TOTAL = 22400  # two nights at 100.00 + 12 % tax


def page(booking_id: str, view: str = "change") -> str:
    return f"{LIST}{booking_id}/{view}/"


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def fresh_payment(payment: Payment) -> Payment:
    return Payment.get(payment.transactionId, consistent_read=True)


def status_of(booking_id: str) -> str:
    return Booking.get(booking_id, consistent_read=True).status


def refund_decision(booking_id: str):
    [entry] = [
        e
        for e in audit_for_object(object_type="bookings.booking", object_id=booking_id)
        if e.action == "cancel:refund"
    ]
    return entry


def confirm(booking_id: str, refund: int, **extra) -> dict:
    """What the confirmation page's form posts."""
    return {"action": "cancel", "post": "yes", f"quoted-{booking_id}": str(refund), **extra}


@pytest.fixture
def rooms(make_room):
    make_room(roomId="101", roomType="Deluxe", capacity=2, pricePerNight=10000)
    make_room(roomId="102", roomType="Suite", capacity=4, pricePerNight=10000)


@pytest.fixture
def stripe_side():
    return StripeSide()


@pytest.fixture
def paid(rooms, book):
    """`paid(room_id, start=)`: a booking confirmed by a card payment at localstripe."""

    def make(room_id="101", *, start=30):
        booking = book(room_id, start=start)
        payment = services.payment_create(
            booking_id=booking.bookingId,
            amount=booking.totalPrice,
            currency=booking.currency,
            payment_method_id="pm_card_visa",
            actor="guest",
            now=timezone.now(),
        ).payment
        mail.outbox.clear()
        return payment

    return make


# --- the booking page's Cancel -------------------------------------------------------------------


def test_cancel_first_shows_the_policy_refund_and_its_payment_and_changes_nothing(
    client_for, paid, stripe_side
):
    payment = paid(start=3)  # 3 days ahead: the 2:50 rule
    front_desk = client_for(roles.FRONT_DESK)

    response = front_desk.post(page(payment.bookingId, "actions"), {"action": "cancel"})

    assert response.status_code == 200
    text = response.content.decode()
    row = re.search(rf'<tr id="cancel-{payment.bookingId}">(.*?)</tr>', text, re.S).group(1)
    assert "₹224.00" in row and "₹112.00" in row  # paid, and half of it back
    assert "50 % refund" in row
    assert payment.transactionId in row and "visa" in row
    assert f'name="quoted-{payment.bookingId}" value="11200"' in text
    assert 'id="refund-override"' not in text  # the front desk gets the policy's amount
    assert status_of(payment.bookingId) == "confirmed"
    assert fresh_payment(payment).refundedAmount == 0
    assert stripe_side.refunds_for(payment.stripePaymentIntentId) == []
    assert mail.outbox == []


def test_the_front_desk_confirms_and_the_policy_refund_goes_back_with_the_email(
    client_for, paid, stripe_side
):
    payment = paid(start=3)
    front_desk = client_for(roles.FRONT_DESK)

    response = front_desk.post(
        page(payment.bookingId, "actions"), confirm(payment.bookingId, 11200)
    )

    assert response.status_code == 302
    assert status_of(payment.bookingId) == "cancelled"
    stored = fresh_payment(payment)
    assert (stored.status, stored.refundedAmount) == ("partially_refunded", 11200)
    assert stored.refunds[0]["actor"] == front_desk.user.email
    assert [r.amount for r in stripe_side.refunds_for(payment.stripePaymentIntentId)] == [11200]
    [email] = [m for m in mail.outbox if "cancelled" in m.subject]
    assert email.to == ["ada@guest.test"] and "we refund ₹112.00" in email.body
    decision = refund_decision(payment.bookingId)
    assert decision.actor == front_desk.user.email
    assert decision.after["refund"] == 11200 and decision.after["overridden"] is False
    assert f"Cancelled {payment.bookingId}: refunded ₹112.00." in messages_of(response)


def test_a_manager_refunds_another_amount_with_a_reason_that_is_audited(
    client_for, paid, stripe_side
):
    payment = paid(start=1)  # 1 day ahead: the 0:0 rule, nothing back by policy
    manager = client_for(roles.MANAGER)

    preview = manager.post(page(payment.bookingId, "actions"), {"action": "cancel"})
    assert 'id="refund-override"' in preview.content.decode()
    assert 'name="refund_amount"' in preview.content.decode()

    response = manager.post(
        page(payment.bookingId, "actions"),
        confirm(payment.bookingId, 0, refund_amount="150.00", reason="Flight cancelled (storm)"),
    )

    assert response.status_code == 302
    assert status_of(payment.bookingId) == "cancelled"
    assert fresh_payment(payment).refundedAmount == 15000
    assert [r.amount for r in stripe_side.refunds_for(payment.stripePaymentIntentId)] == [15000]
    decision = refund_decision(payment.bookingId)
    assert decision.actor == manager.user.email
    assert decision.after["reason"] == "Flight cancelled (storm)"
    assert (decision.after["policyRefund"], decision.after["refund"]) == (0, 15000)
    assert decision.after["overridden"] is True
    [email] = [m for m in mail.outbox if "cancelled" in m.subject]
    assert "We refund ₹150.00" in email.body and "policy" not in email.body
    booking_page = manager.get(page(payment.bookingId)).content.decode()
    assert "Cancellation refund" in booking_page and "Flight cancelled (storm)" in booking_page


def test_an_override_above_what_was_paid_or_without_a_reason_changes_nothing(
    client_for, paid, stripe_side
):
    payment = paid()
    manager = client_for(roles.MANAGER)

    response = manager.post(
        page(payment.bookingId, "actions"),
        confirm(payment.bookingId, TOTAL, refund_amount="500.00", reason=" "),
    )

    assert response.status_code == 200  # the confirmation page again, with both errors
    text = response.content.decode()
    assert "At most what was paid" in text
    assert "Say why the refund differs from the policy." in text
    assert status_of(payment.bookingId) == "confirmed"
    assert fresh_payment(payment).refundedAmount == 0
    assert stripe_side.refunds_for(payment.stripePaymentIntentId) == []
    assert mail.outbox == []


def test_the_front_desk_may_not_choose_the_refund(client_for, paid, stripe_side):
    payment = paid()
    front_desk = client_for(roles.FRONT_DESK)

    response = front_desk.post(
        page(payment.bookingId, "actions"),
        confirm(payment.bookingId, TOTAL, refund_amount="10.00", reason="goodwill"),
    )

    assert response.status_code == 403
    assert status_of(payment.bookingId) == "confirmed"
    assert fresh_payment(payment).refundedAmount == 0


def test_the_accountant_cancels_with_another_refund_and_a_reason(client_for, paid, stripe_side):
    payment = paid()
    accountant = client_for(roles.ACCOUNTANT)

    preview = accountant.post(page(payment.bookingId, "actions"), {"action": "cancel"})
    assert preview.status_code == 200 and 'name="refund_amount"' in preview.content.decode()
    response = accountant.post(
        page(payment.bookingId, "actions"),
        confirm(payment.bookingId, TOTAL, refund_amount="10.00", reason="goodwill"),
    )

    assert response.status_code == 302
    assert status_of(payment.bookingId) == "cancelled"
    assert fresh_payment(payment).refundedAmount == 1000
    assert [r.amount for r in stripe_side.refunds_for(payment.stripePaymentIntentId)] == [1000]
    decision = refund_decision(payment.bookingId)
    assert decision.actor == accountant.user.email and decision.after["reason"] == "goodwill"


def test_the_accountant_may_cancel_but_not_check_in(client_for, paid):
    payment = paid()
    accountant = client_for(roles.ACCOUNTANT)

    response = accountant.post(page(payment.bookingId, "actions"), {"action": "check_in"})

    assert response.status_code == 403
    assert status_of(payment.bookingId) == "confirmed"


def test_a_refund_that_changed_since_the_page_was_shown_is_not_applied(client_for, paid):
    payment = paid()
    front_desk = client_for(roles.FRONT_DESK)

    response = front_desk.post(page(payment.bookingId, "actions"), confirm(payment.bookingId, 100))

    assert status_of(payment.bookingId) == "confirmed"
    assert fresh_payment(payment).refundedAmount == 0
    [message] = messages_of(response)
    assert "the refund is now ₹224.00" in message


def test_an_unpaid_booking_is_cancelled_with_nothing_to_refund(client_for, rooms, book):
    booking = book("101", start=5, status="confirmed")
    front_desk = client_for(roles.FRONT_DESK)

    preview = front_desk.post(page(booking.bookingId, "actions"), {"action": "cancel"})
    assert "Nothing has been paid." in preview.content.decode()

    response = front_desk.post(page(booking.bookingId, "actions"), confirm(booking.bookingId, 0))

    assert status_of(booking.bookingId) == "cancelled"
    assert f"Cancelled {booking.bookingId}: nothing to refund." in messages_of(response)


# --- the list's bulk Cancel ----------------------------------------------------------------------


def test_bulk_cancel_confirms_then_refunds_each_booking_by_policy(client_for, paid, stripe_side):
    first, second = paid("101"), paid("102", start=3)
    ids = [first.bookingId, second.bookingId]
    front_desk = client_for(roles.FRONT_DESK)

    preview = front_desk.post(LIST, {"action": "cancel", "_selected_action": ids})

    assert preview.status_code == 200
    text = preview.content.decode()
    assert f'name="quoted-{first.bookingId}" value="22400"' in text
    assert f'name="quoted-{second.bookingId}" value="11200"' in text
    assert [status_of(i) for i in ids] == ["confirmed", "confirmed"]

    response = front_desk.post(
        LIST,
        {
            "action": "cancel",
            "post": "yes",
            "_selected_action": ids,
            f"quoted-{first.bookingId}": "22400",
            f"quoted-{second.bookingId}": "11200",
        },
    )

    assert response.status_code == 302
    assert [status_of(i) for i in ids] == ["cancelled", "cancelled"]
    assert [r.amount for r in stripe_side.refunds_for(first.stripePaymentIntentId)] == [22400]
    assert [r.amount for r in stripe_side.refunds_for(second.stripePaymentIntentId)] == [11200]
    assert len([m for m in mail.outbox if "cancelled" in m.subject]) == 2


# --- the payment page's Refund -------------------------------------------------------------------


def test_refund_on_the_payment_page_asks_for_confirmation_first(client_for, paid, stripe_side):
    payment = paid()
    accountant = client_for(roles.ACCOUNTANT)
    url = f"/admin/payments/payment/{payment.transactionId}/actions/"

    preview = accountant.post(url, {"action": "refund", "amount": ""})

    assert preview.status_code == 200
    text = preview.content.decode()
    assert '<strong class="refund-amount">₹224.00</strong>' in text
    assert 'name="post" value="yes"' in text and 'name="amount" value="224.00"' in text
    assert fresh_payment(payment).refundedAmount == 0
    assert stripe_side.refunds_for(payment.stripePaymentIntentId) == []

    accountant.post(url, {"action": "refund", "amount": "224.00", "post": "yes"})

    assert fresh_payment(payment).refundedAmount == TOTAL
    assert [r.amount for r in stripe_side.refunds_for(payment.stripePaymentIntentId)] == [TOTAL]
