"""The guest pays the bill's balance online (DynamoDB Local and localstripe, no mocks): the
rest of a deposit from the manage page (which says it is due at check-in), the difference
after a change through `POST /api/payments` with purpose "balance"; the amount is the bill's
balance now, and the booking's own payment contract is unchanged."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bookings.links import manage_path
from bookings.services import booking_create
from hotel.accounts import roles
from payments.models import BALANCE, COMPLETED, Payment
from payments.selectors import payments_for_booking

from ..conftest import TOTAL, now, stay_start
from ..test_payment_terms import fresh, pay, plan

DEPOSIT_30 = 6720
REST = TOTAL - DEPOSIT_30


@pytest.fixture
def created(room):
    def make(rate_plan=None):
        check_in = stay_start()
        return booking_create(
            room_id="R-1",
            check_in=check_in,
            check_out=check_in + timedelta(days=2),
            guests=2,
            guest_name="Ada Guest",
            guest_email="ada@guest.test",
            actor="test",
            now=now(),
            rate_plan=rate_plan,
        )

    return make


def balance_payments(booking_id):
    return [p for p in payments_for_booking(booking_id=booking_id) if p.purpose == BALANCE]


def test_the_manage_page_shows_the_rest_of_a_deposit_due_and_takes_it(
    created, client, api, stripe_side
):
    plan("DEP30", payment="deposit", depositPercent=30)
    booking = created("DEP30").booking
    path = manage_path(booking_id=booking.bookingId)
    assert 'data-testid="balance"' not in client.get(path).content.decode()  # a hold pays first
    pay(booking, DEPOSIT_30)
    page = client.get(path).content.decode()
    assert "Balance due: ₹156.80" in page
    assert "The balance of ₹156.80 is due at check-in. You can pay it now." in page
    assert "Pay the balance (₹156.80)" in page and f'name="amount" value="{REST}"' in page
    assert "hotel/pay.js" in page

    stale = client.post(
        f"{path}balance",
        {"stripe_token": stripe_side.token(), "amount": REST - 1, "currency": "INR"},
        HTTP_ACCEPT="application/json",
    )
    assert stale.status_code == 400
    assert stale.json()["error"]["details"]["expected"]["amount"] == REST
    posted = client.post(
        f"{path}balance",
        {"stripe_token": stripe_side.token(), "amount": REST, "currency": "INR"},
        HTTP_ACCEPT="application/json",
    )
    assert posted.status_code == 200, posted.content
    assert posted.json() | {} == {
        "state": "paid",
        "done": True,
        "next": path,
        "statusUrl": f"{path}status",
    }
    [payment] = balance_payments(booking.bookingId)
    assert (payment.status, payment.amount) == (COMPLETED, REST)
    assert stripe_side.intent(payment.stripePaymentIntentId).amount == REST
    assert fresh(booking).status == "confirmed"
    bill = api.as_role(roles.FRONT_DESK).get(f"/api/bookings/{booking.bookingId}/folio").json()
    assert bill["balance"] == 0
    card = [x for x in bill["folios"][0]["lines"] if x["kind"] == "payment"]
    assert sorted(x["amount"] for x in card) == [DEPOSIT_30, REST]
    assert 'data-testid="balance"' not in client.get(path).content.decode()


def test_the_guest_pays_the_difference_of_a_change_through_the_api(created, api, stripe_side):
    made = created()
    booking = made.booking
    pay(booking, TOTAL)
    token = {"HTTP_X_BOOKING_TOKEN": made.guest_token}
    nothing = api.post(
        "/api/payments",
        {
            "bookingId": booking.bookingId,
            "currency": "INR",
            "purpose": "balance",
            "paymentMethodId": "pm_card_visa",
        },
        format="json",
        **token,
    )
    assert nothing.status_code == 409
    assert nothing.json()["error"]["code"] == "BOOKING_NOT_PAYABLE"

    desk = api.as_role(roles.FRONT_DESK)
    check_out = (stay_start() + timedelta(days=3)).isoformat()
    moved = desk.post(
        f"/api/bookings/{booking.bookingId}/change", {"checkOut": check_out}, format="json"
    )
    assert moved.status_code == 200, moved.content
    owed = desk.get(f"/api/bookings/{booking.bookingId}/folio").json()["balance"]
    assert owed == TOTAL // 2

    api.credentials()
    api.force_authenticate(user=None)
    body = {
        "bookingId": booking.bookingId,
        "currency": "INR",
        "purpose": "balance",
        "paymentMethodId": "pm_card_visa",
    }
    wrong = api.post("/api/payments", {**body, "amount": TOTAL}, format="json", **token)
    assert wrong.status_code == 400
    assert wrong.json()["error"]["code"] == "AMOUNT_MISMATCH"
    paid = api.post("/api/payments", {**body, "amount": owed}, format="json", **token)
    assert paid.status_code == 201, paid.content
    assert (paid.json()["purpose"], paid.json()["amount"], paid.json()["status"]) == (
        "balance",
        owed,
        "completed",
    )
    assert Payment.get(paid.json()["transactionId"]).purpose == BALANCE
    desk = api.as_role(roles.FRONT_DESK)
    assert desk.get(f"/api/bookings/{booking.bookingId}/folio").json()["balance"] == 0


def test_a_hold_still_pays_its_own_amount_and_cannot_pay_a_balance(created, api):
    made = created()
    token = {"HTTP_X_BOOKING_TOKEN": made.guest_token}
    body = {
        "bookingId": made.booking.bookingId,
        "currency": "INR",
        "paymentMethodId": "pm_card_visa",
    }
    refused = api.post("/api/payments", {**body, "purpose": "balance"}, format="json", **token)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "BOOKING_NOT_PAYABLE"
    paid = api.post("/api/payments", {**body, "amount": TOTAL}, format="json", **token)
    assert paid.status_code == 201, paid.content
    assert paid.json()["purpose"] is None
    assert fresh(made.booking).status == "confirmed"


def test_a_balance_waiting_for_3d_secure_is_not_paid_twice(created, api, stripe_side):
    from ..conftest import THREE_D_SECURE

    made = created()
    booking = made.booking
    pay(booking, TOTAL)
    desk = api.as_role(roles.FRONT_DESK)
    check_out = (stay_start() + timedelta(days=3)).isoformat()
    desk.post(f"/api/bookings/{booking.bookingId}/change", {"checkOut": check_out}, format="json")
    api.credentials()
    api.force_authenticate(user=None)
    token = {"HTTP_X_BOOKING_TOKEN": made.guest_token}
    body = {"bookingId": booking.bookingId, "currency": "INR", "purpose": "balance"}
    waiting = api.post(
        "/api/payments",
        {**body, "paymentMethodId": stripe_side.card(THREE_D_SECURE)},
        format="json",
        **token,
    )
    assert waiting.status_code == 202, waiting.content  # the guest's bank asks for 3-D Secure
    again = api.post(
        "/api/payments", {**body, "paymentMethodId": "pm_card_visa"}, format="json", **token
    )
    assert again.status_code == 409, again.content
    assert [p.status for p in balance_payments(booking.bookingId)] == ["requires_action"]
