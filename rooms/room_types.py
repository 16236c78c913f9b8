"""Room types: reading them, and the types the first version hard-coded.

A room names its type by code. The codes of the first version (Standard, Deluxe, Suite) stay
valid without anyone creating the type first: the first room created with one of them
creates the type from that room's price, capacity and amenities, as `migrate_inventory`
does for the rooms that existed before room types (bookings.management).
"""

from __future__ import annotations

import contextlib
import time
from datetime import datetime

from django.conf import settings
from django.core.files.storage import default_storage
from pynamodb.exceptions import DoesNotExist, PutError

from hotel.errors import NotFound, ValidationFailed

from .models import ROOM_TYPES, RoomType

MAX_CODE_LENGTH = 40
_CACHE_SECONDS = 30.0
_cache: tuple[float, list[RoomType]] | None = None


def room_type_get(*, code: str, consistent: bool = False) -> RoomType:
    """The room type. Raises NotFound (ROOM_TYPE_NOT_FOUND)."""
    if not isinstance(code, str) or not 1 <= len(code) <= MAX_CODE_LENGTH:
        raise NotFound("This room type does not exist.", code="ROOM_TYPE_NOT_FOUND")
    try:
        return RoomType.get(code, consistent_read=consistent)
    except DoesNotExist as exc:
        raise NotFound(f"Room type {code} does not exist.", code="ROOM_TYPE_NOT_FOUND") from exc


def room_types_all(*, cached: bool = False) -> list[RoomType]:
    """Every room type in the order guests see them (sort order, then code).

    A small table read whole. `cached`: a copy up to 30 s old (searches, pages), so a
    search's reads do not include it; writes clear it (room_types_forget).
    """
    global _cache
    if cached and _cache is not None and time.monotonic() - _cache[0] < _CACHE_SECONDS:
        return list(_cache[1])
    types = sorted(RoomType.scan(), key=lambda t: (t.sortOrder or 0, t.roomType))
    _cache = (time.monotonic(), types)
    return list(types)


def room_types_for_sale() -> list[dict]:
    """What the hotel's page shows of each type that has rooms (cached list): its presented
    fields and its photos' URLs, first the large one. No room ids, no counts."""
    return [
        {
            "code": t.roomType,
            "name": t.name or t.roomType,
            "description": t.description,
            "beds": t.beds,
            "sizeM2": t.sizeM2,
            "maxGuests": t.maxGuests,
            "amenities": list(t.amenities or []),
            "basePrice": t.basePrice,
            "currency": t.currency,
            "photos": [default_storage.url(name) for name in t.photos or []],
        }
        for t in room_types_all(cached=True)
        if t.roomCount
    ]


def room_types_forget() -> None:
    """Drop the cached list (after a write of a type or of its counts)."""
    global _cache
    _cache = None


def room_type_choices(
    *, first_version: bool = False, for_sale: bool = False
) -> list[tuple[str, str]]:
    """(code, name) of every type in the guests' order (cached list); `first_version`: also
    the first version's codes not created yet (a room may still name them); `for_sale`:
    only the types that have rooms."""
    types = [t for t in room_types_all(cached=True) if t.roomCount or not for_sale]
    choices = [(t.roomType, t.name or t.roomType) for t in types]
    if first_version:
        have = {t.roomType for t in types}
        choices += [(code, code) for code in ROOM_TYPES if code not in have]
    return choices


def room_type_code_error(code, *, first_version: bool = True) -> str | None:
    """Why a room (or a rule) cannot name `code` as its type (None: it exists or, with
    `first_version`, it is a first-version code that creates its type)."""
    if first_version and code in ROOM_TYPES:
        return None
    try:
        room_type_get(code=code)
    except NotFound:
        return f"No room type {str(code)[:40]} exists."
    return None


def room_type_for_room(*, code, room_data: dict, now: datetime) -> RoomType:
    """The type a room is created with. A first-version code creates its type from the room
    (conditional put: two first rooms at once make one type). Raises ValidationFailed on
    `roomType` for an unknown code."""
    try:
        return room_type_get(code=code, consistent=True)
    except NotFound:
        if code not in ROOM_TYPES:
            raise ValidationFailed(
                details={"fields": {"roomType": [f"No room type {str(code)[:40]} exists."]}}
            ) from None
    capacity = int(room_data.get("capacity") or 2)
    room_type = RoomType(
        roomType=code,
        name=code,
        description=room_data.get("description") or "",
        maxAdults=capacity,
        maxChildren=0,
        maxGuests=capacity,
        amenities=list(room_data.get("amenities") or []),
        basePrice=int(room_data.get("pricePerNight") or 0),
        currency=room_data.get("currency") or settings.HOTEL_CURRENCY,
        sortOrder=ROOM_TYPES.index(code),
        lastUpdated=now,
    )
    with contextlib.suppress(PutError):  # Created meanwhile by another first room: use it.
        room_type.save(condition=RoomType.roomType.does_not_exist())
    room_types_forget()
    return room_type_get(code=code, consistent=True)
