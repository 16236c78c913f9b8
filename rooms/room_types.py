"""Room types: reading them, and the types the first version hard-coded.

A room names its type by code. The codes of the first version (Standard, Deluxe, Suite) stay
valid without anyone creating the type first: the first room created with one of them
creates the type from that room's price, capacity and amenities, as `migrate_inventory`
does for the rooms that existed before room types (bookings.management).
"""

from __future__ import annotations

import contextlib
from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext
from pynamodb.exceptions import DoesNotExist, PutError, UpdateError

from hotel.errors import NotFound, ValidationFailed
from hotel.images import photo_view
from hotel.languages import translated
from hotel.stamps import stamp_bump, stamped

from .models import ROOM_TYPES, RoomType

MAX_CODE_LENGTH = 40
CATALOG = "catalog"  # the stamp of room types, rooms and rate rules (hotel.stamps)
# What derived prices and availability depend on beyond the counters and the calendar days
# (types, rooms, rate rules, plans): a change answers the availability feed's next
# `changedSince` poll in full (bookings.ari). Not bumped by calendar edits or bookings.
PRICING = "pricing"


def room_type_get(*, code: str, consistent: bool = False) -> RoomType:
    """The room type. Raises NotFound (ROOM_TYPE_NOT_FOUND)."""
    if not isinstance(code, str) or not 1 <= len(code) <= MAX_CODE_LENGTH:
        raise NotFound("This room type does not exist.", code="ROOM_TYPE_NOT_FOUND")
    try:
        return RoomType.get(code, consistent_read=consistent)
    except DoesNotExist as exc:
        raise NotFound(f"Room type {code} does not exist.", code="ROOM_TYPE_NOT_FOUND") from exc


def room_types_all(*, cached: bool = False, token: str | None = None) -> list[RoomType]:
    """Every room type in the order guests see them (sort order, then code).

    A small table read whole. `cached`: this process's copy while the catalog stamp is
    unchanged (hotel.stamps; `token`: the stamp already read), so a search's reads do not
    grow with the types; every write of a type or a room bumps the stamp
    (room_types_forget).
    """
    if cached:
        return list(stamped(CATALOG, "room-types", _load, token=token))
    return _load()


def _load() -> list[RoomType]:
    return sorted(RoomType.scan(), key=lambda t: (t.sortOrder or 0, t.roomType))


def room_types_for_sale() -> list[dict]:
    """What the hotel's page shows of each type that has rooms (cached list): its presented
    fields (the words in the active language, hotel.languages.translated) and its photos'
    URLs, first the large one. No room ids, no counts."""
    return [
        {
            "code": t.roomType,
            "name": translated(t, "name") or t.roomType,
            "description": translated(t, "description"),
            "beds": translated(t, "beds"),
            "view": translated(t, "view"),
            "sizeM2": t.sizeM2,
            "maxGuests": t.maxGuests,
            "amenities": list(t.amenities or []),
            "basePrice": t.basePrice,
            "currency": t.currency,
            "photos": room_type_photos(t),
        }
        for t in room_types_all(cached=True)
        if t.roomCount
    ]


def room_types_forget() -> None:
    """After a write of a type, a room or a type's counts: every process reloads."""
    stamp_bump(CATALOG)
    stamp_bump(PRICING)


def room_type_choices(
    *, first_version: bool = False, for_sale: bool = False
) -> list[tuple[str, str]]:
    """(code, name in the active language) of every type in the guests' order (cached list);
    `first_version`: also the first version's codes not created yet (a room may still name
    them); `for_sale`: only the types that have rooms."""
    types = [t for t in room_types_all(cached=True) if t.roomCount or not for_sale]
    choices = [(t.roomType, translated(t, "name") or t.roomType) for t in types]
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
        found = room_type_get(code=code, consistent=True)
    except NotFound:
        found = None
    if found is not None:
        return _grown(found, int(room_data.get("capacity") or 0))
    if code not in ROOM_TYPES:
        raise ValidationFailed(
            details={"fields": {"roomType": [f"No room type {str(code)[:40]} exists."]}}
        )
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
        derivedFromRooms=True,
        lastUpdated=now,
    )
    with contextlib.suppress(PutError):  # Created meanwhile by another first room: use it.
        room_type.save(condition=RoomType.roomType.does_not_exist())
    room_types_forget()
    return room_type_get(code=code, consistent=True)


def _grown(room_type: RoomType, capacity: int) -> RoomType:
    """A type made from its rooms takes as many guests as its largest room."""
    if not room_type.derivedFromRooms or capacity <= (room_type.maxGuests or 0):
        return room_type
    with contextlib.suppress(UpdateError):  # grown meanwhile, or edited by staff
        room_type.update(
            actions=[RoomType.maxGuests.set(capacity), RoomType.maxAdults.set(capacity)],
            condition=(RoomType.derivedFromRooms == True)  # noqa: E712 — a DynamoDB condition
            & (RoomType.maxGuests < capacity),
        )
        room_types_forget()
    return room_type


def room_type_photos(room_type: RoomType, *, name: str | None = None) -> list[dict]:
    """The gallery as the guest site shows it, in the active language (hotel.images
    photo_view); a photo without alt text is described by the type's `name` and its place."""
    gallery = room_type.gallery or {}
    name = name or translated(room_type, "name") or room_type.roomType
    return [
        photo_view(
            stored,
            gallery.get(stored),
            fallback_alt=gettext("The %(t)s") % {"t": name}
            if index == 0
            else gettext("The %(t)s, photo %(n)s") % {"t": name, "n": index + 1},
        )
        for index, stored in enumerate(room_type.photos or [])
    ]
