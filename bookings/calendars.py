"""An iCalendar feed per room, for OTA channel calendars (Airbnb, Booking.com, …): the
room's booked nights, so it lives with the bookings.

The URL is signed (rooms.calendar_tokens): a wrong or forged token answers 404 exactly like
an unknown room.

The feed lists blocked dates only: each live stay as one all-day VEVENT from its first
night to its check-out day (DTEND is exclusive in iCalendar, as a stay is here), and a
room closed for maintenance or out of order as one closure. No guest name, email, phone or
booking id: the UID is a one-way hash. Reads one partition of the room-nights table
(hash key = room), never the bookings.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.http import require_GET
from pynamodb.exceptions import DoesNotExist

from rooms.calendar_tokens import TOKEN_SALT, room_calendar_token
from rooms.models import HOUSEKEEPING_OUT_OF_ORDER, STATUS_MAINTENANCE, Room

from .clock import hotel_today
from .lifecycle import night_is_held
from .models import RoomNight

PAST_DAYS = 30  # recent stays stay in the feed a while (calendars that diff like it)


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
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Serverless hotel//Room availability//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(f'{settings.HOTEL_NAME} – room {room.roomId}')}",
    ]

    def event(uid: str, start: date, end: date, summary: str) -> None:
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

    for start, end, key in blocked_stays(room_id=room.roomId, today=today, now=now):
        digest = hashlib.sha256(f"{TOKEN_SALT}:{key}:{start}".encode()).hexdigest()[:32]
        event(f"{digest}@hotel-room-calendar", start, end, "Not available")
    if room.status == STATUS_MAINTENANCE or room.housekeeping == HOUSEKEEPING_OUT_OF_ORDER:
        closed_until = today + timedelta(days=settings.HOTEL_BOOKING_HORIZON_DAYS)
        digest = hashlib.sha256(f"{TOKEN_SALT}:closed:{room.roomId}".encode()).hexdigest()[:32]
        event(f"{digest}@hotel-room-calendar", today, closed_until, "Closed")
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


@require_GET
def room_calendar_view(request, room_id: str, token: str):
    """GET /calendars/rooms/<room_id>/<token>.ics; 404 for an unknown room or a bad token."""
    if len(room_id) > 40 or not constant_time_compare(token, room_calendar_token(room_id)):
        raise Http404("No such calendar.")
    try:
        room = Room.get(room_id)
    except DoesNotExist as exc:
        raise Http404("No such calendar.") from exc
    response = HttpResponse(
        room_calendar(room=room, now=timezone.now()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="room-{room.roomId}.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response
