"""Whether a room type is booked, asked by rooms before the type is deleted
(rooms.usage.room_type_in_use_check_register; registered in BookingsConfig.ready)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from .clock import hotel_today
from .selectors import live_bookings_between


def room_type_live_bookings(*, room_type: str, now: datetime) -> list[str]:
    """The references of the live bookings of `room_type` with a night from today on."""
    today = hotel_today(now)
    end = today + timedelta(
        days=settings.HOTEL_BOOKING_HORIZON_DAYS + settings.HOTEL_MAX_STAY_NIGHTS
    )
    bookings = live_bookings_between(start=today, end=end, now=now, room_type=room_type)
    return list(dict.fromkeys(b.bookingId for b in bookings))
