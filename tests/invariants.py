"""The inventory's invariants, checked from the data itself: the product's own checks
(bookings.integrity, also behind `manage.py check_integrity`) plus, for tests, each
counter's capacity against the rooms in service. Used after concurrent runs,
property-based sequences and unit tests alike."""

from __future__ import annotations

from collections import Counter
from datetime import date

from bookings.integrity import InventoryData, counter_problems, room_night_problems


def inventory_violations(*, capacity_from: date | None = None) -> list[str]:
    """Everything wrong (empty: nothing): the product's own checks (bookings.integrity).
    With `capacity_from`, also each counter's capacity from that night on: `sellable` = the
    type's rooms in service less the night's dated out-of-order periods (`outOfOrder` =
    their markers), `ceiling` = sellable + limit."""
    data = InventoryData.read()
    problems = counter_problems(data) + room_night_problems(data)
    if capacity_from is not None:
        problems += _capacity_violations(data.counters, data.room_nights, capacity_from)
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
