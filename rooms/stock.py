"""How many rooms of each type can be sold: the counts rooms keep, and how a change of them
reaches the nights already counted.

A room type keeps `roomCount` and `sellableRooms` (in service: not in maintenance, not out
of order) in the same transaction as each room's write (`type_counts_update`). The per-night
counters live in bookings (bookings.inventory), which rooms does not import: bookings
registers a shifter here from its AppConfig.ready, and every write that changes how many
rooms of a type can be sold goes through `stock_shift`, which lets the shifter lower the
nights' counters before the write (refusing when a night has sold more than is left) or
raise them after it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TypeVar

from pynamodb.transactions import TransactWrite

from .models import HOUSEKEEPING_OUT_OF_ORDER, STATUS_MAINTENANCE, Room, RoomType

T = TypeVar("T")
Shifter = Callable[..., object]
_SHIFTERS: list[Shifter] = []


def stock_shifter_register(shifter: Shifter) -> None:
    """`shifter(room_type=, sellable_delta=, limit_delta=, start=, now=, commit=)` runs
    `commit()` and shifts the nights from `start` on around it (AppConfig.ready)."""
    if shifter not in _SHIFTERS:
        _SHIFTERS.append(shifter)


def in_service(room: Room) -> bool:
    """Whether the room counts as sellable (its type's `sellableRooms`)."""
    return room.status != STATUS_MAINTENANCE and room.housekeeping != HOUSEKEEPING_OUT_OF_ORDER


def out_of_order_nights(room: Room) -> set[date]:
    """The nights of the room's dated out-of-order periods (bookings.out_of_order writes
    them): the assigner, the search and the rack leave the room out on those nights."""
    nights: set[date] = set()
    for period in room.outOfOrderPeriods or []:
        day, end = date.fromisoformat(period["from"]), date.fromisoformat(period["to"])
        while day < end:
            nights.add(day)
            day += timedelta(days=1)
    return nights


def stock_shift(
    *,
    room_type: str,
    sellable_delta: int,
    limit_delta: int = 0,
    start: date | None = None,
    now: datetime,
    commit: Callable[[], T],
) -> T:
    """Run `commit()` (the write that changes the type's counts) so that the per-night
    counters from `start` (default: the hotel's today) on follow it. Raises what the
    shifter raises (a 409 naming the bookings that would lose their room) before anything
    is written."""
    if (sellable_delta == 0 and limit_delta == 0) or not _SHIFTERS:
        return commit()
    return _SHIFTERS[0](
        room_type=room_type,
        sellable_delta=sellable_delta,
        limit_delta=limit_delta,
        start=start,
        now=now,
        commit=commit,
    )


def type_counts_update(
    tx: TransactWrite, *, room_type: str, rooms_delta: int, sellable_delta: int
) -> None:
    """In a room's transaction: its type's counts follow (and the type must exist)."""
    if rooms_delta == 0 and sellable_delta == 0:
        tx.condition_check(RoomType, room_type, condition=RoomType.roomType.exists())
        return
    tx.update(
        RoomType(roomType=room_type),
        actions=[
            RoomType.roomCount.add(rooms_delta),
            RoomType.sellableRooms.add(sellable_delta),
            RoomType.stockVersion.add(1),
        ],
        condition=RoomType.roomType.exists(),
        add_version_condition=False,
    )
