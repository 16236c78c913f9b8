"""Guest payment pages through Django's test client against localstripe: the pay page and
its JSON answers (paid, declined, 3-D Secure), confirmation, cancel with the policy's
refund, online date changes of a paid booking, and the manage link in the email."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from bookings.links import manage_path
from bookings.models import Booking
from payments.models import Payment
from tests.payments.conftest import DECLINED, THREE_D_SECURE, TOTAL, VISA, stay_start
from tests.payments.test_services import pay


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def pending(make_booking):
    booking = make_booking().booking
    return booking, manage_path(booking_id=booking.bookingId)


def post_token(client, path, token, **overrides):
    data = {"stripe_token": token, "amount": TOTAL, "currency": "INR", **overrides}
    return client.post(f"{path}pay", data, HTTP_ACCEPT="application/json")


def test_pay_page_loads_stripe_js_from_settings_and_posts_only_a_token(client, pending):
    _, path = pending
    page = html(client.get(f"{path}pay"))
    assert f'<script src="{settings.STRIPE_JS_URL}"></script>' in page
    assert settings.STRIPE_JS_URL.startswith(settings.STRIPE_API_BASE)  # localstripe here
    assert 'data-stripe-key="pk_test_local"' in page
    assert f'name="amount" value="{TOTAL}"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert "Pay ₹224.00" in page
    assert "held for you until" in page
    assert 'id="card-element"' in page and "<input" not in page.split('id="card-element"')[1][:80]


def test_a_good_card_pays_and_confirms_the_booking(client, pending, stripe_side):
    booking, path = pending
    response = post_token(client, path, stripe_side.token(VISA))
    assert response.status_code == 200
    assert response.json() == {
        "state": "paid",
        "next": f"{path}confirmation",
        "statusUrl": f"{path}status",
    }
    assert Booking.get(booking.bookingId).status == "confirmed"
    status = client.get(f"{path}status").json()
    assert status["bookingStatus"] == "confirmed" and status["paid"] == "paid"
    page = html(client.get(f"{path}confirmation"))
    assert "Your booking is confirmed" in page and booking.bookingId in page
    assert "₹224.00 · Visa" in page
    # Paid: the pay page sends the guest to the confirmation.
    assert client.get(f"{path}pay")["Location"] == f"{path}confirmation"


def test_a_declined_card_answers_402_and_the_guest_can_retry(client, pending, stripe_side):
    booking, path = pending
    response = post_token(client, path, stripe_side.token(DECLINED))
    assert response.status_code == 402
    error = response.json()["error"]
    assert error["code"] == "PAYMENT_DECLINED" and "declined" in error["message"].lower()
    assert Booking.get(booking.bookingId).status == "pending"
    assert client.get(f"{path}status").json()["payment"]["status"] == "failed"
    assert client.get(f"{path}pay").status_code == 200
    assert post_token(client, path, stripe_side.token(VISA)).json()["state"] == "paid"


def test_3d_secure_hands_the_page_a_client_secret(client, pending, stripe_side):
    booking, path = pending
    response = post_token(client, path, stripe_side.token(THREE_D_SECURE))
    body = response.json()
    assert body["state"] == "requires_action"
    assert re.match(r"pi_\w+_secret_", body["clientSecret"])
    assert Booking.get(booking.bookingId).status == "pending"
    # Until the webhook settles it, the confirmation page waits (and refreshes itself).
    page = html(client.get(f"{path}confirmation"))
    assert "Confirming your payment" in page and 'http-equiv="refresh"' in page


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"stripe_token": "<script>"}, 400, "VALIDATION_ERROR"),
        ({"amount": "1"}, 400, "AMOUNT_MISMATCH"),
        ({"amount": "9" * 40}, 400, "VALIDATION_ERROR"),
        ({"currency": "USD"}, 400, "AMOUNT_MISMATCH"),
        ({"stripe_token": "tok_doesnotexist"}, 400, "INVALID_PAYMENT_METHOD"),
    ],
)
def test_bad_payment_posts_get_a_json_error_and_charge_nothing(
    client, pending, stripe_side, overrides, status, code
):
    booking, path = pending
    response = post_token(client, path, stripe_side.token(VISA), **overrides)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert Booking.get(booking.bookingId).status == "pending"


def test_paying_needs_the_csrf_token(pending, stripe_side):
    booking, path = pending
    strict = Client(enforce_csrf_checks=True)
    assert post_token(strict, path, stripe_side.token(VISA)).status_code == 403
    assert list(Payment.by_booking.query(booking.bookingId)) == []


def test_an_unpaid_booking_s_confirmation_sends_the_guest_to_pay(client, pending):
    _, path = pending
    assert client.get(f"{path}confirmation")["Location"] == f"{path}pay"


def test_cancel_shows_the_refund_before_confirming_and_refunds_it(client, pending):
    booking, path = pending
    pay(booking)
    page = html(client.get(f"{path}cancel"))
    assert "You paid <strong>₹224.00</strong>" in page
    assert "we refund <strong>₹224.00</strong>" in page  # 30 days ahead: all of it
    assert Booking.get(booking.bookingId).status == "confirmed"
    response = client.post(f"{path}cancel", follow=True)
    assert "We are refunding ₹224.00 to your card." in html(response)
    assert Booking.get(booking.bookingId).status == "cancelled"
    [payment] = Payment.by_booking.query(booking.bookingId)
    assert (payment.status, payment.refundedAmount) == ("refunded", TOTAL)


def test_cancel_close_to_arrival_shows_the_partial_refund(client, make_booking):
    booking = make_booking(start=-27).booking  # arrives in 3 days: 50 %
    pay(booking)
    page = html(client.get(f"{manage_path(booking_id=booking.bookingId)}cancel"))
    assert "we refund <strong>₹112.00</strong>" in page
    assert "Cancellation fee: ₹112.00." in page
    assert "50 % refund when cancelled 2 to 6 days before arrival." in page


def test_a_paid_booking_moves_online_only_to_dates_of_the_same_price(client, pending):
    booking, path = pending
    pay(booking)
    same = stay_start() + timedelta(days=10)
    same_price = {"check_in": str(same), "check_out": str(same + timedelta(days=2))}
    longer = {"check_in": str(same), "check_out": str(same + timedelta(days=3))}
    refused = html(client.get(f"{path}change", longer))
    assert "₹336.00" in refused and "Your booking costs ₹224.00" in refused
    assert "Confirm the new dates" not in refused
    assert client.post(f"{path}change", longer).status_code == 200
    assert Booking.get(booking.bookingId).checkIn == booking.checkIn

    assert "Confirm the new dates" in html(client.get(f"{path}change", same_price))
    response = client.post(f"{path}change", same_price)
    assert response.status_code == 302 and response["Location"] == path
    moved = Booking.get(booking.bookingId)
    assert (moved.checkIn, moved.status, moved.totalPrice) == (
        same_price["check_in"],
        "confirmed",
        TOTAL,
    )


def test_a_paid_booking_cannot_be_moved_online_inside_the_refund_window(client, make_booking):
    booking = make_booking(start=-27).booking  # 3 days before arrival: 50 % window
    pay(booking)
    path = manage_path(booking_id=booking.bookingId)
    later = stay_start() + timedelta(days=10)
    dates = {"check_in": str(later), "check_out": str(later + timedelta(days=2))}
    page = html(client.get(f"{path}change", dates))
    assert "cannot be changed online" in page and "Confirm the new dates" not in page
    response = client.post(f"{path}change", dates)
    assert response.status_code == 200
    assert "cannot be changed online" in html(response)


def test_the_confirmation_email_carries_a_working_manage_link(client, pending):
    booking, path = pending
    mail.outbox.clear()
    pay(booking)
    [message] = [m for m in mail.outbox if "confirmed" in m.subject]
    link = f"{settings.HOTEL_SITE_URL}{path}"
    assert link in message.body
    assert f'href="{link}"' in message.alternatives[0][0]
    assert booking.bookingId in html(client.get(path))
    assert "Paid" in html(client.get(path))


def test_status_and_pay_answers_only_for_the_signed_link(client, pending):
    booking, path = pending
    forged = f"/booking/{booking.bookingId}:{'A' * 43}/"
    assert client.get(f"{forged}status").status_code == 404
    assert post_token(client, forged, "tok_x").status_code == 404


# --- 3-D Secure abandoned, and superseded by a later attempt ---------------------------------


def test_an_abandoned_3d_secure_check_stops_the_waiting_and_says_what_to_do(
    client, pending, stripe_side, settings
):
    booking, path = pending
    body = post_token(client, path, stripe_side.token(THREE_D_SECURE)).json()
    assert body["state"] == "requires_action"  # …and the guest walks away from the check
    settings.HOTEL_3DS_ABANDONED_AFTER_SECONDS = 0  # (as if its time had passed)
    response = client.get(f"{path}confirmation")
    assert response.status_code == 302 and response["Location"] == f"{path}pay"
    page = html(client.get(f"{path}pay"))
    assert "Confirming your payment" not in page.split("<template")[0]
    assert "Your last payment was not completed" in page and "another card" in page
    assert 'data-auth-timeout="0"' in page  # the page's own limit on waiting for the bank


def test_a_later_attempt_that_pays_cancels_the_abandoned_one(client, pending, stripe_side):
    booking, path = pending
    first = post_token(client, path, stripe_side.token(THREE_D_SECURE)).json()
    intent_id = first["clientSecret"].split("_secret_")[0]
    assert post_token(client, path, stripe_side.token(VISA)).json()["state"] == "paid"
    payments = {p.stripePaymentIntentId: p for p in Payment.by_booking.query(booking.bookingId)}
    abandoned = Payment.get(payments[intent_id].transactionId, consistent_read=True)
    assert abandoned.status == "cancelled"
    assert "Not needed: the booking was paid by" in abandoned.failureMessage
    assert stripe_side.intent(intent_id).status == "canceled"  # it can never charge now
    assert sorted(p.status for p in Payment.by_booking.query(booking.bookingId)) == [
        "cancelled",
        "completed",
    ]
    manage = html(client.get(path))
    assert "Cancelled, not charged" in manage and "Not completed" not in manage
    assert Booking.get(booking.bookingId, consistent_read=True).openPayments is None
