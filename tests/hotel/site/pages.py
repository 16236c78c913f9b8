"""What the guest page tests share: dates from the real clock, a room, a held booking."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bookings.links import manage_path
from bookings.services import booking_create


def today() -> date:
    return datetime.now(UTC).date()


def stay(offset: int = 30, nights: int = 2) -> dict:
    check_in = today() + timedelta(days=offset)
    return {"check_in": check_in.isoformat(), "check_out": str(check_in + timedelta(nights))}


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def room(make_room):
    return make_room(roomId="R-1", roomType="Standard", capacity=2, pricePerNight=450000)


@pytest.fixture
def booked(room):
    """A pending booking made the way the site makes it, and its manage path."""

    def make(email: str = "ada@guest.test", name: str = "Ada Guest", offset: int = 30):
        dates = stay(offset)
        created = booking_create(
            room_id="R-1",
            check_in=date.fromisoformat(dates["check_in"]),
            check_out=date.fromisoformat(dates["check_out"]),
            guests=2,
            guest_name=name,
            guest_email=email,
            source="web",
            actor="guest",
            now=datetime.now(UTC),
        )
        return created.booking, manage_path(booking_id=created.booking.bookingId)

    return make


def guest_form(**overrides) -> dict:
    data = {**stay(), "guests": 2, "guest_name": "Ada Guest", "guest_email": "ada@guest.test"}
    data.update(overrides)
    return data
