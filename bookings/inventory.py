"""The inventory: units of each room type sold per night, the one rule against overselling.

One item per (room type, night) in the `inventory` table, keyed by the night's month
(hash) and "night#type" (range): a stay's nights of every type are one Query per month it
touches, so a search costs the same at 20 bookings or 20,000, and for 5 rooms or 500.

- `nights_ensure` creates a night's counter the first time anything needs it, from the
  type's `sellableRooms` and `overbookingLimit`, conditional on the type not having changed
  meanwhile (its `stockVersion`) and no capacity change being under way (`stockLock`).
- `InventoryChange` goes into the booking's own transaction: `sold + 1` on the condition
  `sold < ceiling` for each night (`sold + k` for k stays of a reservation on the same
  night: on the ceiling read and `sold <= ceiling - k`), so the last unit goes to exactly
  one of any number of concurrent requests, inside DynamoDB.
- bookings.capacity moves the counters of existing nights when the rooms a type can sell
  change (a room added, removed, out of order, the overbooking limit).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import date, timedelta

from pynamodb.transactions import TransactWrite

from hotel.dynamo import commit as dynamo_commit
from hotel.errors import ServiceUnavailable
from rooms.models import RoomType
from rooms.room_types import room_type_get

from .blocks.models import BlockNight
from .models import InventoryNight

WAIT_SECONDS = 8.0  # how long a booking waits for a capacity change to finish


def counter_changed() -> list:
    """The action every write of a counter adds: when it changed (epoch seconds), which the
    availability feed's `changedSince` filters on (bookings.ari). Same item: no extra write
    unit."""
    return [InventoryNight.changedAt.set(int(time.time()))]


def inventory_key(room_type: str, night: date) -> tuple[str, str]:
    """(month, slot): the item's key."""
    return night.strftime("%Y-%m"), f"{night.isoformat()}#{room_type}"


def block_night_key(code: str, night: date) -> tuple[str, str]:
    """(month, slot) of a block's night (bookings.blocks.models.BlockNight)."""
    return night.strftime("%Y-%m"), f"{night.isoformat()}#{code}"


def _months(first: date, last: date) -> list[str]:
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(day.strftime("%Y-%m"))
        day = (day + timedelta(days=32)).replace(day=1)
    return months


def inventory_read(
    *, first: date, last: date, room_type: str | None = None, consistent: bool = False
) -> dict[tuple[str, date], InventoryNight]:
    """The counters of the nights first..last (inclusive), of one type or all: one Query per
    month, reading only those nights."""
    found: dict[tuple[str, date], InventoryNight] = {}
    for month in _months(first, last):
        low = max(first, date.fromisoformat(f"{month}-01"))
        high = min(last, (date.fromisoformat(f"{month}-01") + timedelta(days=31)).replace(day=1))
        condition = InventoryNight.slot.between(f"{low.isoformat()}#", f"{high.isoformat()}#\uffff")
        for item in InventoryNight.query(
            month, range_key_condition=condition, consistent_read=consistent
        ):
            if room_type is not None and item.roomType != room_type:
                continue
            night = date.fromisoformat(item.night)
            if first <= night <= last:
                found[(item.roomType, night)] = item
    return found


def units_left(
    items: dict[tuple[str, date], InventoryNight], room_type: RoomType, nights: Iterable[date]
) -> int:
    """Units of the type free for every one of `nights` (a night not counted yet has sold
    nothing)."""
    fresh = max(0, (room_type.sellableRooms or 0) + (room_type.overbookingLimit or 0))
    left = None
    for night in nights:
        item = items.get((room_type.roomType, night))
        free = fresh if item is None else max(0, item.ceiling - item.sold)
        left = free if left is None else min(left, free)
    return left or 0


def _lock_free(room_type: RoomType) -> bool:
    return not room_type.stockLock or (room_type.stockLockUntil or 0) < time.time()


def stock_unlocked():
    """The condition that no capacity change holds the type's lock (or it has lapsed): the
    same test `_lock_free` makes on a read, for a write (bookings.capacity takes the lock on
    it; a night's counter is created only under it)."""
    return RoomType.stockLock.does_not_exist() | (RoomType.stockLockUntil < int(time.time()))


def nights_ensure(*, room_type: str, nights: list[date]) -> None:
    """Create the counters of `nights` that do not exist yet (waiting for a capacity change
    under way to finish). Raises NotFound (ROOM_TYPE_NOT_FOUND), ServiceUnavailable."""
    if not nights:
        return
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        have = inventory_read(
            first=min(nights), last=max(nights), room_type=room_type, consistent=True
        )
        missing = [n for n in nights if (room_type, n) not in have]
        if not missing:
            return
        kind = room_type_get(code=room_type, consistent=True)
        if _lock_free(kind) and dynamo_commit(lambda tx, k=kind, m=missing: _create(tx, k, m)):
            continue  # Created; read again (another request may have created some too).
        if time.monotonic() > deadline:
            raise ServiceUnavailable(
                f"The rooms of type {room_type} are being changed; try again in a moment."
            )
        time.sleep(0.05)


def _create(tx: TransactWrite, kind: RoomType, missing: list[date]) -> None:
    unchanged = (RoomType.stockVersion == (kind.stockVersion or 0)) & stock_unlocked()
    months = {night.strftime("%Y-%m") for night in missing} - set(kind.stockMonths or ())
    if months:  # the type learns which months to walk when its rooms change
        tx.update(
            RoomType(roomType=kind.roomType),
            actions=[RoomType.stockMonths.add(months)],
            condition=unchanged,
        )
    else:
        tx.condition_check(RoomType, kind.roomType, condition=unchanged)
    sellable = kind.sellableRooms or 0
    for night in missing:
        month, slot = inventory_key(kind.roomType, night)
        item = InventoryNight(
            month,
            slot,
            roomType=kind.roomType,
            night=night.isoformat(),
            sold=0,
            sellable=sellable,
            ceiling=max(0, sellable + (kind.overbookingLimit or 0)),
            outOfOrder=0,
            changedAt=int(time.time()),
        )
        tx.save(item, condition=InventoryNight.slot.does_not_exist())


class InventoryChange:
    """What one booking write does to the counters, gathered per (type, night) so that each
    counter gets one update in the transaction (DynamoDB refuses two on one item): units
    taken (+1, on the condition that one is left) or given back (-1).

    A booking picked from a group block (`block=` its code) takes and gives back the block's
    units instead (bookings.blocks: BlockNight `picked`, on the condition that one is left
    and the night is not released), so its unit is already counted in `sold`. Given back
    after the night was released, the unit goes to the inventory like any booking's (the
    release left the picked units counted in `sold`) and leaves the block's pickup too. Which
    case applies is read when the transaction is built: a release committed meanwhile fails
    the condition, and the caller's retry builds it again."""

    def __init__(self) -> None:
        self._sold: dict[tuple[str, date], int] = {}
        self._picked: dict[tuple[str, str, date], int] = {}
        self._forced: set[tuple[str, date]] = set()

    def take(
        self,
        room_type: str,
        nights: Iterable[date],
        *,
        block: str | None = None,
        beyond_ceiling: bool = False,
    ) -> InventoryChange:
        """A unit of `room_type` for each night. `beyond_ceiling`: a stay another channel
        already sold (bookings.channels), taken even on a full night — conditional only on
        the counter existing; the caller tries without it first and flags the overbooking."""
        nights = list(nights)
        if beyond_ceiling:
            self._forced.update((room_type, night) for night in nights)
        return self._add(room_type, nights, +1, block)

    def release(
        self, room_type: str, nights: Iterable[date], *, block: str | None = None
    ) -> InventoryChange:
        return self._add(room_type, nights, -1, block)

    def _add(self, room_type, nights, delta, block) -> InventoryChange:
        for night in nights:
            if block:
                key = (block, room_type, night)
                self._picked[key] = self._picked.get(key, 0) + delta
            else:
                self._sold[(room_type, night)] = self._sold.get((room_type, night), 0) + delta
        return self

    def write(self, tx: TransactWrite) -> None:
        """One update per counter. +1 is conditional on `sold < ceiling`. DynamoDB conditions
        have no arithmetic, so +k (k > 1: several stays of a reservation on one night) reads
        the counter first (consistent) and is conditional on the ceiling being the one read
        and `sold <= ceiling - k`: a ceiling moved or a unit sold meanwhile fails the
        transaction (the caller re-reads and retries, or refuses), never an oversale."""
        sold = dict(self._sold)
        blocks = self._block_writes(sold)
        many = [key for key, delta in sold.items() if delta > 1]
        read = self._read(many) if many else {}
        for (room_type, night), delta in sorted(sold.items()):
            if not delta:
                continue
            if delta > 0 and (room_type, night) in self._forced:
                condition = InventoryNight.sold.exists()
            elif delta == 1:
                condition = InventoryNight.sold < InventoryNight.ceiling
            elif delta > 1:
                ceiling = read[(room_type, night)]
                condition = (InventoryNight.ceiling == ceiling) & (
                    InventoryNight.sold <= ceiling - delta
                )
            else:
                condition = InventoryNight.sold >= -delta
            tx.update(
                InventoryNight(*inventory_key(room_type, night)),
                actions=[InventoryNight.sold.add(delta), *counter_changed()],
                condition=condition,
            )
        for item, delta, condition in blocks:
            tx.update(item, actions=[BlockNight.picked.add(delta)], condition=condition)

    @staticmethod
    def _read(keys: list[tuple[str, date]]) -> dict[tuple[str, date], int]:
        """The ceilings of `keys` now (consistent); a counter not there reads as 0 (the
        write then fails on its condition: nothing is sold on a night not counted)."""
        ceilings = dict.fromkeys(keys, 0)
        wanted = {inventory_key(t, n): (t, n) for t, n in keys}
        for item in InventoryNight.batch_get(list(wanted), consistent_read=True):
            ceilings[wanted[(item.month, item.slot)]] = item.ceiling
        return ceilings

    def _block_writes(self, sold: dict[tuple[str, date], int]) -> list:
        """The block nights' updates; a unit given back to a released night also goes to
        `sold` (read now, consistently: the condition re-checks it at commit)."""
        wanted = {k: d for k, d in self._picked.items() if d}
        if not wanted:
            return []
        keys = {k: block_night_key(k[0], k[2]) for k in wanted}
        found = {
            (item.month, item.slot): item
            for item in BlockNight.batch_get(list(set(keys.values())), consistent_read=True)
        }
        writes = []
        for key, delta in sorted(wanted.items()):
            item = found.get(keys[key])
            released = item is not None and item.released is not None
            if delta > 0:
                # DynamoDB conditions have no arithmetic: k > 1 units (stays of one
                # reservation) are conditional on the block's units as read, like the counters.
                room = (
                    BlockNight.picked < BlockNight.units
                    if delta == 1 or item is None
                    else (BlockNight.units == item.units)
                    & (BlockNight.picked <= item.units - delta)
                )
                condition = (
                    BlockNight.released.does_not_exist() & (BlockNight.roomType == key[1]) & room
                )
            else:
                state = (
                    BlockNight.released.exists()
                    if released
                    else BlockNight.released.does_not_exist()
                )
                condition = state & (BlockNight.picked >= -delta)
                if released:
                    inventory = (key[1], key[2])
                    sold[inventory] = sold.get(inventory, 0) + delta
            writes.append((BlockNight(*keys[key]), delta, condition))
        return writes
