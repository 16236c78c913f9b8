"""One payment for a reservation's rooms from its page (hotel/site/reservation_pay.py):
the one form with the sum due now, a good card confirming every stay (attached once to a
customer, every intent charged with it), 3-D Secure stopping at the stay that asks for it
(the rest payable before it is settled, never charging it twice), a decline,
and the per-room pay links kept only for a room left unpaid. Django's test client against
localstripe, the real clock."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from bookings.models import Booking
from bookings.reservations.models import Reservation
from payments.models import Payment
from payments.providers.stripe import StripeProvider
from payments.services import reservation_pay
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


@pytest.fixture
def attach_calls(monkeypatch):
    """Every call of the provider's make_reusable (the real one runs)."""
    calls = []
    real = StripeProvider.make_reusable

    def spy(self, **kwargs):
        calls.append(kwargs)
        return real(self, **kwargs)

    monkeypatch.setattr(StripeProvider, "make_reusable", spy)
    return calls


def intents_of(stripe_side, booking: Booking) -> list:
    payments = Payment.by_booking.query(booking.bookingId)
    return [stripe_side.intent(p.stripePaymentIntentId) for p in payments]


def test_one_card_is_attached_once_and_every_stay_charged_with_it(held, stripe_side, attach_calls):
    """A token (or an unattached PaymentMethod) can be charged only once at Stripe: the
    card is attached to one customer first and each stay's intent carries both."""
    client, path, reference = held
    due = sum(b.totalPrice for b in stays_of(reference))
    token = stripe_side.token(VISA)
    assert post(client, path, token, due).json()["state"] == "paid"
    assert [c["payment_method"] for c in attach_calls] == [token]
    intents = [i for b in stays_of(reference) for i in intents_of(stripe_side, b)]
    assert len(intents) == 2 and all(i.status == "succeeded" for i in intents)
    assert {(i.customer, i.payment_method) for i in intents} == {
        (intents[0].customer, intents[0].payment_method)
    }
    assert intents[0].customer.startswith("cus_") and intents[0].payment_method


def test_a_payment_method_is_attached_to_the_customer_once(held, stripe_side, attach_calls):
    _client, _path, reference = held
    first, second = stays_of(reference)
    method = stripe_side.card(VISA)
    done = reservation_pay(
        reservation_id=reference,
        amount=first.totalPrice + second.totalPrice,
        currency="INR",
        payment_method_id=method,
        actor="guest",
        now=timezone.now(),
    )
    assert [a.payment.status for a in done.attempts] == ["completed", "completed"]
    assert len(attach_calls) == 1
    intents = [i for b in (first, second) for i in intents_of(stripe_side, b)]
    customer = intents[0].customer
    assert customer.startswith("cus_")
    assert [(i.customer, i.payment_method) for i in intents] == [(customer, method)] * 2
    attached = stripe_side.client.v1.payment_methods.retrieve(method)
    assert attached.customer == customer


def test_one_stay_left_is_charged_with_the_card_as_given(held, stripe_side, attach_calls):
    client, path, reference = held
    first, second = stays_of(reference)
    body = post(
        client, path, stripe_side.token(THREE_D_SECURE), first.totalPrice + second.totalPrice
    )
    assert body.json()["state"] == "requires_action"
    assert len(attach_calls) == 1
    # Before the guest authenticates (no webhook yet) the rest is only the second stay.
    state = client.get(f"{path}status").json()
    assert state["due"] == second.totalPrice
    rest = post(client, path, stripe_side.token(VISA), second.totalPrice)
    assert rest.status_code == 200 and rest.json()["state"] == "paid"
    assert len(attach_calls) == 1  # one stay: no customer needed
    first, second = stays_of(reference)
    assert (first.status, second.status) == ("pending", "confirmed")
    (open_payment,) = Payment.by_booking.query(first.bookingId)  # not charged a second time
    assert open_payment.status == "requires_action"
    assert [p.status for p in Payment.by_booking.query(second.bookingId)] == ["completed"]
    # Only the stay waiting for 3-D Secure is left: a further post is refused, not charged.
    again = post(client, path, stripe_side.token(VISA), 0)
    assert again.status_code == 409 and again.json()["error"]["code"] == "PAYMENT_IN_PROGRESS"
    assert len(list(Payment.by_booking.query(first.bookingId))) == 1
