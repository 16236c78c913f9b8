"""Security properties checked from the outside: IDOR, CSRF on every session write, headers,
CORS, login throttling, webhook signatures, and no card data in any table."""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime, timedelta

import pytest
import requests
from django.conf import settings
from django.test import Client, override_settings
from rest_framework.test import APIClient

from bookings.links import manage_token
from bookings.models import Booking
from bookings.services import booking_create
from hotel import dynamo
from hotel.accounts import roles
from payments.models import ProcessedWebhookEvent
from tests.conftest import PASSWORD
from tests.stored import stored_text

from .test_url_walk import ROUTES, concrete

pytestmark = pytest.mark.reliability

WRITES = ("POST", "PUT", "PATCH", "DELETE")
# Routes that take unsafe methods without Django's CSRF token, and why that is safe.
CSRF_EXEMPT = {
    # Stripe's POSTs carry no cookie; the Stripe-Signature HMAC is the authentication.
    "webhooks/stripe": {"POST"},
    # Authenticates by the credentials in the body (or the bearer token on DELETE) and uses
    # no session: nothing ambient for a forged request to ride on.
    "api/auth/token": {"POST", "DELETE"},
}


def _book(room_id: str, *, days_ahead: int = 20, email: str = "guest@guest.test"):
    check_in = (datetime.now(UTC) + timedelta(days=days_ahead)).date()
    return booking_create(
        room_id=room_id,
        check_in=check_in,
        check_out=check_in + timedelta(days=2),
        guests=1,
        guest_name="Sec Guest",
        guest_email=email,
        actor="test",
        now=datetime.now(UTC),
    )


@pytest.fixture
def two_bookings(make_room):
    room = make_room(roomId="R-SEC").roomId
    return _book(room, days_ahead=20, email="a@guest.test"), _book(
        room, days_ahead=25, email="b@guest.test"
    )


# --- IDOR ------------------------------------------------------------------------------------


def test_a_reservation_is_unreachable_without_its_own_token(two_bookings):
    from bookings.reservations.services import reservation_create

    a, b = two_bookings
    day = (datetime.now(UTC) + timedelta(days=40)).date()
    created = reservation_create(
        booker={"name": "Sec Booker", "email": "r@guest.test"},
        stays=[{"roomType": "Deluxe", "adults": 1, "checkIn": day,
                "checkOut": day + timedelta(days=1)}],
        actor="test",
        now=datetime.now(UTC),
    )  # fmt: skip
    rid, stay = created.reservation.reservationId, created.bookings[0].bookingId
    client = APIClient()
    for ref in (rid, a.booking.bookingId):
        url = f"/api/reservations/{ref}"
        for token in (None, "not-the-token", b.guest_token):
            headers = {"HTTP_X_BOOKING_TOKEN": token} if token else {}
            assert client.get(url, **headers).status_code == 404
    for path in (f"{rid}/cancel", f"{rid}/stays/{stay}/cancel", f"{rid}/payments", f"{rid}/change"):
        response = client.post(f"/api/reservations/{path}", HTTP_X_BOOKING_TOKEN=b.guest_token)
        assert response.status_code == 404, path
    ok = client.get(f"/api/reservations/{rid}", HTTP_X_BOOKING_TOKEN=created.guest_token)
    assert ok.status_code == 200
    # The reservation's own bill is staff's: not even its own token opens it.
    for token in (b.guest_token, created.guest_token):
        bill = client.get(f"/api/reservations/{rid}/folio", HTTP_X_BOOKING_TOKEN=token)
        assert bill.status_code in (401, 403)
    assert Booking.get(stay, consistent_read=True).status == "pending"


@pytest.mark.parametrize(
    "path",
    ["", "/cancellation-quote"],
    ids=["detail", "cancellation-quote"],
)
def test_a_booking_is_unreachable_without_its_own_token(two_bookings, path):
    a, b = two_bookings
    client = APIClient()
    url = f"/api/bookings/{a.booking.bookingId}{path}"

    assert client.get(url).status_code == 404
    assert client.get(url, HTTP_X_BOOKING_TOKEN="not-the-token").status_code == 404
    assert client.get(url, HTTP_X_BOOKING_TOKEN=b.guest_token).status_code == 404
    assert client.get(f"{url}?token={b.guest_token}").status_code == 404
    assert client.get(url, HTTP_X_BOOKING_TOKEN=a.guest_token).status_code == 200


def test_guest_writes_need_the_booking_token(two_bookings):
    a, b = two_bookings
    client = APIClient()
    booking_id = a.booking.bookingId
    for path, body in (
        ("cancel", None),
        ("change", {"checkOut": a.booking.checkOut}),
        ("online-check-in", {"arrivalTime": "15:00"}),
    ):
        url = f"/api/bookings/{booking_id}/{path}"
        response = client.post(url, body, format="json", HTTP_X_BOOKING_TOKEN=b.guest_token)
        assert response.status_code == 404, (path, response.status_code)
    payment = {
        "bookingId": booking_id,
        "amount": a.booking.totalPrice,
        "currency": a.booking.currency,
        "paymentMethodId": "pm_card_visa",
    }
    response = client.post("/api/payments", payment, format="json", HTTP_X_BOOKING_TOKEN="x")
    assert response.status_code in (401, 403, 404)
    assert Booking.get(booking_id, consistent_read=True).status == "pending"


def test_guest_pages_open_with_the_signed_link_only(two_bookings):
    a, b = two_bookings
    client = Client()
    good = manage_token(booking_id=a.booking.bookingId)
    assert client.get(f"/booking/{good}/").status_code == 200
    forged = good[:-2] + ("AA" if not good.endswith("AA") else "BB")
    other = manage_token(booking_id=b.booking.bookingId)
    for token in (a.booking.bookingId, forged, f"{a.booking.bookingId}:{other.split(':')[-1]}"):
        for page in ("", "cancel", "change", "pay", "status", "confirmation", "check-in"):
            assert client.get(f"/booking/{token}/{page}").status_code == 404, (token, page)


# --- CSRF ------------------------------------------------------------------------------------


def test_every_session_write_needs_the_csrf_token(make_staff, make_room, two_bookings):
    """Signed in with a session cookie (a manager may do anything), every unsafe request
    without the CSRF token is refused, on every route of the URL configuration."""
    a, _ = two_bookings
    world = {"room": "R-SEC", "booking": a.booking.bookingId, "payment": "TXN-NONE"}
    world.update(manager=make_staff(roles.MANAGER).email, rule="none", promo="NONE10")
    world["profile"] = Booking.get(a.booking.bookingId).profileId  # a guest profile
    manager = make_staff(roles.MANAGER)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(manager)
    unprotected = []
    for route in ROUTES:
        for method in WRITES:
            if method in CSRF_EXEMPT.get(route, set()):
                continue
            url = concrete(route, world, signed=True)
            response = getattr(browser, method.lower())(url)
            status = response.status_code
            if status != 403 and status != 405:
                unprotected.append(f"{method} {url} -> {status}")
    assert unprotected == []


def test_guest_forms_need_the_csrf_token(make_room):
    room = make_room(roomId="R-FORM").roomId
    client = Client(enforce_csrf_checks=True)
    check_in = (datetime.now(UTC) + timedelta(days=20)).date()
    form = {
        "check_in": check_in.isoformat(),
        "check_out": (check_in + timedelta(days=1)).isoformat(),
        "guests": "1",
        "guest_name": "Csrf Guest",
        "guest_email": "csrf@guest.test",
    }
    assert client.post(f"/book/{room}", form).status_code == 403
    assert client.post("/booking/find", {"reference": "BK-1", "email": "x@y.z"}).status_code == 403
    assert Booking.count() == 0


# --- headers and CORS -------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/api/rooms", "/search", "/healthz", "/admin/login/"])
def test_security_headers_are_present(path, make_room):
    make_room()
    response = Client().get(path)
    assert response.status_code in (200, 302)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response.get("X-Request-Id")
    if path in ("/", "/search"):
        policy = response["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy
        assert "'unsafe-inline'" not in policy.split("script-src", 1)[-1].split(";", 1)[0]


@override_settings(CORS_ALLOWED_ORIGINS=["https://app.hotel.example"])
def test_cors_allows_only_configured_origins():
    client = Client()
    preflight = {
        "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "POST",
        "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "content-type",
    }
    good = client.options(
        "/api/rooms/availability", HTTP_ORIGIN="https://app.hotel.example", **preflight
    )
    assert good["Access-Control-Allow-Origin"] == "https://app.hotel.example"
    assert "Access-Control-Allow-Credentials" not in good
    for origin in ("https://evil.example", "https://app.hotel.example.evil.example", "null"):
        bad = client.options("/api/rooms/availability", HTTP_ORIGIN=origin, **preflight)
        assert "Access-Control-Allow-Origin" not in bad, origin
        got = client.get("/api/rooms", HTTP_ORIGIN=origin)
        assert "Access-Control-Allow-Origin" not in got, origin
    # Outside /api/ nobody gets CORS, not even a configured origin.
    page = client.get("/", HTTP_ORIGIN="https://app.hotel.example")
    assert "Access-Control-Allow-Origin" not in page


def test_cors_is_off_by_default():
    assert settings.CORS_ALLOWED_ORIGINS == []
    response = Client().get("/api/rooms", HTTP_ORIGIN="https://app.hotel.example")
    assert "Access-Control-Allow-Origin" not in response


# --- login throttling --------------------------------------------------------------------------


def test_login_locks_after_repeated_failures_even_with_the_right_password(make_staff):
    user = make_staff(roles.MANAGER)
    client = APIClient()
    for _ in range(settings.LOGIN_MAX_FAILURES):
        wrong = {"email": user.email, "password": "wrong-password-1"}
        assert client.post("/api/auth/token", wrong, format="json").status_code == 401
    right = {"email": user.email, "password": PASSWORD}
    locked = client.post("/api/auth/token", right, format="json")
    assert locked.status_code == 429
    assert locked.json()["error"]["statusCode"] == 429
    # The admin's login shares the lock: the right password still does not sign in.
    admin = Client()
    response = admin.post("/admin/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code != 302 and "_auth_user_id" not in admin.session


# --- webhooks --------------------------------------------------------------------------------


def test_webhooks_without_a_valid_signature_are_refused_and_change_nothing(two_bookings):
    a, _ = two_bookings
    event = {
        "id": "evt_forged",
        "type": "payment_intent.succeeded",
        "data": {"object": {"id": "pi_forged", "metadata": {"bookingId": a.booking.bookingId}}},
    }
    body = json.dumps(event)
    client = Client()
    timestamp = int(datetime.now(UTC).timestamp())
    for signature in (None, "t=1,v1=deadbeef", f"t={timestamp},v1={'0' * 64}"):
        extra = {"HTTP_STRIPE_SIGNATURE": signature} if signature else {}
        response = client.post("/webhooks/stripe", body, content_type="application/json", **extra)
        assert response.status_code == 400, signature
    assert ProcessedWebhookEvent.count() == 0
    assert Booking.get(a.booking.bookingId, consistent_read=True).status == "pending"


# --- card data ---------------------------------------------------------------------------------

CARD = "4242424242424242"
CARD_HOLDER = "Cardholder Zyxwvut"
CVC = "987"
FORBIDDEN_ATTRIBUTES = re.compile(r"card.?number|^pan$|cvc|cvv|cardholder|exp.?(month|year)", re.I)


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def test_no_card_data_lands_in_any_table(make_room):
    """Pay with a card the way the guest page does (a Stripe token made from the card), then
    read every item of every table: no card number, CVC or cardholder name anywhere."""
    room = make_room(roomId="R-CARD").roomId
    created = _book(room, days_ahead=30, email="card@guest.test")
    booking = created.booking
    token = requests.post(
        f"{os.environ['STRIPE_API_BASE']}/v1/tokens",
        data={
            "card[number]": CARD,
            "card[exp_month]": "12",
            "card[exp_year]": "2031",
            "card[cvc]": CVC,
            "card[name]": CARD_HOLDER,
        },
        auth=(settings.STRIPE_SECRET_KEY, ""),
        timeout=10,
    ).json()["id"]
    response = APIClient().post(
        "/api/payments",
        {
            "bookingId": booking.bookingId,
            "amount": booking.totalPrice,
            "currency": booking.currency,
            "stripeToken": token,
        },
        format="json",
        HTTP_X_BOOKING_TOKEN=created.guest_token,
    )
    assert response.status_code == 201, response.content

    findings = []
    items = 0
    for model in dynamo.registered_models():
        for name in model.get_attributes():
            if FORBIDDEN_ATTRIBUTES.search(name):
                findings.append(f"{model.Meta.table_name}: attribute {name}")
        for item in model.scan(consistent_read=True):
            items += 1
            text = stored_text(model, item.serialize())
            if CARD in text or CARD_HOLDER in text or f'"{CVC}"' in text:
                findings.append(f"{model.Meta.table_name}: {text[:300]}")
            # A number standing on its own: a run of digits inside a hex digest or a random id
            # (a token hash, a hold slot key) passes Luhn one time in ten and is no card.
            for run in re.findall(r"(?<![0-9A-Za-z])\d{13,19}(?![0-9A-Za-z])", text):
                if _luhn(run) and not run.startswith(("17", "20")):  # not epoch timestamps
                    findings.append(f"{model.Meta.table_name}: card-like number {run}")
    assert items > 3  # booking, nights, payment, audit entries at least
    assert findings == []
