"""A hotel's day, built on a past timeline (every service takes `now`): four Deluxe rooms
at 5000 a night (5600 with the 12 % tax), and on day D:

- A: in house since D-1, leaves D+1; pays 3000 at the terminal on D;
- B: arrives on D (checked in), leaves D+2; a minibar charge of 1000 on D;
- C: confirmed for the night of D, never comes (the audit makes it a no-show: fee 100 %);
- E: stayed D-2..D, pays 11200 cash on D and checks out on D.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.utils import timezone

from bookings.clock import hotel_today
from bookings.models import Booking
from bookings.services import booking_create, booking_transition
from payments.folio.desk import folio_charge, folio_payment

NIGHT = 5600  # 5000 + 12 % tax
DESK = "desk@staff.test"


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


@dataclass
class HotelDay:
    day: date
    a: Booking
    b: Booking
    c: Booking
    e: Booking

    @property
    def audit_now(self) -> datetime:
        """02:00 the next morning: when the scheduled audit closes the day."""
        return at(self.day + timedelta(days=1), 2)


def make_stay(room: str, check_in: date, nights: int, name: str, *, created: datetime) -> Booking:
    booking = booking_create(
        room_id=room,
        check_in=check_in,
        check_out=check_in + timedelta(days=nights),
        guests=1,
        guest_name=name,
        guest_email=f"{name.lower()}@guest.test",
        actor=DESK,
        now=created,
    ).booking
    booking_transition(booking_id=booking.bookingId, to_status="confirmed", actor=DESK, now=created)
    return booking


def move(booking: Booking, status: str, when: datetime) -> Booking:
    return booking_transition(booking_id=booking.bookingId, to_status=status, actor=DESK, now=when)


@pytest.fixture
def hotel_day(make_room) -> HotelDay:
    for room in ("R-1", "R-2", "R-3", "R-4"):
        make_room(roomId=room, pricePerNight=5000)
    day = hotel_today(timezone.now()) - timedelta(days=20)
    created = at(day - timedelta(days=5), 9)
    a = make_stay("R-1", day - timedelta(days=1), 2, "Ada", created=created)
    b = make_stay("R-2", day, 2, "Bob", created=created)
    c = make_stay("R-3", day, 1, "Cy", created=created)
    e = make_stay("R-4", day - timedelta(days=2), 2, "Eve", created=created)
    move(e, "checked-in", at(day - timedelta(days=2), 14))
    move(a, "checked-in", at(day - timedelta(days=1), 15))
    move(b, "checked-in", at(day, 14))
    folio_payment(
        booking_id=e.bookingId,
        amount=2 * NIGHT,
        method="cash",
        reference="till 1",
        actor=DESK,
        now=at(day, 10),
    )
    move(e, "checked-out", at(day, 11))
    folio_payment(
        booking_id=a.bookingId,
        amount=3000,
        method="terminal",
        reference="slip 7",
        actor=DESK,
        now=at(day, 12),
    )
    folio_charge(
        booking_id=b.bookingId,
        description="Minibar",
        amount=1000,
        category="minibar",
        actor=DESK,
        now=at(day, 20),
    )
    return HotelDay(day=day, a=a, b=b, c=c, e=e)
