"""When the rooms a type can sell change, the nights already counted follow.

`stock_shift` is registered with rooms.stock (bookings' AppConfig.ready) and runs around
every write that changes a type's sellable rooms or overbooking limit: a room added,
removed, taken out of order or put back. Under the type's lock (no new night's counter is
created meanwhile, bookings.inventory.nights_ensure waits), it lowers each existing night
from `start` on, on the condition that the night has not sold more than is left — else
every step is undone and a 409 names the bookings that would lose their room, nothing
changed — then runs the write, then raises the nights when the change adds rooms. A night
refused because of holds whose time ran out is retried once after they are expired.

A crash in the middle leaves nights counted low (never high); `migrate_inventory` recounts.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta

from pynamodb.exceptions import UpdateError

from hotel.errors import Conflict, ServiceUnavailable
from rooms.models import RoomType
from rooms.room_types import room_type_get, room_types_forget

from .clock import hotel_today
from .inventory import counter_changed, inventory_read, stock_unlocked
from .models import InventoryNight
from .selectors import bookings_of_type_on
from .services.expiry import lapsed_holds_reclaim

LOCK_SECONDS = 60  # a capacity change that crashed stops blocking after this
WAIT_SECONDS = 8.0  # how long a change waits for another one on the same type


def stock_shift(
    *,
    room_type: str,
    sellable_delta: int,
    limit_delta: int,
    start: date | None,
    now: datetime,
    commit: Callable[[], object],
):
    """rooms.stock's shifter: `commit()` with the nights from `start` following it."""
    start = start or hotel_today(now)
    token = _lock(room_type)
    try:
        items = _existing_nights(room_type, start=start, now=now)
        steps = [("sellable", -1)] * max(0, -sellable_delta) + [("limit", -1)] * max(
            0, -limit_delta
        )
        done: list[tuple[InventoryNight, str, int]] = []
        for item in items:
            for kind, delta in steps:
                if not _step(item, kind, delta) and not _step_after_reclaim(
                    item, kind, delta, room_type=room_type, now=now
                ):
                    _undo(done)
                    raise _oversold(room_type, item)
                done.append((item, kind, delta))
        try:
            result = commit()
        except BaseException:
            _undo(done)
            raise
        ups = [("sellable", 1)] * max(0, sellable_delta) + [("limit", 1)] * max(0, limit_delta)
        for item in items:
            for kind, delta in ups:
                _step(item, kind, delta)
        return result
    finally:
        _unlock(room_type, token)
        room_types_forget()


def _lock(room_type: str) -> str:
    token = uuid.uuid4().hex
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            RoomType(roomType=room_type).update(
                actions=[
                    RoomType.stockLock.set(token),
                    RoomType.stockLockUntil.set(int(time.time()) + LOCK_SECONDS),
                    RoomType.stockVersion.add(1),
                ],
                condition=RoomType.roomType.exists() & stock_unlocked(),
            )
            return token
        except UpdateError as exc:
            if getattr(exc, "cause_response_code", None) != "ConditionalCheckFailedException":
                raise
            room_type_get(code=room_type, consistent=True)  # NotFound if it is gone
            if time.monotonic() > deadline:
                raise ServiceUnavailable(
                    f"Another change of the {room_type} rooms is under way; try again."
                ) from exc
            time.sleep(0.05)


def _unlock(room_type: str, token: str) -> None:
    # Failing: it lapsed and another change took it, or the type was deleted.
    with contextlib.suppress(UpdateError):
        RoomType(roomType=room_type).update(
            actions=[
                RoomType.stockLock.remove(),
                RoomType.stockLockUntil.remove(),
                RoomType.stockVersion.add(1),
            ],
            condition=RoomType.stockLock == token,
        )


def _existing_nights(room_type: str, *, start: date, now: datetime) -> list[InventoryNight]:
    """The type's counters from `start` on: one Query for each month the type has counters
    in (RoomType.stockMonths, read under the lock: no month is added meanwhile)."""
    kind = room_type_get(code=room_type, consistent=True)
    months = sorted(m for m in kind.stockMonths or () if m >= start.strftime("%Y-%m"))
    found: list[InventoryNight] = []
    for month in months:
        first = max(start, date.fromisoformat(f"{month}-01"))
        last = (date.fromisoformat(f"{month}-01") + timedelta(days=31)).replace(day=1)
        items = inventory_read(
            first=first, last=last - timedelta(days=1), room_type=room_type, consistent=True
        )
        found += [items[key] for key in sorted(items, key=lambda k: k[1])]
    return found


def _step(item: InventoryNight, kind: str, delta: int) -> bool:
    """One unit up or down on one night; a step down only if the night keeps what it sold."""
    actions = [InventoryNight.ceiling.add(delta), *counter_changed()]
    if kind == "sellable":
        actions.append(InventoryNight.sellable.add(delta))
    condition = None
    if delta < 0:
        limit = InventoryNight.sellable if kind == "sellable" else InventoryNight.ceiling
        condition = InventoryNight.sold < limit
    try:
        item.update(actions=actions, condition=condition)
    except UpdateError as exc:
        if getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException":
            return False
        raise
    return True


def _step_after_reclaim(item, kind, delta, *, room_type: str, now: datetime) -> bool:
    """The step again once the night's lapsed holds are expired (they still held units)."""
    night = date.fromisoformat(item.night)
    if not lapsed_holds_reclaim(room_type=room_type, nights=[night], now=now):
        return False
    return _step(item, kind, delta)


def _undo(done: list[tuple[InventoryNight, str, int]]) -> None:
    for item, kind, delta in reversed(done):
        _step(item, kind, -delta)


def _oversold(room_type: str, item: InventoryNight) -> Conflict:

    night = date.fromisoformat(item.night)
    holders = bookings_of_type_on(room_type=room_type, night=night)
    return Conflict(
        f"{item.sold} {room_type} room(s) are sold for the night of {night:%a %d %b %Y}; "
        f"taking one more out of sale would leave a guest without a room. Move or cancel "
        f"one of these bookings first: {', '.join(holders[:10]) or 'none found'}.",
        code="ROOMS_SOLD",
        details={"night": night.isoformat(), "sold": item.sold, "bookings": holders},
    )
