"""One payment for a reservation's rooms from its page (hotel/site/reservation_pay.py):
the one form with the sum due now, a good card confirming every stay, 3-D Secure stopping
at the stay that asks for it (and refusing a second charge until it is settled), a decline,
and the per-room pay links kept only for a room left unpaid. Django's test client against
localstripe, the real clock."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from bookings.models import Booking
from bookings.reservations.models import Reservation
from payments.models import Payment
from tests.payments.conftest import THREE_D_SECURE, VISA, sign

from .pages import html
from .test_cart import fill_family_cart
from .test_cart import hotel as hotel  # the fixture


@pytest.fixture
def held(client, hotel):
    """A family's two rooms held as one reservation: (client, page path, reference)."""
    fill_family_cart(client)
    response = client.post("/cart", {"name": "Ada Guest", "email": "ada@guest.test"})
    path = response["Location"]
    return client, path, path.split("/")[2].split(":")[0]


def stays_of(reference: str) -> list[Booking]:
    """The reservation's stays in the order booked (the order they are charged in)."""
    ids = Reservation.get(reference, consistent_read=True).bookingIds
    return [Booking.get(booking_id, consistent_read=True) for booking_id in ids]


def post(client, path, token, amount, currency="INR"):
    data = {"stripe_token": token, "amount": amount, "currency": currency}
    return client.post(f"{path}pay", data, HTTP_ACCEPT="application/json")


def test_the_page_has_one_pay_form_for_every_room(held):
    client, path, reference = held
    page = html(client.get(path))
    due = sum(b.totalPrice for b in stays_of(reference))  # prepaid plans: everything now
    assert page.count('id="pay-form"') == 1
    assert f'action="{path}pay"' in page and f'data-status-url="{path}status"' in page
    assert f'name="amount" value="{due}"' in page
    assert f"Pay ₹{due // 100:,}.{due % 100:02d}" in page
    assert "Pay for 2 rooms at once" in page
    assert "Pay this room alone" not in page  # nothing paid yet: no per-room links
    assert "reservation_pay.js" in page


def test_one_good_card_confirms_every_stay(held, stripe_side):
    client, path, reference = held
    due = sum(b.totalPrice for b in stays_of(reference))
    response = post(client, path, stripe_side.token(VISA), due)
    assert response.status_code == 200
    assert response.json() == {"state": "paid", "next": path, "statusUrl": f"{path}status"}
    assert [b.status for b in stays_of(reference)] == ["confirmed", "confirmed"]
    for booking in stays_of(reference):  # each stay its own payment, on its own bill
        (payment,) = Payment.by_booking.query(booking.bookingId)
        assert (payment.status, payment.amount) == ("completed", booking.totalPrice)
    state = client.get(f"{path}status").json()
    assert state["allConfirmed"] and state["due"] == 0 and state["pending"] == []
    page = html(client.get(path))
    assert "Your rooms are booked" in page and 'id="pay-form"' not in page
    assert page.count("Confirmed") >= 2
    # A second post (a double click) charges nothing more.
    again = post(client, path, stripe_side.token(VISA), due)
    assert again.json()["state"] == "paid"
    assert all(len(list(Payment.by_booking.query(b.bookingId))) == 1 for b in stays_of(reference))


def test_3d_secure_stops_at_the_stay_that_asks_and_the_rest_is_paid_after_it(held, stripe_side):
    client, path, reference = held
    first, second = stays_of(reference)
    due = first.totalPrice + second.totalPrice
    body = post(client, path, stripe_side.token(THREE_D_SECURE), due).json()
    assert body["state"] == "requires_action" and body["bookingId"] == first.bookingId
    assert re.match(r"pi_\w+_secret_", body["clientSecret"])
    assert list(Payment.by_booking.query(second.bookingId)) == []  # not charged yet
    state = client.get(f"{path}status").json()
    assert state["pending"] == [first.bookingId, second.bookingId]
    assert state["stays"][first.bookingId]["payment"]["status"] == "requires_action"

    (payment,) = Payment.by_booking.query(first.bookingId)
    stripe_side.authenticate(payment.stripePaymentIntentId, body["clientSecret"])
    payload = stripe_side.event_payload(payment.stripePaymentIntentId, "payment_intent.succeeded")
    hook = Client().generic(
        "POST", "/webhooks/stripe", payload, content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(payload),
    )  # fmt: skip
    assert hook.status_code == 200
    state = client.get(f"{path}status").json()
    assert state["stays"][first.bookingId]["status"] == "confirmed"
    assert state["pending"] == [second.bookingId] and state["due"] == second.totalPrice
    # The page now offers the rest, and the room left as a fallback link of its own.
    page = html(client.get(path))
    assert f'name="amount" value="{second.totalPrice}"' in page
    assert page.count("Pay this room alone") == 1
    rest = post(client, path, stripe_side.token(VISA), second.totalPrice).json()
    assert rest["state"] == "paid"
    assert [b.status for b in stays_of(reference)] == ["confirmed", "confirmed"]
    assert client.get(f"{path}status").json()["allConfirmed"]


def test_a_declined_card_or_a_wrong_amount_charges_nothing(held, stripe_side):
    client, path, reference = held
    due = sum(b.totalPrice for b in stays_of(reference))
    wrong = post(client, path, stripe_side.token(VISA), due - 1)
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "AMOUNT_MISMATCH"
    declined = post(client, path, stripe_side.token("4000000000000341"), due)
    assert declined.status_code == 402
    details = declined.json()["error"]["details"]
    assert details["paid"] == [] and len(details["unpaid"]) == 2
    assert [b.status for b in stays_of(reference)] == ["pending", "pending"]
    bad = client.post(f"{path}pay", {"stripe_token": "<x>"}, HTTP_ACCEPT="application/json")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "VALIDATION_ERROR"


def test_the_payment_endpoints_need_the_signed_link(held):
    client, path, reference = held
    assert client.post(f"/reservation/{reference}/pay", {}).status_code == 404
    assert client.get(f"/reservation/{reference}:forged/status").status_code == 404
    assert client.get(f"{path}pay").status_code == 405
