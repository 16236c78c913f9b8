"""Dependencies going away and coming back, with the app server running all along.

DynamoDB: a dedicated DynamoDB Local (data on disk, so it keeps its tables across the
restart) behind a dedicated gunicorn; stopped mid-run, every API request answers 503 in the
error shape with Retry-After, never a 500; started again, the same server recovers.
Stripe: a dedicated localstripe stopped before a payment: 502/503, the booking stays pending;
after it is back, a retry pays once, and only once.
"""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
import requests

from bookings.models import Booking
from devtools.gunicorn_server import start_gunicorn
from devtools.services import free_port, start_dynamodb_local, start_localstripe
from payments.models import Payment

from .conftest import suite_env

pytestmark = pytest.mark.reliability

_SEED = """
import django
django.setup()
from datetime import UTC, datetime
from hotel import dynamo
from rooms.services import room_create
dynamo.sync_tables(log=lambda _m: None)
room_create(
    data={"roomId": "R-OUT", "roomType": "Deluxe", "floorNumber": 1, "capacity": 2,
          "pricePerNight": 5000, "amenities": ["WiFi"]},
    actor="outage-test", now=datetime.now(UTC),
)
"""


def _stay(days: int) -> dict:
    check_in = (datetime.now(UTC) + timedelta(days=days)).date()
    return {
        "roomId": "R-OUT",
        "checkIn": check_in.isoformat(),
        "checkOut": (check_in + timedelta(days=2)).isoformat(),
        "guests": 1,
        "guestName": "Outage Guest",
        "guestEmail": "outage@guest.test",
    }


def _dates(stay: dict) -> dict:
    return {"checkIn": stay["checkIn"], "checkOut": stay["checkOut"]}


def _assert_503(response, what: str) -> None:
    assert response.status_code == 503, (what, response.status_code, response.text[:500])
    assert response.headers.get("Retry-After"), what
    error = response.json()["error"]
    assert error["statusCode"] == 503 and error["code"] == "SERVICE_UNAVAILABLE", what
    assert error["requestId"] == response.headers["X-Request-Id"], what
    assert "Traceback" not in response.text, what


@pytest.fixture
def own_dynamodb(tmp_path):
    port, data = free_port(), tmp_path / "dynamodb"
    service = start_dynamodb_local(port=port, data_dir=data, log_path=tmp_path / "ddb.log")
    holder = {"service": service, "port": port, "data": data}
    yield holder
    holder["service"].stop()


@pytest.fixture
def outage_server(own_dynamodb, tmp_path):
    """gunicorn on the dedicated DynamoDB Local, its tables made and a room R-OUT in it."""
    env = suite_env(DYNAMODB_ENDPOINT=own_dynamodb["service"].url)
    subprocess.run([sys.executable, "-c", _SEED], env=env, check=True, timeout=120)
    server = start_gunicorn(
        port=free_port(), env=env, workers=2, threads=2, log_path=tmp_path / "server.log"
    )
    yield server
    server.stop()


def test_dynamodb_outage_answers_503_and_recovers_without_restart(
    own_dynamodb, outage_server, tmp_path
):
    server, url = outage_server, outage_server.url
    assert requests.get(f"{url}/api/rooms/R-OUT", timeout=10).status_code == 200
    before = requests.post(f"{url}/api/bookings", json=_stay(20), timeout=10)
    assert before.status_code == 201, before.text
    booking_id, token = before.json()["bookingId"], before.json()["guestToken"]

    own_dynamodb["service"].stop()

    calls = [
        ("GET", "/api/rooms/R-OUT", None, {}),
        ("GET", "/api/rooms", None, {}),
        ("POST", "/api/rooms/availability", _dates(_stay(30)), {}),
        ("POST", "/api/bookings", _stay(30), {}),
        ("GET", f"/api/bookings/{booking_id}", None, {"X-Booking-Token": token}),
        ("GET", "/healthz", None, {}),
    ]
    for method, path, body, headers in calls:
        response = requests.request(method, f"{url}{path}", json=body, headers=headers, timeout=30)
        _assert_503(response, f"{method} {path}")

    own_dynamodb["service"] = start_dynamodb_local(
        port=own_dynamodb["port"],
        data_dir=own_dynamodb["data"],
        log_path=tmp_path / "ddb.log",
    )
    deadline = time.monotonic() + 60
    while requests.get(f"{url}/api/rooms/R-OUT", timeout=30).status_code != 200:
        assert time.monotonic() < deadline, "the server did not recover"
        time.sleep(0.5)
    again = requests.get(
        f"{url}/api/bookings/{booking_id}", headers={"X-Booking-Token": token}, timeout=10
    )
    assert again.status_code == 200 and again.json()["status"] == "pending"
    after = requests.post(f"{url}/api/bookings", json=_stay(30), timeout=10)
    assert after.status_code == 201, after.text
    assert server.process.poll() is None  # the same server, never restarted


def test_guest_pages_answer_503_with_retry_after_during_a_dynamodb_outage(
    own_dynamodb, outage_server
):
    url = outage_server.url
    stay = _stay(30)
    search = f"/search?check_in={stay['checkIn']}&check_out={stay['checkOut']}&guests=1"
    assert requests.get(f"{url}{search}", timeout=30).status_code == 200
    own_dynamodb["service"].stop()
    pages = {}
    for path in ("/", search, "/book/R-OUT", "/booking/find", "/admin/login/"):
        response = requests.get(f"{url}{path}", timeout=30)
        pages[path] = (response.status_code, response.headers.get("Retry-After"))
    assert all(status < 500 or (status == 503 and retry) for status, retry in pages.values()), pages


def test_stripe_outage_keeps_the_booking_pending_and_a_retry_charges_once(make_room, tmp_path):
    make_room(roomId="R-OUT")
    stripe_port = free_port()
    stripe = start_localstripe(port=stripe_port, log_path=tmp_path / "stripe.log")
    env = suite_env(STRIPE_API_BASE=stripe.url)
    server = start_gunicorn(
        port=free_port(), env=env, workers=2, threads=2, log_path=tmp_path / "server.log"
    )
    url = server.url
    try:
        created = requests.post(f"{url}/api/bookings", json=_stay(20), timeout=10).json()
        booking_id, token = created["bookingId"], created["guestToken"]
        pay = {
            "bookingId": booking_id,
            "amount": created["totalPrice"],
            "currency": created["currency"],
            "paymentMethodId": "pm_card_visa",
        }
        headers = {"X-Booking-Token": token}

        stripe.stop()
        down = requests.post(f"{url}/api/payments", json=pay, headers=headers, timeout=60)
        assert down.status_code in (502, 503), down.text
        assert down.json()["error"]["statusCode"] == down.status_code
        assert Booking.get(booking_id, consistent_read=True).status == "pending"
        assert [p.status for p in Payment.scan(Payment.bookingId == booking_id)] == ["failed"]

        stripe = start_localstripe(port=stripe_port, log_path=tmp_path / "stripe.log")
        paid = requests.post(f"{url}/api/payments", json=pay, headers=headers, timeout=60)
        assert paid.status_code == 201, paid.text
        retry = requests.post(f"{url}/api/payments", json=pay, headers=headers, timeout=60)
        assert retry.status_code == 409, retry.text  # already paid: not payable again

        assert Booking.get(booking_id, consistent_read=True).status == "confirmed"
        payments = sorted(p.status for p in Payment.scan(Payment.bookingId == booking_id))
        assert payments == ["completed", "failed"]
        intents = requests.get(
            f"{stripe.url}/v1/payment_intents", auth=("sk_test_local", ""), timeout=10
        ).json()["data"]
        charged = [
            i for i in intents
            if i["status"] == "succeeded" and i["metadata"].get("bookingId") == booking_id
        ]  # fmt: skip
        assert len(charged) == 1
    finally:
        server.stop()
        stripe.stop()
