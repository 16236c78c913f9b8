"""Admin fixtures: clients signed in per role, spies on Room and Booking reads, a temporary
MEDIA_ROOT, bookings in any status."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from bookings.models import Booking
from bookings.services import booking_create, booking_transition, hotel_today
from rooms.models import Room
from tests.admin.helpers import record_reads


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
        now = now or timezone.now()
        today = hotel_today(timezone.now())
        guest = {"guests": 2, "guest_name": "Ada Guest", "guest_email": "ada@guest.test"}
        guest.update(fields)
        booking = booking_create(
            room_id=room_id,
            check_in=today + timedelta(days=start),
            check_out=today + timedelta(days=start + nights),
            actor="factory@staff.test",
            now=now,
            **guest,
        ).booking
        for step in STATUS_PATH[status]:
            booking_transition(
                booking_id=booking.bookingId, to_status=step, actor="factory@staff.test", now=now
            )
        return Booking.get(booking.bookingId, consistent_read=True)

    return make


@pytest.fixture
def booking_reads(monkeypatch):
    """Every Booking query and scan (kind, index) made during the test."""
    return record_reads(monkeypatch, Booking)
