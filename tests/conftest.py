"""Shared fixtures. DynamoDB Local is started by devtools.pytest_services (see pyproject)."""

from __future__ import annotations

import itertools
import os
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from bookings.models import Booking
from bookings.services import hotel_today
from devtools.services import localstripe_webhook_register
from hotel import dynamo
from hotel.accounts import roles
from hotel.accounts.services import api_token_issue, staff_create
from hotel.profile import profile_forget
from rooms.models import Room
from rooms.room_types import room_types_forget
from rooms.services import room_create
from tests.factories import booking_made
from tests.helpers import record_reads

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
PASSWORD = "correct-horse-battery-9"
_seq = itertools.count(1)


@pytest.fixture(scope="session", autouse=True)
def _tables(django_db_blocker):
    dynamo.sync_tables(log=lambda _msg: None)


@pytest.fixture(autouse=True)
def _empty_tables(_tables):
    """Every test starts from empty tables (each xdist worker has its own), and no cached
    copy of one (the room types' list)."""
    dynamo.empty_tables()
    room_types_forget()
    profile_forget()


@pytest.fixture
def make_staff():
    def make(role: str = roles.MANAGER, *, email: str | None = None, password: str = PASSWORD):
        email = email or f"{role}{next(_seq)}@staff.test"
        return staff_create(
            email=email, password=password, role=role, full_name=f"Test {role}", now=NOW
        )

    return make


@pytest.fixture
def manager(make_staff):
    return make_staff(roles.MANAGER)


@pytest.fixture
def make_room():
    def make(**overrides):
        data = {
            "roomId": f"R-{100 + next(_seq)}",
            "roomType": "Deluxe",
            "floorNumber": 1,
            "capacity": 2,
            "pricePerNight": 5000,
            "amenities": ["AC", "WiFi"],
        }
        data.update(overrides)
        return room_create(data=data, actor="factory@staff.test", now=NOW)

    return make


@pytest.fixture
def api():
    """An API client; `api.as_role(role)` signs it in with a bearer token of a new staff member."""
    client = APIClient()

    def as_role(role: str, make_staff_fn=None):
        user = (make_staff_fn or _default_make_staff)(role)
        token = api_token_issue(user=user, now=datetime.now(UTC)).token
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        client.user = user
        return client

    client.as_role = as_role
    return client


def _default_make_staff(role):
    return staff_create(
        email=f"{role}{next(_seq)}@staff.test", password=PASSWORD, role=role, now=NOW
    )


@pytest.fixture
def admin_client(manager):
    """Django's test client signed in to the admin as a manager."""
    client = Client()
    client.force_login(manager)
    client.user = manager
    return client


# --- admin pages: clients signed in per role, spies on Room and Booking reads, a temporary
# MEDIA_ROOT, bookings in any status (used by the back office, accounts, audit, rooms and
# payments admin tests) ---------------------------------------------------------------------------


@pytest.fixture
def client_for(make_staff):
    """`client_for(role)`: a test client signed in as a new staff member with that role."""

    def make(role: str) -> Client:
        user = make_staff(role)
        client = Client()
        client.force_login(user)
        client.user = user
        return client

    return make


@pytest.fixture
def room_reads(monkeypatch):
    """Every Room query and scan (kind, index) made during the test."""
    return record_reads(monkeypatch, Room)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# --- bookings ------------------------------------------------------------------------------------

# The steps from a new (pending) booking to each status, through the services.
STATUS_PATH = {
    "pending": [],
    "confirmed": ["confirmed"],
    "checked-in": ["confirmed", "checked-in"],
    "checked-out": ["confirmed", "checked-in", "checked-out"],
    "cancelled": ["cancelled"],
    "no-show": ["confirmed", "no-show"],
}


@pytest.fixture
def book():
    """`book(room_id, start=days from today, nights=, status=, now=, **guest)`: a Booking.

    The admin reads the real clock, so stays are placed relative to today.
    """

    def make(room_id="101", *, start=7, nights=2, status="pending", now=None, **fields):
        today = hotel_today(timezone.now())
        booking = booking_made(
            room_id=room_id,
            check_in=today + timedelta(days=start),
            check_out=today + timedelta(days=start + nights),
            now=now or timezone.now(),
            to=STATUS_PATH[status],
            actor="factory@staff.test",
            **{"guests": 2, **fields},
        )
        return Booking.get(booking.bookingId, consistent_read=True)

    return make


@pytest.fixture
def booking_reads(monkeypatch):
    """Every Booking query and scan (kind, index) made during the test."""
    return record_reads(monkeypatch, Booking)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):  # keep pytest output readable
        pass


@pytest.fixture(scope="session")
def live_app():
    """Serve the WSGI app (static files included) over HTTP from a thread of the test process
    on a free loopback port; yields its base URL. (pytest-django's live_server wants an ORM.)
    It shares the run's DynamoDB Local, localstripe and settings."""
    server = ThreadedWSGIServer(("127.0.0.1", 0), _QuietHandler, allow_reuse_address=False)
    server.set_app(StaticFilesHandler(get_wsgi_application()))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="live-app", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


PAYMENT_WEBHOOK_EVENTS = ["payment_intent.succeeded", "payment_intent.payment_failed"]


@pytest.fixture(scope="module")
def localstripe_webhooks(live_app):
    """localstripe signs and POSTs its payment webhooks to the live app, as with `make run`.
    The registration has a name of its own and is muted afterwards: localstripe is shared by
    the whole run."""
    name = f"hotel-test-{os.getpid()}"

    def register(events):
        localstripe_webhook_register(
            settings.STRIPE_API_BASE,
            name=name,
            url=f"{live_app}/webhooks/stripe",
            secret=settings.STRIPE_WEBHOOK_SECRET,
            events=events,
        )

    register(PAYMENT_WEBHOOK_EVENTS)
    yield
    register([])


@pytest.fixture(scope="session")
def reliability_report():
    """The reliability summary (tests/reliability/report.py): `.add(section, label, value)`;
    a row labelled "5xx" counts toward the run's total."""
    from tests.reliability.report import report

    return report()


def pytest_terminal_summary(terminalreporter):
    from tests.reliability.report import report

    table = report().table()
    if table:
        terminalreporter.section("reliability summary")
        terminalreporter.write_line(table)
