"""Room photos: checked before anything is stored, stored through the default storage (S3
in the cloud), named in the room's item by storage name, removed with it."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.core.files.storage import default_storage

from hotel.errors import NotFound
from hotel.images import image_validate

from .models import Room
from .services import _get, _write_change, room_snapshot


def room_photo_validate(upload) -> str:
    """Check an upload is a photo the hotel takes (hotel.images.image_validate); return its
    file suffix. Raises ValidationFailed on `photo`."""
    return image_validate(upload, "photo")


def room_add_photo(
    *, room_id: str, upload, actor: str, now: datetime, request_id: str | None = None
) -> Room:
    """Store an uploaded photo through the default storage and attach it to the room.

    Raises NotFound, ValidationFailed (type, size, unreadable or oversized image).
    """
    suffix = room_photo_validate(upload)
    room = _get(room_id)
    before = room_snapshot(room)
    name = default_storage.save(f"rooms/{room_id}/{uuid.uuid4().hex[:12]}{suffix}", upload)
    room.photos = [*(room.photos or []), name]
    try:
        return _write_change(
            room, before, actor=actor, action="add_photo", now=now, request_id=request_id
        )
    except Exception:
        default_storage.delete(name)
        raise


def room_remove_photo(
    *, room_id: str, name: str, actor: str, now: datetime, request_id: str | None = None
) -> Room:
    room = _get(room_id)
    if name not in (room.photos or []):
        raise NotFound("That photo does not belong to this room.")
    before = room_snapshot(room)
    room.photos = [p for p in room.photos if p != name]
    room = _write_change(
        room, before, actor=actor, action="remove_photo", now=now, request_id=request_id
    )
    default_storage.delete(name)
    return room
