"""Read an OTA's iCal feed into the stays it lists: pure, no database, no clock.

A feed is what Airbnb, Booking.com or VRBO export per listing: one VEVENT per reservation
or closed period, identified by its UID. We keep the UID, the nights (in the hotel's time
zone), whether the channel means a reservation or a closure, and the SUMMARY — never the
DESCRIPTION, where Airbnb writes the reservation's URL and the guest's phone digits: guest
data we have no reason to keep.

A body that is not a calendar at all raises FeedUnreadable (the sync keeps what it holds);
an event we cannot use is skipped with one problem line for staff, and never spoils the
rest of the feed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:
    import icalendar

RESERVATION = "reservation"
CLOSURE = "closure"
CHANNELS = ("airbnb", "booking", "vrbo", "other")  # the channel kinds staff pick

MAX_UID = 255
MAX_SUMMARY = 120
MAX_NIGHTS = 365

# The properties an event is read from: a line for one of them that icalendar could not
# parse (or a line it could not name) makes the whole event unusable.
_READ = frozenset({None, "UID", "DTSTART", "DTEND", "DURATION", "STATUS", "RRULE", "RDATE"})

# Lower-case words by which a channel marks a closed period rather than a guest's stay.
_CLOSURE_MARKERS = {
    "airbnb": ("not available",),  # "Airbnb (Not available)"
    "vrbo": ("blocked",),
    "other": ("not available", "unavailable", "blocked", "closed"),
}


@dataclass(frozen=True)
class FeedEvent:
    uid: str  # trimmed, at most MAX_UID characters
    check_in: date  # first night
    check_out: date  # departure day (exclusive)
    kind: str  # RESERVATION or CLOSURE
    summary: str  # SUMMARY on one line, at most MAX_SUMMARY characters ("" if none)


@dataclass(frozen=True)
class Feed:
    events: tuple[FeedEvent, ...]  # sorted by (check_in, uid), one per UID
    problems: tuple[str, ...]  # one short line per event skipped, and why
    # Who the skipped events are: their UIDs, and how many had none that could be read. A
    # stay whose UID is skipped is still listed (never released); an event without a UID
    # could be any stay, so none is released (bookings.channels.sync).
    skipped_uids: frozenset[str] = frozenset()
    unidentified: int = 0


class FeedUnreadable(Exception):
    """The body is not an iCalendar feed; str(e) is a one-line reason for staff."""


class _Skipped(Exception):
    """One event cannot be used; the message says why (for its problem line)."""


def classify(channel: str, summary: str) -> str:
    """Return RESERVATION or CLOSURE for an event of `channel` with this SUMMARY.

    Raises ValueError for a channel not in CHANNELS."""
    _check_channel(channel)
    if channel == "booking":
        # Booking.com writes every event "CLOSED - Not available", reservations and dates
        # closed by hand alike: its export cannot tell them apart. An unsold night closed
        # on Booking.com is safer taken here than a night sold twice.
        return RESERVATION
    text = " ".join(summary.casefold().split())
    if channel in ("airbnb", "vrbo") and "reserved" in text:
        return RESERVATION
    return CLOSURE if any(m in text for m in _CLOSURE_MARKERS[channel]) else RESERVATION


def read_feed(raw: bytes, *, channel: str, time_zone: str) -> Feed:
    """Read the HTTP body of a channel's iCal feed; dates are taken in `time_zone`.

    Raises FeedUnreadable when the body is not an iCalendar file with a VCALENDAR (empty,
    an HTML page, garbage, cut short), ValueError for an unknown channel or time zone."""
    _check_channel(channel)
    try:
        zone = ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"Unknown time zone {time_zone!r}.") from exc
    events: list[FeedEvent] = []
    problems: list[str] = []
    claimed: set[str] = set()
    skipped: set[str] = set()
    unidentified = 0
    for position, component in enumerate(_vevents(raw), start=1):
        label, uid = f"Event #{position}", None
        try:
            uid = _uid(component)
            label = f'Event "{_short(uid)}"'
            if _text(component, "STATUS").upper() == "CANCELLED":
                continue
            if uid in claimed:
                raise _Skipped("its UID appears more than once; only the first is used")
            claimed.add(uid)
            events.append(_event(component, uid=uid, channel=channel, zone=zone))
        except _Skipped as why:
            problems.append(f"{label}: {why}.")
            if uid is None:
                unidentified += 1
            else:
                skipped.add(uid)
    events.sort(key=lambda e: (e.check_in, e.uid))
    return Feed(tuple(events), tuple(problems), frozenset(skipped), unidentified)


def _check_channel(channel: str) -> None:
    if channel not in CHANNELS:
        raise ValueError(f"Unknown channel {channel!r}; expected one of {', '.join(CHANNELS)}.")


def _vevents(raw: bytes) -> list[icalendar.Component]:
    text = raw.decode("utf-8", errors="replace").removeprefix("\ufeff").lstrip()
    if not text:
        raise FeedUnreadable("The feed is empty")
    if text.startswith("<"):
        raise FeedUnreadable("A web page, not a calendar (does the link need a login?)")
    if text[:6].upper() != "BEGIN:":
        raise FeedUnreadable("Not an iCalendar file")
    import icalendar  # on first use: 60 ms and 70 modules a cold start needs not pay

    try:
        # Bytes, never str: icalendar reads a one-line str naming a file from the disk.
        components = icalendar.Calendar.from_ical(text.encode(), multiple=True)
    except ValueError as exc:
        raise FeedUnreadable("Not a readable iCalendar file") from exc
    calendars = [c for c in components if c.name == "VCALENDAR"]
    if not calendars:
        raise FeedUnreadable("No VCALENDAR in the file (was it cut short?)")
    return [e for c in calendars for e in c.subcomponents if e.name == "VEVENT"]


def _event(component, *, uid: str, channel: str, zone: ZoneInfo) -> FeedEvent:
    broken = sorted({name or "a line" for name, _msg in component.errors if name in _READ})
    if broken:
        raise _Skipped(f"could not read {', '.join(broken)}")
    if "RRULE" in component or "RDATE" in component:
        raise _Skipped("repeating events are not supported")
    check_in, check_out = _nights(component, zone)
    nights = (check_out - check_in).days
    if nights < 0:
        raise _Skipped("ends before it starts")
    if nights == 0:
        raise _Skipped("ends the day it starts (no night)")
    if nights > MAX_NIGHTS:
        raise _Skipped(f"{nights} nights, more than {MAX_NIGHTS}")
    summary = " ".join(_text(component, "SUMMARY", first=True).split())
    return FeedEvent(
        uid=uid,
        check_in=check_in,
        check_out=check_out,
        kind=classify(channel, summary),
        summary=summary[:MAX_SUMMARY],
    )


def _nights(component, zone: ZoneInfo) -> tuple[date, date]:
    start = _when(component, "DTSTART")
    if start is None:
        raise _Skipped("no start date (DTSTART)")
    check_in = _day(start, zone, "DTSTART")
    end = _when(component, "DTEND")
    if end is not None:
        return check_in, _day(end, zone, "DTEND")
    duration = _when(component, "DURATION")
    if duration is not None:
        if not isinstance(duration, timedelta):
            raise _Skipped("could not read DURATION")
        try:
            return check_in, _day(start + duration, zone, "DURATION")
        except OverflowError as exc:
            raise _Skipped("could not read DURATION") from exc
    if isinstance(start, datetime):
        raise _Skipped("no end (DTEND or DURATION)")
    return check_in, check_in + timedelta(days=1)  # RFC 5545: a DATE start lasts one day


def _when(component, name: str):
    """The property's value (date, datetime, timedelta, ...), None when it is absent."""
    prop = component.get(name)
    if prop is None:
        return None
    if isinstance(prop, list):
        raise _Skipped(f"more than one {name}")
    try:
        value = prop.dt
    except (AttributeError, ValueError) as exc:
        raise _Skipped(f"could not read {name}") from exc
    tzid = prop.params.get("TZID")
    if isinstance(value, datetime) and value.tzinfo is None and tzid:
        raise _Skipped(f'unknown time zone "{_short(str(tzid))}" in {name}')
    return value


def _day(value, zone: ZoneInfo, name: str) -> date:
    """The hotel's date of a DATE or DATE-TIME (floating: already the hotel's time)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.date()
        try:
            return value.astimezone(zone).date()
        except (OverflowError, ValueError) as exc:  # a year at the edge of the calendar
            raise _Skipped(f"could not read {name}") from exc
    if isinstance(value, date):
        return value
    raise _Skipped(f"could not read {name}")


def _uid(component) -> str:
    uid = _text(component, "UID").strip()
    if not uid:
        raise _Skipped("no UID")
    if len(uid) > MAX_UID:
        raise _Skipped(f"its UID is longer than {MAX_UID} characters")
    return uid


def _text(component, name: str, *, first: bool = False) -> str:
    prop = component.get(name)
    if isinstance(prop, list):
        if not first:
            raise _Skipped(f"more than one {name}")
        prop = prop[0]
    return "" if prop is None else str(prop)


def _short(text: str, limit: int = 60) -> str:
    """Text for a one-line problem: whitespace collapsed, at most `limit` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
