"""Cancelling through POST /api/bookings/{id}/cancel refunds what the cancellation policy says."""

import pytest

from bookings.models import Booking
from hotel.accounts import roles
from payments.exceptions import PaymentGatewayError
from payments.models import Payment
from payments.providers.stripe import StripeProvider
from payments.services import payment_create

from .conftest import TOTAL, now

FIRST_NIGHT = TOTAL // 2  # two equal nights, tax included


def pay(created):
    return payment_create(
        booking_id=created.booking.bookingId,
        amount=TOTAL,
        currency="INR",
        payment_method_id="pm_card_visa",
        actor="guest",
        now=now(),
    ).payment


def cancel(client, created, token=True):
    headers = {"HTTP_X_BOOKING_TOKEN": created.guest_token} if token else {}
    return client.post(f"/api/bookings/{created.booking.bookingId}/cancel", **headers)


def test_a_free_cancellation_refunds_everything(api, make_booking, stripe_side):
    created = make_booking()  # 30 days ahead: the 7:100 rule
    payment = pay(created)
    response = cancel(api, created)
    data = response.json()
    assert response.status_code == 200, data
    assert data["status"] == "cancelled"
    assert data["refund"] == {"amount": TOTAL, "currency": "INR", "status": "refunded"}
    stored = Payment.get(payment.transactionId)
    assert (stored.status, stored.refundedAmount) == ("refunded", TOTAL)
    refunds = stripe_side.refunds_for(stored.stripePaymentIntentId)
    assert [r.amount for r in refunds] == [TOTAL]


def test_a_late_cancellation_keeps_the_first_night(api, make_booking):
    created = make_booking(start=-27)  # 3 days ahead: the 2:50 rule, one of two nights
    payment = pay(created)
    data = cancel(api, created).json()
    assert data["refund"] == {
        "amount": TOTAL - FIRST_NIGHT,
        "currency": "INR",
        "status": "refunded",
    }
    stored = Payment.get(payment.transactionId)
    assert (stored.status, stored.refundedAmount) == ("partially_refunded", TOTAL - FIRST_NIGHT)


def test_cancelling_an_unpaid_booking_refunds_nothing(api, make_booking):
    created = make_booking()
    data = cancel(api, created).json()
    assert data["status"] == "cancelled"
    assert data["refund"] == {"amount": 0, "currency": "INR", "status": "none"}


def test_staff_cancel_without_the_token_and_the_policy_still_applies(api, make_booking):
    created = make_booking()
    pay(created)
    response = cancel(api.as_role(roles.FRONT_DESK), created, token=False)
    assert response.status_code == 200, response.json()
    assert response.json()["refund"]["amount"] == TOTAL


def test_a_failed_refund_keeps_the_cancellation_and_marks_the_payment(
    api, make_booking, monkeypatch
):
    created = make_booking()
    payment = pay(created)

    def broken(self, **kwargs):
        raise PaymentGatewayError()

    monkeypatch.setattr(StripeProvider, "refund", broken)
    response = cancel(api, created)
    data = response.json()
    assert response.status_code == 200, data
    assert data["refund"] == {"amount": TOTAL, "currency": "INR", "status": "failed"}
    assert Booking.get(created.booking.bookingId).status == "cancelled"
    stored = Payment.get(payment.transactionId)
    assert stored.status == "completed" and "refund this payment" in stored.failureMessage


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_cancelling_without_the_token_is_404_and_refunds_nothing(api, make_booking, token):
    created = make_booking()
    payment = pay(created)
    headers = {"HTTP_X_BOOKING_TOKEN": token} if token else {}
    response = api.post(f"/api/bookings/{created.booking.bookingId}/cancel", **headers)
    assert response.status_code == 404
    assert Payment.get(payment.transactionId).refundedAmount == 0


def test_cancelling_twice_is_409_and_refunds_once(api, make_booking):
    created = make_booking()
    payment = pay(created)
    assert cancel(api, created).status_code == 200
    assert cancel(api, created).status_code == 409
    assert Payment.get(payment.transactionId).refundedAmount == TOTAL
