"""The hotel page's photos and map image: stored through the default storage (S3 in the
cloud) with resized copies (hotel.images), described per guest language, saved in one
versioned, audited write of the profile (hotel.profile).

A map is an image the hotel uploads (a screenshot of its own map, a drawn plan): no
third-party map script reaches the guest's browser.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from hotel.errors import NotFound, StaleObject, ValidationFailed
from hotel.images import image_delete, image_store, image_validate, words_clean

from .profile import HotelProfile, profile_item, profile_write

MAX_PHOTOS = 30


def profile_media_save(
    *,
    version: int | None,
    order: list[str],
    words: dict[str, dict],
    uploads: list,
    map_upload=None,
    map_words: dict | None = None,
    remove_map: bool = False,
    actor: str,
    now: datetime,
    request_id: str | None = None,
) -> HotelProfile:
    """Set the gallery to `order` (the photos kept, in the order guests see them; any stored
    photo left out is removed), each kept photo's `words` ({"alt": {"en": …}, "caption":
    {…}}), append `uploads`, and replace, describe (`map_words`: {"alt": {…}}) or remove the
    map image. One conditional write on `version` (the one the editor read): over a newer
    one it raises StaleObject and nothing changes, and the new files are deleted again.
    Raises NotFound (no hotel page saved yet), ValidationFailed."""
    current = profile_item(cached=False)
    if current is None:
        raise NotFound("Save the hotel page first: its photos belong to it.")
    if current.version != version:
        raise StaleObject()
    photos = list(current.photos or [])
    errors: dict = {}
    if not isinstance(order, list) or len(set(order)) != len(order) or set(order) - set(photos):
        errors["order"] = ["List each photo of the gallery once."]
        order = []
    for index, upload in enumerate(uploads):
        try:
            image_validate(upload, f"uploads[{index}]")
        except ValidationFailed as exc:
            errors.update(exc.details["fields"])
    if map_upload is not None:
        try:
            image_validate(map_upload, "map")
        except ValidationFailed as exc:
            errors.update(exc.details["fields"])
    if len(order) + len(uploads) > MAX_PHOTOS:
        errors["uploads"] = [f"The hotel page has at most {MAX_PHOTOS} photos."]
    gallery = {}
    for index, name in enumerate(order):
        clean, problems = words_clean((words or {}).get(name), field=f"photos[{index}]")
        errors.update(problems)
        facts = (current.gallery or {}).get(name) or {}
        gallery[name] = {**{k: v for k, v in facts.items() if k not in ("alt", "caption")},
                         **clean}  # fmt: skip
    map_clean = None  # not given: the map keeps its words
    if map_words is not None:
        map_clean, problems = words_clean(map_words, field="map")
        errors.update(problems)
    if errors:
        raise ValidationFailed(details={"fields": errors})

    stored: list[tuple[str, dict]] = []
    try:
        for upload in uploads:
            suffix = image_validate(upload, "uploads")
            name, facts = image_store(upload, stem=f"hotel/{uuid.uuid4().hex[:12]}", suffix=suffix)
            stored.append((name, facts))
            gallery[name] = facts
        new_map = None
        if map_upload is not None:
            suffix = image_validate(map_upload, "map")
            name, facts = image_store(map_upload, stem=f"hotel/map-{uuid.uuid4().hex[:8]}",
                                      suffix=suffix)  # fmt: skip
            stored.append((name, facts))
            new_map = {"name": name, **facts}
        return _write(current, order=order + [n for n, _ in stored if n in gallery],
                      gallery=gallery, new_map=new_map, map_clean=map_clean,
                      remove_map=remove_map, actor=actor, now=now,
                      request_id=request_id)  # fmt: skip
    except Exception:
        kept = _names_stored()
        for name, facts in stored:
            if name not in kept:
                image_delete(name, facts)
        raise


def _write(current, *, order, gallery, new_map, map_clean, remove_map, actor, now,
           request_id) -> HotelProfile:  # fmt: skip
    before = _media(current)
    gone = [(n, (current.gallery or {}).get(n)) for n in current.photos or [] if n not in order]
    old_map = current.mapImage
    if new_map is not None:
        current.mapImage = {**new_map, **(_words_of(old_map) if map_clean is None else map_clean)}
    elif remove_map:
        current.mapImage = None
    elif old_map and map_clean is not None:
        current.mapImage = {**{k: v for k, v in old_map.items() if k != "alt"}, **map_clean}
    current.photos, current.gallery = order, gallery or None
    current.updatedAt, current.updatedBy = now, actor

    profile_write(current, action="update_media", before=before, after=_media(current),
                  actor=actor, now=now, request_id=request_id)  # fmt: skip
    for name, facts in gone:
        image_delete(name, facts)
    if old_map and (new_map is not None or remove_map):
        image_delete(old_map["name"], old_map)
    return profile_item(cached=False)


def _words_of(image: dict | None) -> dict:
    return {"alt": image["alt"]} if image and image.get("alt") else {}


def _media(item: HotelProfile) -> dict:
    return {
        "photos": list(item.photos or []),
        "gallery": dict(item.gallery or {}),
        "map": dict(item.mapImage) if item.mapImage else None,
    }


def _names_stored() -> set[str]:
    """After a failed save: the files the stored profile names all the same (the write went
    through and a step after it failed). When that cannot be read either: a sentinel that
    keeps every file, since a file left over beats a photo guests cannot load."""
    try:
        item = profile_item(cached=False)
    except Exception:  # noqa: BLE001 — unknown: keep them all
        return _EVERYTHING
    names = set(item.photos or []) if item else set()
    if item and item.mapImage:
        names.add(item.mapImage["name"])
    return names


class _Everything(set):
    def __contains__(self, _name) -> bool:
        return True


_EVERYTHING = _Everything()
