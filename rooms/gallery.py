"""A room type's gallery: its photos in the order guests see them, each with resized copies
(hotel.images), an alt text and a caption per guest language.

`RoomType.photos` is the order (storage names of the originals); `RoomType.gallery` keeps
each photo's facts by the same name. Every change is one conditional write of the type with
its audit entry (rooms.room_type_services._write): a reorder or new words over a newer
revision is refused (409 STALE_OBJECT), never merged over someone else's change.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from hotel.errors import NotFound, ValidationFailed
from hotel.images import image_delete, image_store, image_validate, words_clean

from .models import RoomType
from .room_type_services import _stale, _write
from .room_types import room_type_get

MAX_PHOTOS = 20


def room_type_add_photo(
    *,
    code: str,
    upload,
    actor: str,
    now: datetime,
    request_id: str | None = None,
    words: dict | None = None,
) -> RoomType:
    """Store an uploaded photo and its resized copies; add it at the end of the gallery, with
    `words` ({"alt": {"en": …}, "caption": {…}}) if given. Raises NotFound,
    ValidationFailed (type, size, unreadable image, too many photos, words too long)."""
    suffix = image_validate(upload, "photo")
    clean, errors = words_clean(words, field="photo")
    if errors:
        raise ValidationFailed(details={"fields": errors})
    room_type = room_type_get(code=code, consistent=True)
    if len(room_type.photos or []) >= MAX_PHOTOS:
        raise ValidationFailed(
            details={"fields": {"photo": [f"A room type has at most {MAX_PHOTOS} photos."]}}
        )
    name, facts = image_store(upload, stem=f"room-types/{code}/{uuid.uuid4().hex[:12]}",
                              suffix=suffix)  # fmt: skip
    gallery = {**(room_type.gallery or {}), name: {**facts, **clean}}
    try:
        return _write(
            room_type,
            {"photos": [*(room_type.photos or []), name], "gallery": gallery},
            action="add_photo",
            actor=actor,
            now=now,
            request_id=request_id,
        )
    except Exception:
        if not _stored_in(code, name):
            image_delete(name, facts)
        raise


def _stored_in(code: str, name: str) -> bool:
    """After a failed write: does the type name the photo all the same (the write went
    through and a step after it failed)? When that cannot be read either: yes, a file left
    over beats a photo guests cannot load."""
    try:
        return name in (room_type_get(code=code, consistent=True).photos or [])
    except Exception:  # noqa: BLE001 — unknown: keep the file
        return True


def room_type_remove_photos(
    *, code: str, names: list[str], actor: str, now: datetime, request_id: str | None = None
) -> RoomType:
    """Take photos out of the gallery and out of storage (with their copies). Raises
    NotFound, StaleObject."""
    room_type = room_type_get(code=code, consistent=True)
    photos = list(room_type.photos or [])
    if not names or any(name not in photos for name in names):
        raise NotFound("That photo does not belong to this room type.")
    gallery = dict(room_type.gallery or {})
    removed = {name: gallery.pop(name, None) for name in names}
    room_type = _write(
        room_type,
        {"photos": [p for p in photos if p not in names], "gallery": gallery or None},
        action="remove_photo",
        actor=actor,
        now=now,
        request_id=request_id,
    )
    for name, facts in removed.items():
        image_delete(name, facts)
    return room_type


def room_type_gallery_update(
    *,
    code: str,
    order: list[str],
    words: dict[str, dict],
    expected_revision: int | None,
    actor: str,
    now: datetime,
    request_id: str | None = None,
) -> RoomType:
    """Reorder the gallery and set each photo's alt text and caption per language.

    `order`: every photo's storage name, first the one guests see first; `words`: {name:
    {"alt": {"en": …, "de": …}, "caption": {…}}} (a photo left out keeps no words).
    `expected_revision`: the type's revision the editor saw. Raises NotFound,
    ValidationFailed (`order` not the gallery's photos; words too long, keyed
    `photos[<n>].alt.de`), StaleObject."""
    room_type = room_type_get(code=code, consistent=True)
    if expected_revision is not None and expected_revision != (room_type.revision or 1):
        raise _stale(code, expected_revision, room_type.revision or 1)
    photos = list(room_type.photos or [])
    if not isinstance(order, list) or sorted(order) != sorted(photos):
        raise ValidationFailed(
            details={"fields": {"order": ["List every photo of the gallery once."]}}
        )
    gallery = dict(room_type.gallery or {})
    errors: dict = {}
    for index, name in enumerate(order):
        clean, problems = words_clean((words or {}).get(name), field=f"photos[{index}]")
        errors.update(problems)
        facts = {k: v for k, v in (gallery.get(name) or {}).items() if k not in ("alt", "caption")}
        gallery[name] = {**facts, **clean}
    if errors:
        raise ValidationFailed(details={"fields": errors})
    gallery = {name: facts for name, facts in gallery.items() if facts}
    if order == photos and gallery == (room_type.gallery or {}):
        return room_type
    return _write(
        room_type,
        {"photos": order, "gallery": gallery or None},
        action="edit_gallery",
        actor=actor,
        now=now,
        request_id=request_id,
    )
