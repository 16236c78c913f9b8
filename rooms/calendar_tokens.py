"""The signed addresses of the iCal feeds of a room and of a room type (the feeds themselves
are bookings.calendars).

The URL carries an HMAC of the room id or the type's code (`django.utils.crypto.salted_hmac`
keyed by SECRET_KEY, a salt per kind of feed, so a room's token never opens a type's feed):
unguessable, checked in constant time by the feed. Rotating SECRET_KEY (or a salt's version)
revokes every feed URL of that kind at once. Pure: the rooms admin shows the address without
knowing about bookings.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.crypto import salted_hmac

TOKEN_SALT = "rooms.ical.feed.v1"
TYPE_TOKEN_SALT = "rooms.ical.type-feed.v1"


def _sign(salt: str, value: str) -> str:
    return salted_hmac(salt, value, algorithm="sha256").hexdigest()[:40]


def room_calendar_token(room_id: str) -> str:
    return _sign(TOKEN_SALT, room_id)


def room_calendar_path(room_id: str) -> str:
    return reverse(
        "room-calendar", kwargs={"room_id": room_id, "token": room_calendar_token(room_id)}
    )


def room_type_calendar_token(code: str) -> str:
    return _sign(TYPE_TOKEN_SALT, code)


def room_type_calendar_path(code: str) -> str:
    return reverse(
        "room-type-calendar", kwargs={"room_type": code, "token": room_type_calendar_token(code)}
    )
