"""The inventory's invariants, checked from the data itself (scans: tests only).

Used after concurrent runs, property-based sequences and unit tests alike:
- each (type, night) counter's `sold` equals the bookings that hold a unit of it (pending —
  a lapsed hold too, until it is expired — confirmed, in house), and never passes `ceiling`;
- no room night is held twice (a key cannot be) and each belongs to a booking that holds
  that room; every assigned live booking holds every night of its room;
- every night of a live booking has a counter.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from bookings.models import CHECKED_IN, CONFIRMED, PENDING, Booking, InventoryNight, RoomNight

HOLDING = (PENDING, CONFIRMED, CHECKED_IN)


def _nights(booking: Booking) -> list[str]:
    start, end = date.fromisoformat(booking.checkIn), date.fromisoformat(booking.checkOut)
    return [(start + timedelta(days=i)).isoformat() for i in range((end - start).days)]


def inventory_violations() -> list[str]:
    bookings = {b.bookingId: b for b in Booking.scan(consistent_read=True)}
    counters = {(i.roomType, i.night): i for i in InventoryNight.scan(consistent_read=True)}
    room_nights = list(RoomNight.scan(consistent_read=True))
    problems: list[str] = []
    wanted: Counter = Counter()
    for booking in bookings.values():
        if booking.status in HOLDING:
            for night in _nights(booking):
                wanted[(booking.roomType, night)] += 1
                if (booking.roomType, night) not in counters:
                    problems.append(f"{booking.bookingId}: no counter for {night}")
    for item in room_nights:
        owner = bookings.get(item.bookingId)
        if owner is None or owner.status not in HOLDING or owner.roomId != item.roomId:
            problems.append(f"room night {item.roomId} {item.night} held by {item.bookingId}")
    for key, item in counters.items():
        if item.sold != wanted.get(key, 0):
            problems.append(f"{key}: sold {item.sold}, bookings hold {wanted.get(key, 0)}")
        if item.sold > item.ceiling:
            problems.append(f"{key}: sold {item.sold} > ceiling {item.ceiling}")
    held = {(n.roomId, n.night): n.bookingId for n in room_nights}
    for booking in bookings.values():
        if booking.status in HOLDING and booking.roomId:
            for night in _nights(booking):
                if held.get((booking.roomId, night)) != booking.bookingId:
                    problems.append(f"{booking.bookingId}: does not hold {booking.roomId} {night}")
    return problems


def assert_inventory_consistent() -> None:
    problems = inventory_violations()
    assert not problems, "\n".join(problems[:20])
