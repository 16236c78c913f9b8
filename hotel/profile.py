"""The hotel's own page: who the hotel is and how a guest gets there and stays.

One item (`hotel-profile` table, id HOTEL) that a manager edits in the back office (*Hotel
page*): name, address, phone, email, check-in and check-out times, a description, house
rules, how to get there and the facilities, each of the words also per guest language
(`translations`: {"de": {"description", "houseRules", "directions", "facilities"}}, falling
back to the default language's). Until a manager saves it, the settings' HOTEL_NAME,
HOTEL_ADDRESS, HOTEL_PHONE and HOTEL_EMAIL stand in. The guest site's home page, every page's
footer and every email read it (hotel.contact), through a per-process copy kept for
PROFILE_TTL seconds (a Lambda environment reads it at most twice a minute, not per page).
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext
from pynamodb.attributes import (
    JSONAttribute,
    ListAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.exceptions import DoesNotExist, PynamoDBException
from pynamodb.models import Model

from hotel.audit.services import audit_add
from hotel.dynamo import commit, meta, register
from hotel.errors import StaleObject, ValidationFailed
from hotel.images import photo_view
from hotel.languages import active_language

logger = logging.getLogger(__name__)

PROFILE_ID = "HOTEL"
PROFILE_TTL = 30.0  # seconds a process keeps its copy
FAILED_RETRY = 5.0  # seconds before a failed read is tried again
TRANSLATED = ("description", "houseRules", "directions", "facilities")
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
LIMITS = {"description": 2000, "houseRules": 4000, "directions": 2000}


@register
class HotelProfile(Model):
    """The hotel's page (one item, PROFILE_ID)."""

    Meta = meta("hotel-profile")

    profileId = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    address = UnicodeAttribute(default="")
    phone = UnicodeAttribute(default="")
    email = UnicodeAttribute(default="")
    checkInFrom = UnicodeAttribute(default="14:00")  # HH:MM, the hotel's time
    checkOutUntil = UnicodeAttribute(default="11:00")
    description = UnicodeAttribute(default="")
    houseRules = UnicodeAttribute(default="")  # one rule per line
    directions = UnicodeAttribute(default="")
    facilities = ListAttribute(of=UnicodeAttribute, default=list)
    translations = JSONAttribute(null=True)  # {"de": {"description": …, …}}
    # The photo gallery (storage names in order; each one's facts and words: hotel.images)
    # and the map image ({"name": …, facts, "alt": {…}}): hotel.profile_media.
    photos = ListAttribute(of=UnicodeAttribute, default=list)
    gallery = JSONAttribute(null=True)
    mapImage = JSONAttribute(null=True)
    updatedAt = UTCDateTimeAttribute(null=True)
    updatedBy = UnicodeAttribute(null=True)
    version = VersionAttribute()


@dataclass(frozen=True)
class Profile:
    """The hotel's page in one language (what templates read)."""

    name: str
    address: str
    phone: str
    email: str
    check_in_from: str
    check_out_until: str
    description: str = ""
    house_rules: list[str] = field(default_factory=list)
    directions: str = ""
    facilities: list[str] = field(default_factory=list)
    photos: list[dict] = field(default_factory=list)  # hotel.images.photo_view, in order
    map: dict | None = None


_copy: tuple[float, HotelProfile | None] | None = None


def profile_item(*, cached: bool = True, read: bool = True) -> HotelProfile | None:
    """The stored profile (None before a manager saved one); this process's copy when it is
    younger than PROFILE_TTL. A cached read that fails (DynamoDB unreachable) keeps the old
    copy, or the settings' stand-in: the error pages and emails still name the hotel.
    `read=False` never asks DynamoDB (the error pages of an outage): the copy, however old."""
    global _copy
    if not read:
        return _copy[1] if _copy is not None else None
    if cached and _copy is not None and time.monotonic() - _copy[0] < PROFILE_TTL:
        return _copy[1]
    try:
        item = HotelProfile.get(PROFILE_ID, consistent_read=not cached)
    except DoesNotExist:
        item = None
    except PynamoDBException:
        if not cached:
            raise
        logger.warning("Could not read the hotel page; using the last copy or the settings")
        old = _copy[1] if _copy is not None else None
        # Ask again in FAILED_RETRY seconds, not on every page of a brownout.
        _copy = (time.monotonic() - PROFILE_TTL + FAILED_RETRY, old)
        return old
    if not cached:
        return item  # the editor's own read: never the copy guests are served
    _copy = (time.monotonic(), item)
    return item


def profile_stand_in() -> dict:
    """The page's fields before a manager saved one: the settings' (what the editor starts
    from, and the demo's contact)."""
    return {
        "name": settings.HOTEL_NAME,
        "address": settings.HOTEL_ADDRESS,
        "phone": settings.HOTEL_PHONE,
        "email": settings.HOTEL_EMAIL,
        "checkInFrom": "14:00",
        "checkOutUntil": "11:00",
    }


def profile_forget() -> None:
    """Drop this process's copy (after a save, and between tests)."""
    global _copy
    _copy = None


def hotel_profile(language: str | None = None, *, read: bool = True) -> Profile:
    """The hotel's page in `language` (default: the active one), each translated text falling
    back to the default language's (`read`: as profile_item)."""
    item = profile_item(read=read)
    code = active_language(language)
    if item is None:
        return Profile(
            name=settings.HOTEL_NAME,
            address=settings.HOTEL_ADDRESS.strip(),
            phone=settings.HOTEL_PHONE.strip(),
            email=settings.HOTEL_EMAIL.strip(),
            check_in_from="14:00",
            check_out_until="11:00",
        )
    words = {}
    if code != settings.LANGUAGE_CODE:
        words = dict((item.translations or {}).get(code) or {})

    def text(name: str):
        value = words.get(name)
        return value if value else getattr(item, name)

    facilities = text("facilities")
    if isinstance(facilities, str):
        facilities = _lines(facilities)
    return Profile(
        name=item.name,
        address=item.address,
        phone=item.phone,
        email=item.email,
        check_in_from=item.checkInFrom,
        check_out_until=item.checkOutUntil,
        description=text("description"),
        house_rules=_lines(text("houseRules")),
        directions=text("directions"),
        facilities=list(facilities or []),
        photos=[
            photo_view(
                name,
                (item.gallery or {}).get(name),
                fallback_alt=gettext("%(name)s, photo %(n)s") % {"name": item.name, "n": n},
            )
            for n, name in enumerate(item.photos or [], start=1)
        ],
        map=photo_view(item.mapImage["name"], item.mapImage) if item.mapImage else None,
    )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def profile_validate(data: dict) -> dict:
    """Clean a profile's fields; raise ValidationFailed naming every field's problem."""
    errors: dict[str, list[str]] = {}
    clean = {key: (data.get(key) or "").strip() for key in ("name", "address", "phone", "email")}
    if not clean["name"]:
        errors["name"] = ["Give the hotel's name."]
    elif len(clean["name"]) > 120:
        errors["name"] = ["At most 120 characters."]
    if clean["email"] and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", clean["email"]):
        errors["email"] = ["Enter a valid email address."]
    for key in ("checkInFrom", "checkOutUntil"):
        value = (data.get(key) or "").strip()
        if not TIME.match(value):
            errors[key] = ["A time as HH:MM (24 hours), e.g. 14:00."]
        clean[key] = value
    for key, limit in LIMITS.items():
        clean[key] = (data.get(key) or "").strip()
        if len(clean[key]) > limit:
            errors[key] = [f"At most {limit} characters."]
    clean["facilities"] = _lines(data.get("facilities") or "")[:40]
    translations = {}
    for code, _name in settings.LANGUAGES:
        if code == settings.LANGUAGE_CODE:
            continue
        given = (data.get("translations") or {}).get(code) or {}
        words = {key: (given.get(key) or "").strip() for key in TRANSLATED}
        for key, limit in LIMITS.items():
            if len(words[key]) > limit:
                errors[f"{key}_{code}"] = [f"At most {limit} characters."]
        words = {key: value for key, value in words.items() if value}
        if words:
            translations[code] = words
    clean["translations"] = translations
    if errors:
        raise ValidationFailed(details={"fields": errors})
    return clean


def _snapshot(item: HotelProfile | None) -> dict | None:
    if item is None:
        return None
    fields = ("name", "address", "phone", "email", "checkInFrom", "checkOutUntil", *LIMITS)
    return {
        **{key: getattr(item, key) for key in fields},
        "facilities": list(item.facilities or []),
        "translations": dict(item.translations or {}),
    }


def profile_save(
    *, data: dict, version: int | None, actor: str, now: datetime, request_id: str | None = None
) -> HotelProfile:
    """Save the hotel's page (audited). `version`: the one the editor read (None: none was
    stored); a save over someone else's newer one raises StaleObject, nothing is lost."""
    clean = profile_validate(data)
    current = profile_item(cached=False)
    if (current.version if current else None) != version:
        raise StaleObject()
    # `current` is this call's own read (profile_item(cached=False) keeps no copy), so a
    # refused save leaves nothing half-applied where guests' pages read it.
    before = _snapshot(current)
    item = current or HotelProfile(profileId=PROFILE_ID)
    for key, value in clean.items():
        setattr(item, key, value)
    item.updatedAt, item.updatedBy = now, actor

    profile_write(item, action="update" if current else "create", before=before,
                  after=_snapshot(item), actor=actor, now=now, request_id=request_id)  # fmt: skip
    return profile_item(cached=False)


def profile_write(
    item: HotelProfile,
    *,
    action: str,
    before: dict | None,
    after: dict,
    actor: str,
    now: datetime,
    request_id: str | None,
) -> None:
    """Save the profile item with its audit entry in one transaction, conditional on the
    version it was read at (PynamoDB's VersionAttribute; still absent for a new one): over a
    newer one it raises StaleObject. Every process's copy is dropped after."""

    def build(tx):
        tx.save(item)
        audit_add(tx, actor=actor, action=action, object_type="hotel.profile",
                  object_id=PROFILE_ID, before=before, after=after, now=now,
                  request_id=request_id)  # fmt: skip

    try:
        commit(build, refused=StaleObject)
    finally:
        profile_forget()
