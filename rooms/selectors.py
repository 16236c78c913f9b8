"""Room reads. Filters become key or index queries; only an unfiltered list scans."""

from __future__ import annotations

from django.core.files.storage import default_storage
from pynamodb.exceptions import DoesNotExist

from hotel.dynamo import paginate
from hotel.errors import NotFound

from .models import Room

MAX_ROOM_ID_LENGTH = 64  # ids are at most 40 characters (rooms.services.ROOM_ID_RE)


def room_id_plausible(room_id) -> bool:
    """Whether `room_id` could name a room. DynamoDB refuses over-long keys (a
    ValidationException, once a 500), so longer ones are simply not found."""
    return isinstance(room_id, str) and 1 <= len(room_id) <= MAX_ROOM_ID_LENGTH


def room_get(*, room_id: str, consistent: bool = False) -> Room:
    """The room (`consistent`: as it is now, for a write that follows). The one "room not
    found". Raises NotFound (ROOM_NOT_FOUND)."""
    if not room_id_plausible(room_id):
        raise NotFound(
            f"Room {str(room_id)[:MAX_ROOM_ID_LENGTH]}… does not exist.", code="ROOM_NOT_FOUND"
        )
    try:
        return Room.get(room_id, consistent_read=consistent)
    except DoesNotExist as exc:
        raise NotFound(f"Room {room_id} does not exist.", code="ROOM_NOT_FOUND") from exc


def rooms_list(
    *,
    room_type: str | None = None,
    floor_number: int | None = None,
    status: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> tuple[list[Room], str | None]:
    """A page of rooms and the cursor of the next one. Raises hotel.dynamo.InvalidCursor.

    roomType (+ floorNumber) queries `roomType-floor-index`; status queries
    `status-roomId-index`; a floor alone or no filter scans (the rooms table is small).
    The cursor is signed for these very filters (hotel.dynamo.encode_cursor).
    """
    scope = f"rooms:type={room_type or ''}:floor={floor_number}:status={status or ''}"
    if room_type:
        index = Room.by_type_floor
        range_condition = Room.floorNumber == floor_number if floor_number is not None else None
        filter_condition = Room.status == status if status else None

        def fetch(**kw):
            return index.query(
                room_type,
                range_key_condition=range_condition,
                filter_condition=filter_condition,
                **kw,
            )

        return paginate(fetch, limit=limit, cursor=cursor, index=index, scope=scope)
    if status:
        index = Room.by_status
        filter_condition = Room.floorNumber == floor_number if floor_number is not None else None

        def fetch(**kw):
            return index.query(status, filter_condition=filter_condition, **kw)

        return paginate(fetch, limit=limit, cursor=cursor, index=index, scope=scope)

    filter_condition = Room.floorNumber == floor_number if floor_number is not None else None

    def fetch(**kw):
        return Room.scan(filter_condition=filter_condition, **kw)

    return paginate(fetch, limit=limit, cursor=cursor, scope=scope)


def rooms_all() -> list[Room]:
    """Every room by floor and number: one small Scan (a hotel has tens to hundreds of rooms).

    For the back office's room rack, housekeeping board and room count.
    """
    return sorted(Room.scan(), key=lambda room: (room.floorNumber, room.roomId))


def room_photo_urls(room: Room) -> list[str]:
    return [default_storage.url(name) for name in room.photos or []]
