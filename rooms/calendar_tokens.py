"""The signed address of a room's iCal feed (the feed itself is bookings.calendars).

The URL carries an HMAC of the room id (`django.utils.crypto.salted_hmac` keyed by
SECRET_KEY, salt below): unguessable, checked in constant time by the feed. Rotating
SECRET_KEY (or the salt's version) revokes every feed URL at once. Pure: the rooms admin
shows the address without knowing about bookings.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.crypto import salted_hmac

TOKEN_SALT = "rooms.ical.feed.v1"


def room_calendar_token(room_id: str) -> str:
    return salted_hmac(TOKEN_SALT, room_id, algorithm="sha256").hexdigest()[:40]


def room_calendar_path(room_id: str) -> str:
    return reverse(
        "room-calendar", kwargs={"room_id": room_id, "token": room_calendar_token(room_id)}
    )
