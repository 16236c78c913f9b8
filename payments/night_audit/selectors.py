"""The night audit's reads: the day's stays (Queries on the bookings' status index, never a
Scan), the day's lines (the folio lines' accountDate index), the rooms the hotel could sell
that night (the inventory counters), the bills' headers (one BatchGet) and the stored days."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from pynamodb.exceptions import DoesNotExist

from bookings.inventory import inventory_read
from bookings.models import CHECKED_IN, CHECKED_OUT, CONFIRMED, NO_SHOW, Booking
from payments.folio.models import STATE_DAY, BusinessDay, FolioLine
from rooms.room_types import room_types_all


@dataclass
class DayStays:
    """The bookings a business day's audit looks at, by what they did that day."""

    day: date
    staying: list[Booking] = field(default_factory=list)  # in house on the night of `day`
    arrivals: list[Booking] = field(default_factory=list)  # arrived (checked in) on `day`
    departures: list[Booking] = field(default_factory=list)  # due out on `day`, in or out
    overdue: list[Booking] = field(default_factory=list)  # in house, due out before `day`
    expected: list[Booking] = field(default_factory=list)  # confirmed, arriving on `day`
    no_shows: list[Booking] = field(default_factory=list)  # no-show, due on `day`

    def to_sync(self) -> list[str]:
        """Every booking whose bill the audit brings up to date, once each, in order."""
        seen: dict[str, None] = {}
        for group in (
            self.staying,
            self.arrivals,
            self.departures,
            self.overdue,
            self.expected,
            self.no_shows,
        ):
            for booking in group:
                seen.setdefault(booking.bookingId, None)
        return list(seen)


def _by_status(status: str, day: date, *, since: date) -> list[Booking]:
    return list(
        Booking.by_status.query(
            status,
            range_key_condition=Booking.checkIn.between(since.isoformat(), day.isoformat()),
        )
    )


def day_stays(*, day: date) -> DayStays:
    """The stays of `day`: four Queries on the status index (checked in, checked out,
    confirmed and no-show, by arrival date within the longest stay)."""
    since = day - timedelta(days=settings.HOTEL_MAX_STAY_NIGHTS)
    iso = day.isoformat()
    stays = DayStays(day=day)
    for status in (CHECKED_IN, CHECKED_OUT):
        for booking in _by_status(status, day, since=since):
            if booking.checkIn <= iso < booking.checkOut:
                stays.staying.append(booking)
            if booking.checkIn == iso:
                stays.arrivals.append(booking)
            if booking.checkOut == iso:
                stays.departures.append(booking)
            elif status == CHECKED_IN and booking.checkOut < iso:
                stays.overdue.append(booking)
    stays.expected = _by_status(CONFIRMED, day, since=day)
    stays.no_shows = _by_status(NO_SHOW, day, since=day)
    return stays


def day_lines(*, day: date) -> list[FolioLine]:
    """Every line that counts in `day`'s books: one Query on the accountDate index."""
    return list(FolioLine.by_account_date.query(day.isoformat()))


def lines_between(*, first: date, last: date) -> Iterable[tuple[date, list[FolioLine]]]:
    """(day, its lines) for each day first..last: one index Query per day."""
    day = first
    while day <= last:
        yield day, sorted(day_lines(day=day), key=lambda line: line.lineKey)
        day += timedelta(days=1)


def rooms_available(*, day: date) -> int:
    """Rooms the hotel could sell on the night of `day`: each type's rooms in service that
    night (its inventory counter: out-of-order rooms are off), or its sellable rooms when no
    counter exists yet. One Query of the inventory and the (cached) room types."""
    counters = inventory_read(first=day, last=day)
    total = 0
    for kind in room_types_all(cached=True):
        item = counters.get((kind.roomType, day))
        total += item.sellable if item is not None else (kind.sellableRooms or 0)
    return max(0, total)


def business_day_get(day: date) -> BusinessDay | None:
    try:
        return BusinessDay.get(day.isoformat(), consistent_read=True)
    except DoesNotExist:
        return None


def business_state() -> BusinessDay | None:
    try:
        return BusinessDay.get(STATE_DAY, consistent_read=True)
    except DoesNotExist:
        return None
