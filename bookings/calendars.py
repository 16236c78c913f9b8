"""iCalendar feeds for OTA channel calendars (Airbnb, Booking.com, …): per room, its booked
nights; per room type, the nights it has no unit left to sell. Both are read from what the
bookings hold, so they live with the bookings.

The URLs are signed (rooms.calendar_tokens, a salt per kind of feed): a wrong or forged token
answers 404 exactly like an unknown room or type.

The feeds list blocked dates only, as all-day VEVENTs (DTEND is exclusive in iCalendar, as a
stay is here). A room's: each live stay from its first night to its check-out day, and a room
closed for maintenance or out of order as one closure; it reads one partition of the
room-nights table (hash key = room). A type's: each run of consecutive nights on which every
unit is sold (the inventory counters, `sold >= ceiling`); it reads one Query per month of the
inventory. Neither reads the bookings: no guest name, email, phone or booking id, and the UIDs
are one-way hashes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.http import require_GET
from pynamodb.exceptions import DoesNotExist

from hotel.errors import NotFound
from rooms.calendar_tokens import (
    TOKEN_SALT,
    TYPE_TOKEN_SALT,
    room_calendar_token,
    room_type_calendar_token,
)
from rooms.models import HOUSEKEEPING_OUT_OF_ORDER, STATUS_MAINTENANCE, Room, RoomType
from rooms.room_types import MAX_CODE_LENGTH, room_type_get

from .clock import hotel_today
from .inventory import inventory_read, units_left
from .lifecycle import night_is_held
from .models import RoomNight

PAST_DAYS = 30  # recent stays stay in the feed a while (calendars that diff like it)

# (UID, first day, day after the last, summary) of one all-day event.
Event = tuple[str, date, date, str]


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545 line folding: at most 75 octets per line, continuation lines start with a space."""
    raw = line.encode()
    if len(raw) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += encoded
    parts.append(current.decode())
    return "\r\n ".join(parts)


def _uid(salt: str, *parts: object, domain: str) -> str:
    """A stable UID that tells nothing: a one-way hash of what identifies the event."""
    digest = hashlib.sha256(":".join(map(str, (salt, *parts))).encode()).hexdigest()[:32]
    return f"{digest}@{domain}"


def _vcalendar(*, name: str, events: Iterable[Event], now: datetime) -> str:
    """The iCalendar text of a feed of all-day, opaque events."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Serverless hotel//Room availability//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    for uid, start, end, summary in events:
        lines.extend(
            [
                "BEGIN:VEVENT",
                f"UID:{uid}",
                f"DTSTAMP:{stamp}",
                f"DTSTART;VALUE=DATE:{start:%Y%m%d}",
                f"DTEND;VALUE=DATE:{end:%Y%m%d}",
                f"SUMMARY:{_escape(summary)}",
                "TRANSP:OPAQUE",
                "END:VEVENT",
            ]
        )
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def _ics_response(text: str, *, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- per room -----------------------------------------------------------------------------------


def blocked_stays(*, room_id: str, today: date, now: datetime) -> list[tuple[date, date, str]]:
    """(first night, day after the last night, stay key) of every live stay from PAST_DAYS ago."""
    low = (today - timedelta(days=PAST_DAYS)).isoformat()
    high = (today + timedelta(days=settings.HOTEL_BOOKING_HORIZON_DAYS + 60)).isoformat()
    stays: list[list] = []
    for night in RoomNight.query(room_id, range_key_condition=RoomNight.night.between(low, high)):
        if not night_is_held(night, now):
            continue  # an expired hold blocks nothing
        day = date.fromisoformat(night.night)
        if stays and stays[-1][2] == night.bookingId and stays[-1][1] == day:
            stays[-1][1] = day + timedelta(days=1)
        else:
            stays.append([day, day + timedelta(days=1), night.bookingId])
    return [(start, end, key) for start, end, key in stays]


def room_calendar(*, room: Room, now: datetime) -> str:
    """The iCalendar text of one room's blocked dates."""
    today = hotel_today(now)
    events: list[Event] = [
        (_uid(TOKEN_SALT, key, start, domain="hotel-room-calendar"), start, end, "Not available")
        for start, end, key in blocked_stays(room_id=room.roomId, today=today, now=now)
    ]
    if room.status == STATUS_MAINTENANCE or room.housekeeping == HOUSEKEEPING_OUT_OF_ORDER:
        closed_until = today + timedelta(days=settings.HOTEL_BOOKING_HORIZON_DAYS)
        uid = _uid(TOKEN_SALT, "closed", room.roomId, domain="hotel-room-calendar")
        events.append((uid, today, closed_until, "Closed"))
    return _vcalendar(name=f"{settings.HOTEL_NAME} – room {room.roomId}", events=events, now=now)


@require_GET
def room_calendar_view(request, room_id: str, token: str):
    """GET /calendars/rooms/<room_id>/<token>.ics; 404 for an unknown room or a bad token."""
    if len(room_id) > 40 or not constant_time_compare(token, room_calendar_token(room_id)):
        raise Http404("No such calendar.")
    try:
        room = Room.get(room_id)
    except DoesNotExist as exc:
        raise Http404("No such calendar.") from exc
    text = room_calendar(room=room, now=timezone.now())
    return _ics_response(text, filename=f"room-{room.roomId}.ics")


# --- per room type ------------------------------------------------------------------------------


def sold_out_runs(*, room_type: RoomType, today: date) -> list[tuple[date, date]]:
    """(first night, day after the last) of every run of consecutive nights, from PAST_DAYS ago
    to the booking horizon, on which the type has no unit left to sell (a night without a
    counter has sold nothing). One Query per month of the inventory."""
    first = today - timedelta(days=PAST_DAYS)
    last = today + timedelta(days=settings.HOTEL_BOOKING_HORIZON_DAYS)
    counters = inventory_read(first=first, last=last, room_type=room_type.roomType)
    runs: list[list[date]] = []
    for offset in range((last - first).days + 1):
        night = first + timedelta(days=offset)
        if units_left(counters, room_type, [night]):
            continue
        if runs and runs[-1][1] == night:
            runs[-1][1] = night + timedelta(days=1)
        else:
            runs.append([night, night + timedelta(days=1)])
    return [(start, end) for start, end in runs]


def room_type_calendar(*, room_type: RoomType, now: datetime) -> str:
    """The iCalendar text of one room type's sold-out nights."""
    code = room_type.roomType
    events: list[Event] = [
        (
            _uid(TYPE_TOKEN_SALT, code, start, domain="hotel-room-type-calendar"),
            start,
            end,
            "Not available",
        )
        for start, end in sold_out_runs(room_type=room_type, today=hotel_today(now))
    ]
    return _vcalendar(
        name=f"{settings.HOTEL_NAME} – {room_type.name or code}", events=events, now=now
    )


@require_GET
def room_type_calendar_view(request, room_type: str, token: str):
    """GET /calendars/room-types/<room_type>/<token>.ics; 404 for an unknown type or a bad
    token, alike."""
    if len(room_type) > MAX_CODE_LENGTH or not constant_time_compare(
        token, room_type_calendar_token(room_type)
    ):
        raise Http404("No such calendar.")
    try:
        kind = room_type_get(code=room_type)
    except NotFound as exc:
        raise Http404("No such calendar.") from exc
    text = room_type_calendar(room_type=kind, now=timezone.now())
    return _ics_response(text, filename=f"room-type-{kind.roomType}.ics")
