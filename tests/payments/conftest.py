"""Payment fixtures: a bookable room, pending bookings, and a Stripe client for the test's own
side of localstripe (cards the guest's browser would create, 3-D Secure, events, listings)."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import urllib.parse
import urllib.request
from datetime import UTC, date, datetime, timedelta

import pytest
import stripe
from django.conf import settings

from bookings.services import booking_create
from hotel import events

VISA = "4242424242424242"
DECLINED = "4000000000000341"  # attaches fine, declined when charged
THREE_D_SECURE = "4000002760003184"  # always asks for 3-D Secure
PRICE = 10000  # per night; two nights + 12 % tax = 22400
TOTAL = 22400
_seq = itertools.count(1)


def now() -> datetime:
    """Payments meet the real clock (webhook signatures, localstripe), so bookings use it too."""
    return datetime.now(UTC)


def stay_start() -> date:
    return now().date() + timedelta(days=30)


class StripeSide:
    """What the guest's browser and Stripe's dashboard do, against localstripe."""

    def __init__(self):
        self.base = settings.STRIPE_API_BASE
        self.client = stripe.StripeClient(
            settings.STRIPE_SECRET_KEY, base_addresses={"api": self.base}, max_network_retries=0
        )

    def card(self, number: str) -> str:
        """A PaymentMethod for a card number (what Stripe.js sends to Stripe, never to us)."""
        method = self.client.v1.payment_methods.create(
            params={
                "type": "card",
                "card": {"number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123"},
            }
        )
        return method.id

    def token(self, number: str = VISA) -> str:
        token = self.client.v1.tokens.create(
            params={"card": {"number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123"}}
        )
        return token.id

    def intents_for(self, booking_id: str) -> list:
        intents = self.client.v1.payment_intents.list(params={"limit": 100}).auto_paging_iter()
        return [pi for pi in intents if pi.metadata.to_dict().get("bookingId") == booking_id]

    def intent(self, intent_id: str):
        return self.client.v1.payment_intents.retrieve(intent_id)

    def refunds_for(self, intent_id: str) -> list:
        refunds = self.client.v1.refunds.list(params={"payment_intent": intent_id, "limit": 100})
        return list(refunds.data)

    def authenticate(self, intent_id: str, client_secret: str, *, success: bool = True) -> None:
        """What Stripe.js confirmCardPayment does once the guest passes 3-D Secure."""
        data = urllib.parse.urlencode(
            {
                "client_secret": client_secret,
                "success": "true" if success else "false",
                "key": settings.STRIPE_PUBLISHABLE_KEY,
            }
        ).encode()
        request = urllib.request.Request(
            f"{self.base}/v1/payment_intents/{intent_id}/_authenticate", data=data
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200

    def event_payload(self, intent_id: str, event_type: str) -> bytes:
        """The raw body localstripe sends for its event about this PaymentIntent."""
        for _ in range(50):
            for event in self.client.v1.events.list(
                params={"type": event_type, "limit": 100}
            ).auto_paging_iter():
                if event.data.object.id == intent_id:
                    return self.raw(f"/v1/events/{event.id}")
            time.sleep(0.1)
        raise AssertionError(f"localstripe has no {event_type} event for {intent_id}")

    def raw(self, path: str) -> bytes:
        request = urllib.request.Request(
            f"{self.base}{path}",
            headers={"Authorization": f"Bearer {settings.STRIPE_SECRET_KEY}"},
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.dumps(json.loads(response.read()), indent=2, sort_keys=True).encode()


def sign(payload: bytes, *, secret: str | None = None, timestamp: int | None = None) -> str:
    """A `Stripe-Signature` header, computed the way Stripe (and localstripe) do."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    secret = settings.STRIPE_WEBHOOK_SECRET if secret is None else secret
    mac = hmac.new(secret.encode(), b"%d." % timestamp + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def fake_event(intent_id: str, *, transaction_id: str, booking_id: str, amount: int, **over):
    """A hand-made Stripe event (for cases localstripe cannot produce on demand)."""
    event_type = over.pop("type", "payment_intent.succeeded")
    obj = {
        "id": intent_id,
        "object": "payment_intent",
        "amount": amount,
        "currency": "inr",
        "status": "succeeded" if event_type.endswith("succeeded") else "requires_payment_method",
        "metadata": {"bookingId": booking_id, "transactionId": transaction_id},
        "last_payment_error": over.pop("last_payment_error", None),
    }
    obj.update(over)
    event = {
        "id": f"evt_test{next(_seq)}",
        "object": "event",
        "type": event_type,
        "data": {"object": obj},
    }
    return json.dumps(event).encode()


@pytest.fixture(scope="session")
def stripe_side():
    return StripeSide()


@pytest.fixture
def room(make_room):
    return make_room(roomId="R-1", capacity=2, pricePerNight=PRICE)


@pytest.fixture
def make_booking(room):
    def make(*, start: int = 0, nights: int = 2, at: datetime | None = None, room_id="R-1"):
        check_in = stay_start() + timedelta(days=start)
        return booking_create(
            room_id=room_id,
            check_in=check_in,
            check_out=check_in + timedelta(days=nights),
            guests=2,
            guest_name="Ada Guest",
            guest_email="ada@guest.test",
            actor="test",
            now=at or now(),
        )

    return make


@pytest.fixture
def bus(monkeypatch):
    recording = events.RecordingBus()
    monkeypatch.setattr(events, "get_bus", lambda: recording)
    return recording
