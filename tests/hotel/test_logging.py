"""Logs: one JSON object per line with request context, and never a secret or a card."""

from __future__ import annotations

import io
import json
import logging
import time

import pytest
from django.test import Client

from hotel.logging import JsonFormatter, RedactFilter, redact, request_id_var
from tests.payments.conftest import sign

CARD = "4242 4242 4242 4242"
TOKEN = "hk_Zx9SecretApiToken0123456789"


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Authorization: Bearer abc.def-ghi", "abc.def-ghi"),
        ("{'HTTP_AUTHORIZATION': 'Token s3cr3t'}", "s3cr3t"),
        ('{"Stripe-Signature": "t=1772443800,v1=aa11bb22,v0=cc33"}', "aa11bb22"),
        ("stripe_signature=t=1772443800,v1=deadbeef01", "deadbeef01"),
        ("card 4000-0000-0000-0341 declined", "4000-0000-0000-0341"),
        (f"number={CARD}", "4242"),
        ("amex 378282246310005", "378282246310005"),
        ("key sk_live_51HxYzAbCdEf", "sk_live_51HxYzAbCdEf"),
        ("secret whsec_abcDEF123", "whsec_abcDEF123"),
        (f"token {TOKEN} issued", TOKEN),
        ("GET /api/bookings/B-1?token=guest-secret&x=1", "guest-secret"),
        ('{"email": "a@b.test", "password": "hunter22"}', "hunter22"),
        ("Cookie: sessionid=abc123; csrftoken=def456", "abc123"),
    ],
)
def test_redact_removes_credentials_signatures_and_cards(text, secret):
    assert secret not in redact(text)


@pytest.mark.parametrize(
    "text",
    [
        "Booking B-20260302-AB12 confirmed for 2026-03-09 to 2026-03-11",
        "charged 450000 INR (attempt 2) at 2026-03-02T09:30:00+00:00",
        "expired 3 hold(s)",
    ],
)
def test_redact_leaves_ordinary_messages_alone(text):
    assert redact(text) == text


def test_json_formatter_writes_one_object_per_line_with_context(monkeypatch):
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "hotel-prod-payments")
    monkeypatch.setenv("HOTEL_STAGE", "prod")
    token = request_id_var.set("req-0123456789")
    try:
        record = logging.LogRecord("payments", logging.ERROR, __file__, 1, "boom\n%s", ("x",), None)
        RedactFilter().filter(record)
        line = JsonFormatter().format(record)
    finally:
        request_id_var.reset(token)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "payments"
    assert entry["message"] == "boom\nx"
    assert entry["requestId"] == "req-0123456789"
    assert entry["stage"] == "prod"
    assert entry["function"] == "hotel-prod-payments"


@pytest.fixture
def console():
    """What the configured console handler (settings.LOGGING) writes."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(previous)


def test_a_failing_webhook_logs_no_signature_card_or_token(console, monkeypatch):
    payload = json.dumps(
        {"id": "evt_log1", "type": "payment_intent.succeeded", "card": {"number": CARD}}
    ).encode()
    signature = sign(payload, timestamp=int(time.time()))

    def careless(*, payload, signature, now):
        # The kind of error message that would leak everything if logs were not redacted.
        raise RuntimeError(f"could not apply {payload!r} signed {signature}")

    monkeypatch.setattr("payments.views.payment_webhook_handle", careless)
    response = Client().post(
        "/webhooks/stripe",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature,
        HTTP_AUTHORIZATION=f"Bearer {TOKEN}",
    )

    assert response.status_code == 500
    written = console.getvalue()
    assert "Webhook failed" in written and "RuntimeError" in written  # it was logged
    for secret in (signature, signature.split("v1=")[1], CARD, CARD.replace(" ", ""), TOKEN):
        assert secret not in written


def test_a_payment_request_logs_no_card_or_token(console, make_room):
    response = Client().post(
        f"/api/payments?token={TOKEN}",
        data=json.dumps({"bookingId": "B-1", "cardNumber": CARD}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {TOKEN}",
    )
    assert response.status_code in (400, 401, 403, 404)
    written = console.getvalue()
    assert written  # Django logged the refused request
    assert TOKEN not in written and CARD not in written
