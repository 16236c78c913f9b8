"""Room photos: checked before anything is stored, stored through the default storage (S3
in the cloud), named in the room's item by storage name, removed with it."""

from __future__ import annotations

import uuid
import warnings
from datetime import datetime
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.storage import default_storage

from hotel.errors import NotFound, ValidationFailed

from .models import Room
from .services import _get, _write_change, room_snapshot

PHOTO_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}


def room_photo_validate(upload) -> str:
    """Check an upload is a photo the hotel takes; return its file suffix.

    Type, size, a readable image and a sane pixel count (a PNG may declare 40,000 x 40,000
    in a few bytes: Pillow's decompression-bomb limit, Image.MAX_IMAGE_PIXELS). Reads only
    the header and verifies the file; nothing is written. Raises ValidationFailed on `photo`.
    """
    suffix = PurePosixPath(upload.name or "").suffix.lower()
    if suffix not in PHOTO_TYPES:
        raise ValidationFailed(details={"fields": {"photo": ["Upload a JPEG, PNG or WebP image."]}})
    if upload.size > settings.ROOM_PHOTO_MAX_BYTES:
        raise ValidationFailed(details={"fields": {"photo": ["The photo is larger than 5 MB."]}})
    _check_image(upload)
    return suffix


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


def _check_image(upload) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        upload.seek(0)
        with warnings.catch_warnings():
            # Above MAX_IMAGE_PIXELS Pillow only warns (an error from twice that): refuse both.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                width, height = image.size
                if width * height > Image.MAX_IMAGE_PIXELS:
                    raise Image.DecompressionBombError(f"{width} x {height} pixels")
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationFailed(
            details={"fields": {"photo": ["The image has too many pixels for a room photo."]}}
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationFailed(
            details={"fields": {"photo": ["The file is not a readable image."]}}
        ) from exc
    finally:
        upload.seek(0)
