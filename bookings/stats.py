"""Back-office counters: per-day figures kept as bookings change, never computed by a Scan.

A booking's contribution to the daily counters is a pure function of its state
(`booking_contribution`). The projector (`booking_stats_project`) keeps, per booking, the
contribution it has already applied (a `BookingStatsLedger` item) and adds
`contribution(now) - contribution(applied)` to the `DailyStat` items with ADD updates, in
one transaction together with the new ledger, conditional on the ledger it read. A retry,
a second run or a run on an older read therefore changes nothing: exactly once.

The services run it right after every booking write (in-process; a failure is logged and
never undoes the booking). `stats_catch_up` re-runs it for every booking the audit log
says changed recently (`manage.py expire_holds`, on a schedule, calls it); in the cloud the
same function can be fed from the bookings table's DynamoDB stream (`handle_stream`).

Revenue recognition (see README, "Back office"):
- a booking counts once it is sold: confirmed, checked in or checked out. Pending holds
  and expired holds count nowhere; check-ins and check-outs count on the day they happened;
- each sold night adds 1 room sold and its nightly room price (before tax, from the
  booking's own price breakdown) on that night's date; the arrival and departure days
  count one arrival / departure; the day the booking was made counts one booking made;
- a change of dates or room moves the nights (and their prices) with it;
- a cancellation removes everything the booking added and counts one cancellation on the
  day it was cancelled; a no-show removes its nights and revenue (the room was released
  for sale again) and counts one no-show on its arrival day; it stays a booking made.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from pynamodb.exceptions import DoesNotExist

from hotel.audit.models import AuditEntry
from hotel.dynamo import commit

from .clock import hotel_today
from .models import (
    CANCELLED,
    CHECKED_IN,
    CHECKED_OUT,
    CONFIRMED,
    NO_SHOW,
    STAT_COUNTERS,
    Booking,
    BookingStatsLedger,
    DailyStat,
)

logger = logging.getLogger(__name__)

SOLD_STATUSES = frozenset({CONFIRMED, CHECKED_IN, CHECKED_OUT})
# DynamoDB takes 100 items per transaction: the ledger plus at most 99 days. A booking's
# change touches at most 45 old + 45 new nights, 2 departure days, the booking day and the
# cancellation, check-in and check-out days (HOTEL_MAX_STAY_NIGHTS <= 45): 96.
MAX_DAYS_PER_PROJECTION = 99

Contribution = dict[str, dict[str, int]]


# --- the pure part ---------------------------------------------------------------------------


def booking_contribution(booking: Booking) -> Contribution:
    """What this booking adds to each day's counters in its current state (see module doc)."""
    days: dict[str, Counter] = defaultdict(Counter)
    if booking.status in SOLD_STATUSES:
        for line in booking.nightly or []:
            days[line["date"]]["roomsSold"] += 1
            days[line["date"]]["roomRevenue"] += int(line.get("amount", 0))
        days[booking.checkIn]["arrivals"] += 1
        days[booking.checkOut]["departures"] += 1
        days[hotel_today(booking.createdAt).isoformat()]["bookingsMade"] += 1
        if booking.status in (CHECKED_IN, CHECKED_OUT):
            when = booking.checkedInAt or booking.updatedAt
            days[hotel_today(when).isoformat()]["checkIns"] += 1
        if booking.status == CHECKED_OUT:
            when = booking.checkedOutAt or booking.updatedAt
            days[hotel_today(when).isoformat()]["checkOuts"] += 1
    elif booking.status == NO_SHOW:
        days[booking.checkIn]["noShows"] += 1
        days[hotel_today(booking.createdAt).isoformat()]["bookingsMade"] += 1
    elif booking.status == CANCELLED:
        when = booking.cancelledAt or booking.updatedAt
        days[hotel_today(when).isoformat()]["cancellations"] += 1
    return _clean(days)


def contribution_delta(old: Contribution, new: Contribution) -> Contribution:
    """new - old, day by day and counter by counter, without zeros."""
    delta: dict[str, Counter] = defaultdict(Counter)
    for day, counters in new.items():
        delta[day].update(counters)
    for day, counters in old.items():
        delta[day].subtract(counters)
    return _clean(delta)


def _clean(days: dict[str, Counter]) -> Contribution:
    return {
        day: {name: int(value) for name, value in sorted(counters.items()) if value}
        for day, counters in sorted(days.items())
        if any(counters.values())
    }


# --- the projector ---------------------------------------------------------------------------


def booking_stats_project(*, booking_id: str, now: datetime) -> bool:
    """Bring the daily counters up to date with one booking. Returns True if it wrote.

    Exactly once: the counters and the booking's ledger change in one transaction that is
    conditional on the ledger that was read; a concurrent or repeated run re-reads and
    finds nothing left to do. Raises TransactWriteError / PynamoDB errors (DynamoDB down).
    """
    for _attempt in range(5):
        try:
            ledger = BookingStatsLedger.get(booking_id, consistent_read=True)
        except DoesNotExist:
            ledger = None
        try:
            booking = Booking.get(booking_id, consistent_read=True)
        except DoesNotExist:
            return False
        if ledger is not None and ledger.appliedVersion >= booking.version:
            return False  # Already applied (or a newer state already was).
        new = booking_contribution(booking)
        old = (ledger.applied or {}) if ledger is not None else {}
        delta = contribution_delta(old, new)
        if not delta:
            return False  # Nothing to add; the ledger still describes the counters.
        if len(delta) > MAX_DAYS_PER_PROJECTION:
            raise ValueError(f"{booking_id}: {len(delta)} days exceed one transaction")
        record = BookingStatsLedger(
            bookingId=booking_id, appliedVersion=booking.version, applied=new, updatedAt=now
        )
        condition = (
            BookingStatsLedger.bookingId.does_not_exist()
            if ledger is None
            else BookingStatsLedger.appliedVersion == ledger.appliedVersion
        )

        def build(tx, delta=delta, record=record, condition=condition):
            for day, counters in delta.items():
                tx.update(
                    DailyStat(month=day[:7], date=day),
                    actions=[
                        getattr(DailyStat, name).add(value) for name, value in counters.items()
                    ],
                )
            tx.save(record, condition=condition)

        if not commit(build):
            continue  # Another run moved the ledger: re-read.
        return True
    return False


def booking_stats_project_safely(*, booking_id: str, now: datetime) -> None:
    """Run the projector after a booking write; a failure is logged, never raised.

    `stats_catch_up` (scheduled) retries whatever failed here.
    """
    try:
        booking_stats_project(booking_id=booking_id, now=now)
    except Exception:
        logger.exception(
            "stats projection of %s failed; the scheduled catch-up retries", booking_id
        )


def stats_catch_up(*, now: datetime, minutes: int = 180, log=None) -> int:
    """Project every booking the audit log shows as changed in the last `minutes`.

    The audit entry is written in the same transaction as every booking change, so the
    log is a complete change feed; projecting an up-to-date booking costs two reads and
    writes nothing. Returns how many bookings needed a write.
    """
    since = (now - timedelta(minutes=minutes)).astimezone(UTC)
    first = since.strftime("%Y-%m-%dT%H:%M:%S")
    booking_ids: set[str] = set()
    day = since.date()
    while day <= now.astimezone(UTC).date():
        for entry in AuditEntry.by_day.query(
            day.isoformat(),
            range_key_condition=AuditEntry.entryId >= first,
            filter_condition=AuditEntry.objectType == "bookings.booking",
        ):
            booking_ids.add(entry.objectId)
        day += timedelta(days=1)
    written = 0
    for booking_id in sorted(booking_ids):
        try:
            written += booking_stats_project(booking_id=booking_id, now=now)
        except Exception:
            logger.exception("stats projection of %s failed again", booking_id)
    if log:
        log(f"stats: {len(booking_ids)} recently changed booking(s), {written} projected")
    return written


def stats_project_all(*, now: datetime, log=None) -> int:
    """Project every booking (a Scan: for recovery after an outage, never for pages)."""
    written = 0
    for booking in Booking.scan(attributes_to_get=["bookingId"]):
        written += booking_stats_project(booking_id=booking.bookingId, now=now)
    if log:
        log(f"stats: {written} booking(s) projected")
    return written


def handle_stream(event: dict, context=None) -> int:
    """A DynamoDB stream handler for the bookings table (the cloud's alternative trigger)."""
    now = datetime.now(UTC)
    ids = {
        record["dynamodb"]["Keys"]["bookingId"]["S"]
        for record in event.get("Records", [])
        if record.get("eventName") in ("INSERT", "MODIFY")
    }
    return sum(booking_stats_project(booking_id=i, now=now) for i in sorted(ids))


# --- reads -----------------------------------------------------------------------------------


def _months(start: date, end: date) -> Iterable[str]:
    month = date(start.year, start.month, 1)
    while month < end:
        yield month.strftime("%Y-%m")
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)


def daily_stats(*, start: date, end: date) -> dict[date, dict[str, int]]:
    """Every day in [start, end) with its counters (zeros where nothing happened).

    One Query per calendar month of the `daily-stats` table: its cost depends on the
    length of the period, not on the number of bookings.
    """
    days = {
        start + timedelta(days=i): dict.fromkeys(STAT_COUNTERS, 0)
        for i in range((end - start).days)
    }
    if not days:
        return days
    last = (end - timedelta(days=1)).isoformat()
    for month in _months(start, end):
        for item in DailyStat.query(
            month, range_key_condition=DailyStat.date.between(start.isoformat(), last)
        ):
            counters = days[date.fromisoformat(item.date)]
            for name in STAT_COUNTERS:
                counters[name] = int(getattr(item, name, 0) or 0)
    return days


@dataclass(frozen=True)
class PeriodFigures:
    """Occupancy, ADR and RevPAR of a period [start, end)."""

    start: date
    end: date
    rooms: int  # rooms in the hotel
    rooms_available: int  # rooms x days
    rooms_sold: int
    revenue: int  # room revenue before tax, minor units
    bookings_made: int
    cancellations: int
    no_shows: int

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def occupancy(self) -> Decimal:
        """Rooms sold / rooms available, as a fraction (0 when there are no rooms)."""
        if not self.rooms_available:
            return Decimal(0)
        return Decimal(self.rooms_sold) / Decimal(self.rooms_available)

    @property
    def adr(self) -> int | None:
        """Average daily rate: revenue / rooms sold (None when nothing was sold)."""
        return _divide(self.revenue, self.rooms_sold) if self.rooms_sold else None

    @property
    def revpar(self) -> int:
        """Revenue per available room: revenue / rooms available."""
        return _divide(self.revenue, self.rooms_available) if self.rooms_available else 0


def _divide(amount: int, by: int) -> int:
    """Integer minor units, rounded half up (money is never a float)."""
    return int((Decimal(amount) / Decimal(by)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def period_figures(
    *, start: date, end: date, rooms: int, days: dict[date, dict[str, int]] | None = None
) -> PeriodFigures:
    """The figures of [start, end) for a hotel of `rooms` rooms (from `daily_stats`)."""
    days = daily_stats(start=start, end=end) if days is None else days
    total = Counter()
    for day, counters in days.items():
        if start <= day < end:
            total.update(counters)
    return PeriodFigures(
        start=start,
        end=end,
        rooms=rooms,
        rooms_available=rooms * (end - start).days,
        rooms_sold=total["roomsSold"],
        revenue=total["roomRevenue"],
        bookings_made=total["bookingsMade"],
        cancellations=total["cancellations"],
        no_shows=total["noShows"],
    )
