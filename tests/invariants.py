"""The inventory's invariants, checked from the data itself (scans: tests only).

Used after concurrent runs, property-based sequences and unit tests alike:
- each (type, night) counter's `sold` equals the bookings that hold a unit of it (pending —
  a lapsed hold too, until it is expired — confirmed, in house), and never passes `ceiling`
  but by the stays an OTA sold that were imported beyond it, flagged (bookings.channels);
- no room night is held twice (a key cannot be) and each belongs to a booking that holds
  that room; every assigned live booking holds every night of its room;
- every night of a live booking has a counter;
- group blocks (bookings.blocks): a block night's `picked` equals the live bookings of that
  block on that night and never passes `units`; the counter's `sold` counts a block
  night's `units` until it is released, then its picked bookings (as any booking's).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from bookings.models import (
    CHECKED_IN,
    CONFIRMED,
    PENDING,
    BlockNight,
    Booking,
    InventoryNight,
    RoomNight,
)

HOLDING = (PENDING, CONFIRMED, CHECKED_IN)


def _nights(booking: Booking) -> list[str]:
    start, end = date.fromisoformat(booking.checkIn), date.fromisoformat(booking.checkOut)
    return [(start + timedelta(days=i)).isoformat() for i in range((end - start).days)]


def inventory_violations(*, capacity_from: date | None = None) -> list[str]:
    """Everything wrong (empty: nothing). With `capacity_from`, also each counter's capacity
    from that night on: `sellable` = the type's rooms in service less the night's dated
    out-of-order periods (`outOfOrder` = their markers), `ceiling` = sellable + limit."""
    bookings = {b.bookingId: b for b in Booking.scan(consistent_read=True)}
    counters = {(i.roomType, i.night): i for i in InventoryNight.scan(consistent_read=True)}
    room_nights = list(RoomNight.scan(consistent_read=True))
    block_nights = {(b.code, b.night): b for b in BlockNight.scan(consistent_read=True)}
    problems: list[str] = []
    wanted: Counter = Counter()
    picked: Counter = Counter()
    forced: Counter = Counter()  # OTA stays imported beyond the ceiling, flagged (channels)
    for booking in bookings.values():
        if booking.status in HOLDING:
            for night in _nights(booking):
                if booking.channelId and any(
                    f.get("flag") == "overbooked" for f in booking.flags or []
                ):
                    forced[(booking.roomType, night)] += 1
                if booking.blockCode:
                    picked[(booking.blockCode, night)] += 1
                    held = block_nights.get((booking.blockCode, night))
                    if held is None:
                        problems.append(f"{booking.bookingId}: block night {night} missing")
                    elif held.released is None:
                        continue  # the block's units are counted below
                wanted[(booking.roomType, night)] += 1
                if (booking.roomType, night) not in counters:
                    problems.append(f"{booking.bookingId}: no counter for {night}")
    for item in room_nights:
        if item.bookingId.startswith("OUT-OF-ORDER:"):
            continue  # a dated out-of-order period's marker (bookings.out_of_order)
        owner = bookings.get(item.bookingId)
        if owner is None or owner.status not in HOLDING or owner.roomId != item.roomId:
            problems.append(f"room night {item.roomId} {item.night} held by {item.bookingId}")
    for key, item in block_nights.items():
        if item.picked != picked.get(key, 0) or item.picked > item.units:
            problems.append(
                f"block {key}: picked {item.picked} of {item.units}, bookings {picked.get(key, 0)}"
            )
        if item.released is None:
            wanted[(item.roomType, item.night)] += item.units
    for key, item in counters.items():
        if item.sold != wanted.get(key, 0):
            problems.append(f"{key}: sold {item.sold}, bookings hold {wanted.get(key, 0)}")
        if item.sold > item.ceiling + forced.get(key, 0):
            problems.append(f"{key}: sold {item.sold} > ceiling {item.ceiling}")
    if capacity_from is not None:
        problems += _capacity_violations(counters, room_nights, capacity_from)
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


def _capacity_violations(counters, room_nights, first: date) -> list[str]:
    from rooms.models import Room, RoomType

    kinds = {t.roomType: t for t in RoomType.scan(consistent_read=True)}
    room_type = {r.roomId: r.roomType for r in Room.scan(consistent_read=True)}
    closed: Counter = Counter(
        (room_type.get(n.roomId), n.night)
        for n in room_nights
        if n.bookingId.startswith("OUT-OF-ORDER:")
    )
    problems = []
    for key, item in counters.items():
        if key[1] < first.isoformat():
            continue
        kind = kinds[key[0]]
        if item.outOfOrder != closed.get(key, 0):
            problems.append(f"{key}: outOfOrder {item.outOfOrder}, markers {closed.get(key, 0)}")
        if item.sellable != kind.sellableRooms - item.outOfOrder:
            problems.append(
                f"{key}: sellable {item.sellable}, rooms in service {kind.sellableRooms} "
                f"- out of order {item.outOfOrder}"
            )
        if item.ceiling != item.sellable + (kind.overbookingLimit or 0):
            problems.append(f"{key}: ceiling {item.ceiling} != sellable + limit")
    return problems
