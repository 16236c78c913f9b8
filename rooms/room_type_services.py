"""Room type writes: what staff edit about a type (the API, the admin and the demo seed come
through here). The counts (`roomCount`, `sellableRooms`, `stock*`) are the system's
(rooms.stock, in every room's transaction) and never written here.

Every change is one DynamoDB transaction with its audit entry, conditional on the revision
the caller saw; a change writes only the fields it changes (an update, not a put), so it
never races the counters a room's write moves meanwhile.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django.conf import settings

from hotel.audit.services import audit_add
from hotel.dynamo import condition_failed_as, transact
from hotel.errors import Conflict, NotFound, StaleObject, ValidationFailed
from hotel.images import image_delete
from hotel.translations import translations_check

from .models import RoomType
from .room_types import room_type_get, room_types_forget
from .services import _amenities_error, _int_range
from .stock import stock_shift
from .usage import room_type_users

ROOM_TYPE_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
AUDIT_TYPE = "rooms.roomtype"  # the audit log's object type for a room type
REQUIRED_ON_CREATE = ("roomType", "name", "maxAdults", "maxGuests", "basePrice")
# What staff edit, in the order the audit shows it; the rest of the item is the system's.
EDITABLE = (
    "name",
    "description",
    "beds",
    "view",
    "sizeM2",
    "maxAdults",
    "maxChildren",
    "maxGuests",
    "amenities",
    "basePrice",
    "currency",
    "sortOrder",
    "overbookingLimit",
    "translations",
)
TRANSLATED = {
    "name": 80,
    "description": 2000,
    "beds": 80,
    "view": 80,
}  # per guest language: {field: max length}


def _text(value: Any, low: int, high: int) -> str | None:
    if not isinstance(value, str):
        return "Must be text."
    if not low <= len(value.strip()) <= high:
        return f"Must be {low} to {high} characters." if low else f"At most {high} characters."
    return None


# Field name -> validator returning an error message, or None when the value is fine.
_RULES: dict[str, Any] = {
    "name": lambda v: _text(v, 1, 80),
    "description": lambda v: _text(v, 0, 2000),
    "beds": lambda v: _text(v, 0, 80),
    "view": lambda v: _text(v, 0, 80),
    "sizeM2": lambda v: None if v is None else _int_range(v, 1, 1000),
    "maxAdults": lambda v: _int_range(v, 1, 20),
    "maxChildren": lambda v: _int_range(v, 0, 20),
    "maxGuests": lambda v: _int_range(v, 1, 30),
    "amenities": _amenities_error,
    "basePrice": lambda v: _int_range(v, 1, 100_000_000),
    "currency": lambda v: (
        None
        if v == settings.HOTEL_CURRENCY
        else f"This hotel charges in {settings.HOTEL_CURRENCY}."
    ),
    "sortOrder": lambda v: _int_range(v, -1_000_000, 1_000_000),
    "overbookingLimit": lambda v: _int_range(v, 0, 20),
}


def room_type_validate(*, data: dict, creating: bool, current: RoomType | None = None) -> dict:
    """Check values against the room type rules; return the cleaned subset (text trimmed,
    amenities deduplicated, currency defaulted on create). Every field's problem comes in
    one ValidationFailed; the guest limits are checked together with `current`'s values
    for the fields `data` leaves out."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    if creating:
        for name in REQUIRED_ON_CREATE:
            if data.get(name) in (None, ""):
                errors[name] = ["This field is required."]
        code = data.get("roomType")
        if code not in (None, "") and not (isinstance(code, str) and ROOM_TYPE_CODE_RE.match(code)):
            errors["roomType"] = [
                "Use 1-40 letters, digits, hyphens and underscores, starting with a letter or "
                "digit."
            ]
        elif code:
            cleaned["roomType"] = code
    for name, rule in _RULES.items():
        if name not in data or name in errors:
            continue
        value = data[name]
        message = rule(value)
        if message:
            errors[name] = [message]
        elif name == "amenities":
            cleaned[name] = list(dict.fromkeys(a.strip() for a in value))
        elif isinstance(value, str):
            cleaned[name] = value.strip()
        else:
            cleaned[name] = value
    if "translations" in data:
        cleaned["translations"], problems = translations_check(data["translations"], TRANSLATED)
        errors.update(problems)
    if creating:
        cleaned.setdefault("currency", settings.HOTEL_CURRENCY)
        cleaned.setdefault("maxChildren", 0)
    _check_guests(cleaned, current, errors)
    if errors:
        raise ValidationFailed(details={"fields": errors})
    return cleaned


def _check_guests(cleaned: dict, current: RoomType | None, errors: dict) -> None:
    if {"maxAdults", "maxChildren", "maxGuests"} & set(errors):
        return

    def value(name: str):
        return cleaned.get(name, getattr(current, name, None) if current is not None else None)

    adults, children, guests = value("maxAdults"), value("maxChildren") or 0, value("maxGuests")
    if adults is None or guests is None:
        return
    if guests > adults + children:
        errors["maxGuests"] = [
            f"At most {adults + children}: the adults and children the room takes together."
        ]
    elif guests < adults:
        errors["maxGuests"] = [f"At least {adults}: the room takes {adults} adults."]


def room_type_snapshot(room_type: RoomType) -> dict:
    """The audited view of a type: what staff edit (not the system's counters)."""
    return {
        "roomType": room_type.roomType,
        **{name: _copy(getattr(room_type, name)) for name in EDITABLE},
        "photos": list(room_type.photos or []),
        **({"gallery": room_type.gallery} if room_type.gallery else {}),
    }


def _copy(value):
    return list(value) if isinstance(value, list) else value


def room_type_create(
    *, data: dict, actor: str, now: datetime, request_id: str | None = None
) -> RoomType:
    """Create a room type (no rooms yet). Raises ValidationFailed, Conflict (ROOM_TYPE_EXISTS)."""
    cleaned = room_type_validate(data=data, creating=True)
    room_type = RoomType(
        **{k: v for k, v in cleaned.items() if k in ("roomType", *EDITABLE)},
        photos=[],
        lastUpdated=now,
        revision=1,
    )
    after = room_type_snapshot(room_type)

    def build(tx):
        tx.save(room_type, condition=RoomType.roomType.does_not_exist())
        audit_add(
            tx,
            actor=actor,
            action="create",
            object_type=AUDIT_TYPE,
            object_id=room_type.roomType,
            before=None,
            after=after,
            now=now,
            request_id=request_id,
        )

    exists = Conflict(
        f"Room type {room_type.roomType} already exists.",
        code="ROOM_TYPE_EXISTS",
        details={"fields": {"roomType": ["A room type with this code already exists."]}},
    )
    with condition_failed_as(exists):
        transact(build)
    room_types_forget()
    return room_type


def _stale(code: str, seen: int | None, now_at: int | None = None) -> StaleObject:
    details = {"currentRevision": now_at} if now_at is not None else {}
    return StaleObject(
        f"Room type {code} was changed by someone else since you loaded it"
        + (f" (you had revision {seen}, it is now {now_at})" if seen and now_at else "")
        + ". Reload it and try again.",
        details=details,
    )


def _current_revision(code: str) -> int | None:
    try:
        return room_type_get(code=code, consistent=True).revision
    except NotFound:
        return None


def _write(
    room_type: RoomType,
    changes: dict,
    *,
    action: str,
    actor: str,
    now: datetime,
    request_id: str | None,
) -> RoomType:
    """Set `changes` on the stored type if its revision is still the one read; bump it."""
    code, seen = room_type.roomType, room_type.revision or 1
    before = room_type_snapshot(room_type)
    for name, value in changes.items():
        setattr(room_type, name, value)
    room_type.lastUpdated, room_type.revision = now, seen + 1
    after = room_type_snapshot(room_type)
    actions = [
        getattr(RoomType, name).remove() if value is None else getattr(RoomType, name).set(value)
        for name, value in changes.items()
    ]
    actions += [RoomType.lastUpdated.set(now), RoomType.revision.set(seen + 1)]
    # Edited by staff: its guest limits no longer follow its largest room (room_type_for_room).
    actions.append(RoomType.derivedFromRooms.remove())
    same = RoomType.revision == seen
    if seen == 1:  # items written before revisions existed have none
        same |= RoomType.revision.does_not_exist()

    def build(tx):
        tx.update(
            RoomType(roomType=code), actions=actions, condition=RoomType.roomType.exists() & same
        )
        audit_add(
            tx,
            actor=actor,
            action=action,
            object_type=AUDIT_TYPE,
            object_id=code,
            before=before,
            after=after,
            now=now,
            request_id=request_id,
        )

    def write():
        with condition_failed_as(lambda: _stale(code, seen, _current_revision(code))):
            transact(build)

    limit_delta = changes.get("overbookingLimit", before["overbookingLimit"]) - (
        before["overbookingLimit"] or 0
    )
    try:
        stock_shift(
            room_type=code, sellable_delta=0, limit_delta=limit_delta, now=now, commit=write
        )
    finally:
        room_types_forget()
    return room_type


def room_type_update(
    *,
    code: str,
    data: dict,
    actor: str,
    now: datetime,
    expected_revision: int | None = None,
    request_id: str | None = None,
) -> RoomType:
    """Change what staff edit about a type. A new overbooking limit moves the ceiling of the
    nights already counted (rooms.stock.stock_shift). Raises NotFound, ValidationFailed,
    StaleObject, Conflict (ROOMS_SOLD: a lower limit would leave a sold night short)."""
    if "roomType" in data and data["roomType"] != code:
        raise ValidationFailed(
            details={"fields": {"roomType": ["A room type's code cannot change."]}}
        )
    room_type = room_type_get(code=code, consistent=True)
    if expected_revision is not None and expected_revision != room_type.revision:
        raise _stale(code, expected_revision, room_type.revision)
    cleaned = room_type_validate(
        data={k: v for k, v in data.items() if k != "roomType"}, creating=False, current=room_type
    )
    changes = {name: value for name, value in cleaned.items() if getattr(room_type, name) != value}
    if not changes:
        return room_type  # Nothing changed: no write, no audit noise.
    return _write(room_type, changes, action="update", actor=actor, now=now, request_id=request_id)


def room_type_delete(
    *,
    code: str,
    actor: str,
    now: datetime,
    expected_revision: int | None = None,
    request_id: str | None = None,
) -> None:
    """Delete a type with no rooms and no live bookings from today on.

    Conditional on no rooms (a room created meanwhile makes the delete fail) and on the
    revision read. Raises NotFound, StaleObject, Conflict (ROOM_TYPE_IN_USE).
    """
    room_type = room_type_get(code=code, consistent=True)
    if expected_revision is not None and expected_revision != room_type.revision:
        raise _stale(code, expected_revision, room_type.revision)
    if room_type.roomCount:
        raise _in_use(code, rooms=room_type.roomCount, bookings=[])
    users = room_type_users(room_type=code, now=now)
    if users:
        raise _in_use(code, rooms=0, bookings=users)
    before = room_type_snapshot(room_type)
    seen = room_type.revision or 1
    same = RoomType.revision == seen
    if seen == 1:
        same |= RoomType.revision.does_not_exist()
    unused = RoomType.roomCount.does_not_exist() | (RoomType.roomCount == 0)

    def build(tx):
        tx.delete(RoomType(roomType=code), condition=RoomType.roomType.exists() & same & unused)
        audit_add(
            tx,
            actor=actor,
            action="delete",
            object_type=AUDIT_TYPE,
            object_id=code,
            before=before,
            after=None,
            now=now,
            request_id=request_id,
        )

    def refused():
        try:
            current = room_type_get(code=code, consistent=True)
        except NotFound:
            return NotFound(f"Room type {code} does not exist.", code="ROOM_TYPE_NOT_FOUND")
        if current.roomCount:
            return _in_use(code, rooms=current.roomCount, bookings=[])
        return _stale(code, seen, current.revision)

    try:
        with condition_failed_as(refused):
            transact(build)
    finally:
        room_types_forget()
    for name in room_type.photos or []:
        image_delete(name, (room_type.gallery or {}).get(name))


def _in_use(code: str, *, rooms: int, bookings: list[str]) -> Conflict:
    if rooms:
        message = (
            f"Room type {code} still has {rooms} room(s). Move them to another type or delete "
            "them first."
        )
    else:
        shown = ", ".join(bookings[:10]) + (
            f" and {len(bookings) - 10} more" if len(bookings) > 10 else ""
        )
        message = (
            f"Room type {code} is booked by {len(bookings)} live booking(s) ({shown}). Move or "
            "cancel them first."
        )
    return Conflict(
        message, code="ROOM_TYPE_IN_USE", details={"rooms": rooms, "bookings": bookings}
    )
