"""Plain factories shared by fixtures and test modules (no pytest machinery here).

A booking is made and moved only through the services, as the desk and the site do, so a
test's data passes the same checks and leaves the same room-night locks as real use.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from bookings.models import Booking
from bookings.services import booking_create, booking_transition


def booking_made(
    *,
    room_id: str,
    check_in: date,
    check_out: date,
    now: datetime,
    to: Iterable[str] = (),
    actor: str = "t",
    guests: int = 1,
    guest_name: str = "Ada Guest",
    guest_email: str = "ada@guest.test",
    **fields,
) -> Booking:
    """A new (pending) booking, then moved through each status in `to`, all at `now`.

    Returns the booking as the last service call left it.
    """
    booking = booking_create(
        room_id=room_id,
        check_in=check_in,
        check_out=check_out,
        guests=guests,
        guest_name=guest_name,
        guest_email=guest_email,
        actor=actor,
        now=now,
        **fields,
    ).booking
    for status in to:
        booking = booking_transition(
            booking_id=booking.bookingId,
            to_status=status,
            actor=actor,
            now=now,
            # Fixtures model a stay already settled: its bill is not what they test.
            override_balance=status == "checked-out",
        )
    return booking
