"""The inventory's invariants, checked from the data itself: what an operator runs after a
restore or an incident (`manage.py check_integrity`), and what the tests run after their
storms. It reads whole tables (consistent Scans): never on a request's path.

- each (type, night) counter's `sold` equals the units the bookings hold (pending — a
  lapsed hold too, until it is expired — confirmed, in house) plus an unreleased group
  block's units, and never passes `ceiling` but by the OTA stays imported beyond it, flagged
  (bookings.channels);
- every night of a booking that holds units has a counter;
- a room night belongs to a live booking of that room and inside its stay (or is a dated
  out-of-order marker); every assigned live booking holds every night of its room;
- a group block night's `picked` equals its live bookings and never passes `units`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from .models import CHECKED_IN, CONFIRMED, PENDING, BlockNight, Booking, InventoryNight, RoomNight

HOLDING = (PENDING, CONFIRMED, CHECKED_IN)
OUT_OF_ORDER_PREFIX = "OUT-OF-ORDER:"


def stay_nights(booking: Booking) -> list[str]:
    start, end = date.fromisoformat(booking.checkIn), date.fromisoformat(booking.checkOut)
    return [(start + timedelta(days=i)).isoformat() for i in range((end - start).days)]


@dataclass
class InventoryData:
    """The tables the inventory checks read, read once."""

    bookings: dict[str, Booking]
    counters: dict[tuple[str, str], InventoryNight]
    room_nights: list[RoomNight]
    block_nights: dict[tuple[str, str], BlockNight]

    @classmethod
    def read(cls, bookings: Iterable[Booking] | None = None) -> InventoryData:
        if bookings is None:
            bookings = Booking.scan(consistent_read=True)
        return cls(
            bookings={b.bookingId: b for b in bookings},
            counters={(i.roomType, i.night): i for i in InventoryNight.scan(consistent_read=True)},
            room_nights=list(RoomNight.scan(consistent_read=True)),
            block_nights={(b.code, b.night): b for b in BlockNight.scan(consistent_read=True)},
        )


def _overbooked_on_purpose(booking: Booking) -> bool:
    return bool(booking.channelId) and any(
        f.get("flag") == "overbooked" for f in booking.flags or []
    )


def counter_problems(data: InventoryData) -> list[str]:
    """The counters (and group blocks) against the bookings that hold units."""
    problems: list[str] = []
    wanted: Counter = Counter()
    picked: Counter = Counter()
    forced: Counter = Counter()
    for booking in data.bookings.values():
        if booking.status not in HOLDING:
            continue
        for night in stay_nights(booking):
            if _overbooked_on_purpose(booking):
                forced[(booking.roomType, night)] += 1
            if booking.blockCode:
                picked[(booking.blockCode, night)] += 1
                held = data.block_nights.get((booking.blockCode, night))
                if held is None:
                    problems.append(f"{booking.bookingId}: block night {night} missing")
                elif held.released is None:
                    continue  # the block's units are counted below
            wanted[(booking.roomType, night)] += 1
            if (booking.roomType, night) not in data.counters:
                problems.append(f"{booking.bookingId}: no counter for {night}")
    for key, item in data.block_nights.items():
        if item.picked != picked.get(key, 0) or item.picked > item.units:
            problems.append(
                f"block {key}: picked {item.picked} of {item.units}, bookings {picked.get(key, 0)}"
            )
        if item.released is None:
            wanted[(item.roomType, item.night)] += item.units
    for key, item in data.counters.items():
        if item.sold != wanted.get(key, 0):
            problems.append(f"{key}: sold {item.sold}, bookings hold {wanted.get(key, 0)}")
        if item.sold > item.ceiling + forced.get(key, 0):
            problems.append(f"{key}: sold {item.sold} > ceiling {item.ceiling}")
    return problems


def room_night_problems(data: InventoryData) -> list[str]:
    """Room nights against the bookings assigned to rooms: no orphan, none held twice."""
    problems: list[str] = []
    held = {}
    for item in data.room_nights:
        held[(item.roomId, item.night)] = item.bookingId
        if item.bookingId.startswith(OUT_OF_ORDER_PREFIX):
            continue  # a dated out-of-order period's marker (bookings.out_of_order)
        owner = data.bookings.get(item.bookingId)
        if owner is None:
            problems.append(
                f"orphan night {item.roomId} {item.night}: {item.bookingId} does not exist"
            )
        elif owner.status not in HOLDING:
            problems.append(
                f"room night {item.roomId} {item.night} held by {owner.status} {item.bookingId}"
            )
        elif owner.roomId != item.roomId or item.night not in stay_nights(owner):
            problems.append(
                f"room night {item.roomId} {item.night} outside {item.bookingId}'s stay "
                f"({owner.roomId} {owner.checkIn}..{owner.checkOut})"
            )
    claimed: dict[tuple[str, str], str] = {}
    for booking in data.bookings.values():
        if booking.status not in HOLDING or not booking.roomId:
            continue
        for night in stay_nights(booking):
            key = (booking.roomId, night)
            if key in claimed:
                problems.append(f"{key} is in live bookings {claimed[key]} and {booking.bookingId}")
            claimed[key] = booking.bookingId
            if held.get(key) != booking.bookingId:
                problems.append(
                    f"{booking.bookingId} does not hold {booking.roomId} {night} "
                    f"(held by {held.get(key)})"
                )
    return problems


def inventory_problems(data: InventoryData | None = None) -> dict[str, list[str]]:
    data = data or InventoryData.read()
    return {
        "inventory counters = live bookings per type and night": counter_problems(data),
        "no room night held twice, every assigned stay holds its nights": room_night_problems(data),
    }
