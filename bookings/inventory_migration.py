"""From rooms sold one by one to room types with counters: `manage.py migrate_inventory`.

Builds a room type for every type code the rooms use (from those rooms: the lowest price,
the largest capacity, every amenity), recounts each type's rooms, then rewrites every
(type, night) counter from the bookings and group blocks that hold it — units sold,
sellable rooms — and
reads them back to check that each equals what it counts.

Idempotent: a second run changes nothing and reports the same check. It recounts from the
data, so run it while no bookings are being written (a deployment step before traffic
reaches the new code; `make run` runs it at start-up, before the server).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings

from rooms.models import ROOM_TYPES, Room, RoomType
from rooms.room_types import room_types_forget
from rooms.stock import in_service

from .inventory import inventory_key
from .models import CHECKED_IN, CONFIRMED, PENDING, BlockNight, Booking, InventoryNight

HOLDING = (PENDING, CONFIRMED, CHECKED_IN)


@dataclass
class MigrationReport:
    types_created: list[str]
    counters_written: int
    counters_checked: int
    mismatches: list[str]


def _stay(booking: Booking) -> list[date]:
    start, end = date.fromisoformat(booking.checkIn), date.fromisoformat(booking.checkOut)
    return [start + timedelta(days=i) for i in range((end - start).days)]


def _types_from_rooms(rooms: list[Room], now: datetime, log) -> list[str]:
    existing = {t.roomType: t for t in RoomType.scan(consistent_read=True)}
    created = []
    by_type: dict[str, list[Room]] = defaultdict(list)
    for room in rooms:
        by_type[room.roomType].append(room)
    for code, members in sorted(by_type.items()):
        sellable = sum(1 for r in members if in_service(r))
        kind = existing.get(code)
        if kind is None:
            kind = RoomType(
                roomType=code,
                name=code,
                description=members[0].description or "",
                maxAdults=max(r.capacity for r in members),
                maxChildren=0,
                maxGuests=max(r.capacity for r in members),
                amenities=sorted({a for r in members for a in r.amenities or []}),
                basePrice=min(r.pricePerNight for r in members),
                currency=members[0].currency or settings.HOTEL_CURRENCY,
                sortOrder=ROOM_TYPES.index(code) if code in ROOM_TYPES else len(ROOM_TYPES),
                derivedFromRooms=True,
                lastUpdated=now,
            )
            created.append(code)
            log(f"room type {code}: created from {len(members)} room(s)")
        kind.roomCount, kind.sellableRooms = len(members), sellable
        kind.save()
    for code, kind in existing.items():
        if code not in by_type and (kind.roomCount or kind.sellableRooms):
            kind.roomCount, kind.sellableRooms = 0, 0
            kind.save()
    room_types_forget()
    return created


def inventory_migrate(*, now: datetime, log: Callable[[str], None] = print) -> MigrationReport:
    """Room types from rooms, counters from bookings, and the check. See the module doc."""
    rooms = list(Room.scan(consistent_read=True))
    created = _types_from_rooms(rooms, now, log)
    kinds = {t.roomType: t for t in RoomType.scan(consistent_read=True)}
    sold: dict[tuple[str, date], int] = defaultdict(int)
    live: dict[str, Booking] = {}
    # A group block's night counts its units until it is released (bookings.blocks); its
    # bookings count only on released nights.
    unreleased = set()
    for item in BlockNight.scan(consistent_read=True):
        if item.released is None:
            unreleased.add((item.code, item.night))
            sold[(item.roomType, date.fromisoformat(item.night))] += item.units
    for status in HOLDING:
        for booking in Booking.by_status.query(status):
            live[booking.bookingId] = booking
            for night in _stay(booking):
                if (booking.blockCode, night.isoformat()) in unreleased:
                    continue
                sold[(booking.roomType, night)] += 1
    keys = set(sold) | {(i.roomType, date.fromisoformat(i.night)) for i in InventoryNight.scan()}
    written = 0
    for code, night in sorted(keys):
        kind = kinds.get(code)
        sellable = kind.sellableRooms if kind else 0
        limit = kind.overbookingLimit if kind else 0
        month, slot = inventory_key(code, night)
        InventoryNight(
            month,
            slot,
            roomType=code,
            night=night.isoformat(),
            sold=sold.get((code, night), 0),
            sellable=sellable,
            ceiling=max(0, sellable + (limit or 0)),
            outOfOrder=0,
            changedAt=int(time.time()),
        ).save()
        written += 1
    months: dict[str, set[str]] = defaultdict(set)
    for code, night in keys:
        months[code].add(night.strftime("%Y-%m"))
    for code, kind in kinds.items():  # the months a capacity change walks
        walked = months[code]
        kind.update(
            actions=[RoomType.stockMonths.set(walked) if walked else RoomType.stockMonths.remove()]
        )
    mismatches = inventory_check(sold)
    log(
        f"{len(created)} room type(s) created, {written} counter(s) written, "
        f"{len(keys)} checked, {len(mismatches)} mismatch(es)"
    )
    return MigrationReport(created, written, len(keys), mismatches)


def inventory_check(sold: dict[tuple[str, date], int]) -> list[str]:
    """Every counter read back against the bookings that hold it."""
    problems = []
    for item in InventoryNight.scan(consistent_read=True):
        key = (item.roomType, date.fromisoformat(item.night))
        if item.sold != sold.get(key, 0):
            problems.append(f"{key[0]} {key[1]}: sold {item.sold}, bookings {sold.get(key, 0)}")
    return problems
