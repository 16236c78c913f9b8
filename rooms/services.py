"""Room writes. The API, the admin and the seed command all come through here.

Every change is written in one DynamoDB transaction together with its audit entry,
and is conditional on the version the caller saw (optimistic locking).
"""

from __future__ import annotations

import contextlib
import re
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from pynamodb.exceptions import DoesNotExist, UpdateError

from hotel.audit.services import audit_add
from hotel.dynamo import condition_failed_as, transact
from hotel.errors import Conflict, StaleObject, ValidationFailed

from .models import (
    HOUSEKEEPING_LABELS,
    HOUSEKEEPING_OUT_OF_ORDER,
    HOUSEKEEPING_STATES,
    ROOM_STATUSES,
    STATUS_MAINTENANCE,
    STATUS_OCCUPIED,
    Room,
)
from .room_types import room_type_for_room, room_types_forget
from .selectors import room_get
from .stock import in_service, stock_shift, type_counts_update
from .usage import RETIRE_WINDOW, room_in_use, room_users

ROOM_ID_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,39}$")
ROOM_TYPE_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
MAX_AMENITIES = 30

# Field name -> validator returning an error message, or None when the value is fine.
_RULES: dict[str, Any] = {
    "roomType": lambda v: (
        None if isinstance(v, str) and ROOM_TYPE_CODE_RE.match(v) else "Choose a room type."
    ),
    "floorNumber": lambda v: _int_range(v, 0, 200),
    "capacity": lambda v: _int_range(v, 1, 12),
    "pricePerNight": lambda v: _int_range(v, 1, 100_000_000),
    "status": lambda v: (
        None if v in ROOM_STATUSES else f"Choose one of: {', '.join(ROOM_STATUSES)}."
    ),
    "currency": lambda v: (
        None
        if v == settings.HOTEL_CURRENCY
        else f"This hotel charges in {settings.HOTEL_CURRENCY}."
    ),
    "amenities": lambda v: _amenities_error(v),
    "description": lambda v: (
        None if isinstance(v, str) and len(v) <= 2000 else "At most 2000 characters."
    ),
}
REQUIRED_ON_CREATE = ("roomId", "roomType", "floorNumber", "capacity", "pricePerNight")
AUDIT_TYPE = "rooms.room"  # the audit log's object type for a room


def _int_range(value: Any, low: int, high: int) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return "Must be a whole number."
    if not low <= value <= high:
        return f"Must be between {low} and {high}."
    return None


def _amenities_error(value: Any) -> str | None:
    if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
        return "Must be a list of strings."
    if len(value) > MAX_AMENITIES:
        return f"At most {MAX_AMENITIES} amenities."
    if any(not a.strip() or len(a.strip()) > 50 for a in value):
        return "Each amenity must be 1 to 50 characters."
    return None


def room_validate(*, data: dict, creating: bool) -> dict:
    """Check values against the room rules; return the cleaned subset. Raises ValidationFailed."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    if creating:
        for name in REQUIRED_ON_CREATE:
            if data.get(name) in (None, ""):
                errors[name] = ["This field is required."]
        room_id = data.get("roomId")
        if room_id and not (isinstance(room_id, str) and ROOM_ID_RE.match(room_id)):
            errors["roomId"] = [
                "Use 1-40 capital letters, digits and hyphens, starting with a letter or digit."
            ]
        elif room_id:
            cleaned["roomId"] = room_id
    for name, rule in _RULES.items():
        if name not in data or name in errors:
            continue
        value = data[name]
        message = rule(value)
        if message:
            errors[name] = [message]
        elif name == "amenities":
            cleaned[name] = list(
                dict.fromkeys(a.strip() for a in value)
            )  # trim, dedupe, keep order
        else:
            cleaned[name] = value
    if errors:
        raise ValidationFailed(details={"fields": errors})
    return cleaned


def room_snapshot(room: Room) -> dict:
    """The audited view of a room (what 'before' and 'after' show)."""
    return {
        "roomId": room.roomId,
        "roomType": room.roomType,
        "floorNumber": room.floorNumber,
        "capacity": room.capacity,
        "status": room.status,
        "pricePerNight": room.pricePerNight,
        "currency": room.currency,
        "amenities": list(room.amenities or []),
        "photos": list(room.photos or []),
        "description": room.description,
        "housekeeping": room.housekeeping,
    }


def _get(room_id: str) -> Room:
    return room_get(room_id=room_id, consistent=True)


def room_create(*, data: dict, actor: str, now: datetime, request_id: str | None = None) -> Room:
    """Create a room of an existing type (a first-version code creates its type). Its
    type's counts and, from today on, the nights' counters grow with it. Raises
    ValidationFailed (also for an unknown type), Conflict (ROOM_EXISTS)."""
    cleaned = room_validate(data=data, creating=True)
    room_type_for_room(code=cleaned["roomType"], room_data=cleaned, now=now)
    room = Room(
        roomId=cleaned["roomId"],
        roomType=cleaned["roomType"],
        floorNumber=cleaned["floorNumber"],
        capacity=cleaned["capacity"],
        status=cleaned.get("status", "available"),
        pricePerNight=cleaned["pricePerNight"],
        currency=cleaned.get("currency", settings.HOTEL_CURRENCY),
        amenities=cleaned.get("amenities", []),
        photos=[],
        description=cleaned.get("description", ""),
        lastUpdated=now,
    )
    after = room_snapshot(room)
    sellable = 1 if in_service(room) else 0

    def build(tx):
        tx.save(room, condition=Room.roomId.does_not_exist())
        type_counts_update(tx, room_type=room.roomType, rooms_delta=1, sellable_delta=sellable)
        audit_add(
            tx,
            actor=actor,
            action="create",
            object_type=AUDIT_TYPE,
            object_id=room.roomId,
            before=None,
            after=after,
            now=now,
            request_id=request_id,
        )

    exists = Conflict(
        f"Room {room.roomId} already exists.",
        code="ROOM_EXISTS",
        details={"fields": {"roomId": ["A room with this id already exists."]}},
    )

    def write():
        with condition_failed_as(exists):
            transact(build)

    stock_shift(room_type=room.roomType, sellable_delta=sellable, now=now, commit=write)
    room_types_forget()
    return room


def _write_change(
    room: Room, before: dict, *, actor: str, action: str, now: datetime, request_id: str | None
) -> Room:
    room.lastUpdated = now
    after = room_snapshot(room)
    old_type, new_type = before["roomType"], room.roomType
    if old_type != new_type:
        _no_periods_ahead(room, now, "moved to another type")
    was_sellable = (
        1
        if before["status"] != STATUS_MAINTENANCE
        and before["housekeeping"] != HOUSEKEEPING_OUT_OF_ORDER
        else 0
    )
    is_sellable = 1 if in_service(room) else 0
    if was_sellable and not is_sellable:
        _no_periods_ahead(room, now, "taken out of service without an end date")

    def build(tx):
        tx.save(room, condition=Room.roomId.exists())  # + version == what the caller saw
        if old_type != new_type:
            type_counts_update(tx, room_type=old_type, rooms_delta=-1, sellable_delta=-was_sellable)
            type_counts_update(tx, room_type=new_type, rooms_delta=1, sellable_delta=is_sellable)
        elif was_sellable != is_sellable:
            type_counts_update(
                tx, room_type=new_type, rooms_delta=0, sellable_delta=is_sellable - was_sellable
            )
        audit_add(
            tx,
            actor=actor,
            action=action,
            object_type=AUDIT_TYPE,
            object_id=room.roomId,
            before=before,
            after=after,
            now=now,
            request_id=request_id,
        )

    def stale():
        return StaleObject(
            f"Room {room.roomId} was changed or deleted by someone else since you loaded it. "
            "Reload it and try again.",
            details={"currentVersion": _current_version(room.roomId)},
        )

    def write():
        with condition_failed_as(stale):
            transact(build)

    if old_type != new_type:
        stock_shift(
            room_type=old_type,
            sellable_delta=-was_sellable,
            now=now,
            commit=lambda: stock_shift(
                room_type=new_type, sellable_delta=is_sellable, now=now, commit=write
            ),
        )
    else:
        stock_shift(
            room_type=new_type, sellable_delta=is_sellable - was_sellable, now=now, commit=write
        )
    room_types_forget()
    return room


def _no_periods_ahead(room: Room, now: datetime, what: str) -> None:
    """Conflict while the room has dated out-of-order periods to come: the nights' counters
    already count it out on those nights (bookings.out_of_order)."""
    ahead = [p for p in room.outOfOrderPeriods or [] if p["to"] > now.date().isoformat()]
    if ahead:
        spans = ", ".join(f"{p['from']} – {p['to']}" for p in ahead[:5])
        raise Conflict(
            f"Room {room.roomId} is out of order on dated periods ({spans}); remove them "
            f"before it is {what}.",
            code="ROOM_OUT_OF_ORDER",
            details={"periods": ahead},
        )


def _current_version(room_id: str) -> int | None:
    try:
        return Room.get(room_id, consistent_read=True).version
    except DoesNotExist:
        return None


def _check_version(room: Room, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != room.version:
        raise StaleObject(
            f"Room {room.roomId} was changed by someone else since you loaded it "
            f"(you had version {expected_version}, it is now {room.version}). "
            "Reload and try again.",
            details={"currentVersion": room.version},
        )


def room_update(
    *,
    room_id: str,
    data: dict,
    actor: str,
    now: datetime,
    expected_version: int | None = None,
    request_id: str | None = None,
) -> Room:
    """Change some fields of a room. Raises NotFound, ValidationFailed, StaleObject."""
    if "roomId" in data and data["roomId"] != room_id:
        raise ValidationFailed(details={"fields": {"roomId": ["A room's id cannot change."]}})
    cleaned = room_validate(data={k: v for k, v in data.items() if k != "roomId"}, creating=False)
    room = _get(room_id)
    _check_version(room, expected_version)
    if cleaned.get("roomType", room.roomType) != room.roomType:
        room_type_for_room(code=cleaned["roomType"], room_data=cleaned, now=now)
        users = room_users(room_id=room_id, now=now)
        if users or room.occupantBookingId:
            raise room_in_use(room_id, occupant=room.occupantBookingId, users=users)
    elif cleaned.get("capacity"):  # a type made from its rooms grows with them
        room_type_for_room(code=room.roomType, room_data=cleaned, now=now)
    before = room_snapshot(room)
    for name, value in cleaned.items():
        setattr(room, name, value)
    if room_snapshot(room) == before:
        return room  # Nothing changed: no write, no audit noise.
    return _write_change(room, before, actor=actor, action="update", now=now, request_id=request_id)


def room_set_status(
    *, room_id: str, status: str, actor: str, now: datetime, request_id: str | None = None
) -> Room:
    """Change only the status (housekeeping, front desk). Raises NotFound, ValidationFailed."""
    return room_update(
        room_id=room_id, data={"status": status}, actor=actor, now=now, request_id=request_id
    )


def room_set_housekeeping(
    *,
    room_id: str,
    state: str,
    actor: str,
    now: datetime,
    expected_version: int | None = None,
    request_id: str | None = None,
) -> Room:
    """Set a room's housekeeping state (HOUSEKEEPING_STATES), audited.

    Out of order takes the room out of availability and booking; out of service keeps it
    bookable (see rooms.models). Raises NotFound, ValidationFailed, StaleObject.
    """
    if state not in HOUSEKEEPING_STATES:
        labels = ", ".join(HOUSEKEEPING_LABELS[s] for s in HOUSEKEEPING_STATES)
        raise ValidationFailed(details={"fields": {"housekeeping": [f"Choose one of: {labels}."]}})
    room = _get(room_id)
    _check_version(room, expected_version)
    if room.housekeeping == state:
        return room
    before = room_snapshot(room)
    room.housekeeping = state
    return _write_change(
        room, before, actor=actor, action="housekeeping", now=now, request_id=request_id
    )


def room_delete(
    *,
    room_id: str,
    actor: str,
    now: datetime,
    expected_version: int | None = None,
    request_id: str | None = None,
) -> None:
    """Delete a room that nobody holds, stays in or is booked into from today on.

    Race-proof against a booking made meanwhile: the room is first marked retiring (a
    versioned write; a booking's transaction refuses a retiring room), then the in-use
    checks run, then the room is deleted conditional on that version. A room left retiring
    by a crash is sellable again after RETIRE_WINDOW. Raises NotFound, StaleObject,
    Conflict (ROOM_IN_USE).
    """
    room = _get(room_id)
    _check_version(room, expected_version)
    if room.occupantBookingId or room.status == STATUS_OCCUPIED:
        raise room_in_use(room_id, occupant=room.occupantBookingId, users=[])
    _no_periods_ahead(room, now, "deleted")
    try:
        room.update(actions=[Room.retiringUntil.set(now + RETIRE_WINDOW)])
    except UpdateError as exc:
        if getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException":
            raise StaleObject(f"Room {room_id} changed while you were deleting it.") from exc
        raise
    users = room_users(room_id=room_id, now=now)
    if users:
        with contextlib.suppress(UpdateError):  # else it lapses after RETIRE_WINDOW
            room.update(actions=[Room.retiringUntil.remove()])
        raise room_in_use(room_id, occupant=None, users=users)
    before = room_snapshot(room)
    sellable = 1 if in_service(room) else 0

    def build(tx):
        tx.delete(room)  # conditional on the version we wrote
        type_counts_update(tx, room_type=room.roomType, rooms_delta=-1, sellable_delta=-sellable)
        audit_add(
            tx,
            actor=actor,
            action="delete",
            object_type=AUDIT_TYPE,
            object_id=room.roomId,
            before=before,
            after=None,
            now=now,
            request_id=request_id,
        )

    def write():
        with condition_failed_as(
            StaleObject(f"Room {room_id} changed while you were deleting it.")
        ):
            transact(build)

    stock_shift(room_type=room.roomType, sellable_delta=-sellable, now=now, commit=write)
    room_types_forget()
    for name in room.photos or []:
        default_storage.delete(name)
