"""A stay on a bill: Deluxe R-1 at 5000 a night, 2 nights from today (11,200 with 12 % tax)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from bookings.clock import hotel_today
from bookings.services import booking_create, booking_transition

DESK = "desk@staff.test"


@pytest.fixture
def make_stay(make_room):
    make_room(roomId="R-1", pricePerNight=5000)
    make_room(roomId="R-2", pricePerNight=5000)

    def make(*, start: int = 0, nights: int = 2, to=("confirmed", "checked-in"), room="R-1"):
        now = timezone.now()
        today = hotel_today(now)
        booking = booking_create(
            room_id=room,
            check_in=today + timedelta(days=start),
            check_out=today + timedelta(days=start + nights),
            guests=2,
            guest_name="Walk In",
            guest_email="walk@in.test",
            actor=DESK,
            now=now,
        ).booking
        for status in to:
            booking = booking_transition(
                booking_id=booking.bookingId, to_status=status, actor=DESK, now=now
            )
        return booking

    return make


@pytest.fixture
def stay(make_stay):
    return make_stay()
