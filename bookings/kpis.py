"""The back office's key figures as plain data: today at the desk, occupancy ahead, and a
period's revenue, occupancy, ADR and RevPAR (whole period and night by night).

Read from index Queries (arrivals, guests in house) and the daily counters of
bookings.stats, never a Scan of the bookings. The dashboard (hotel.backoffice) only formats
and renders what these return.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from rooms.models import HOUSEKEEPING_DIRTY, HOUSEKEEPING_OUT_OF_ORDER
from rooms.selectors import rooms_all

from . import selectors
from .clock import hotel_today
from .lifecycle import hold_is_live
from .models import PENDING, Booking
from .stats import PeriodFigures, daily_stats, period_figures

MAX_PERIOD_DAYS = 366  # the longest period the back office reports on
OCCUPANCY_DAYS = 30  # the occupancy outlook, from today


@dataclass(frozen=True)
class DeskToday:
    """Today at the front desk."""

    arrivals: list[Booking]  # confirmed, arriving today
    held_arrivals: list[
        Booking
    ]  # arriving today on a live hold (an expired one awaits the sweeper)
    departures: list[Booking]  # in house and due out today (or overdue)
    staying: list[Booking]  # in house and staying tonight
    checked_in: int  # check-ins made today
    checked_out: int  # check-outs made today
    occupied_tonight: int
    dirty_rooms: int
    out_of_order_rooms: int


@dataclass(frozen=True)
class OccupancyDay:
    day: date
    sold: int
    fraction: float  # rooms sold / rooms (0 without rooms)


@dataclass(frozen=True)
class NightFigures:
    """One night of a period, from its daily counters."""

    day: date
    rooms_sold: int
    revenue: int  # room revenue before tax, minor units
    adr: int | None
    bookings_made: int
    cancellations: int


@dataclass(frozen=True)
class DashboardKpis:
    today: date
    room_count: int
    occupancy: list[OccupancyDay]  # the next OCCUPANCY_DAYS days
    peak: OccupancyDay | None  # the fullest of them
    desk: DeskToday | None  # when asked for
    period: PeriodFigures | None  # when asked for
    nights: list[NightFigures]  # the period night by night, when asked for


def dashboard_kpis(
    *, now: datetime, start: date, end: date, desk: bool, period: bool
) -> DashboardKpis:
    """The dashboard's figures: occupancy ahead always; today's desk and the period [start,
    end) only when asked (the viewer may see them)."""
    today = hotel_today(now)
    rooms = rooms_all()
    room_count = len(rooms)
    counters = _counters(today=today, start=start, end=end)
    occupancy = occupancy_ahead(today=today, room_count=room_count, counters=counters)
    nights: list[NightFigures] = []
    if period:
        nights = [
            night_figures(day=start + timedelta(days=i), room_count=room_count, counters=counters)
            for i in range((end - start).days)
        ]
    return DashboardKpis(
        today=today,
        room_count=room_count,
        occupancy=occupancy,
        peak=max(occupancy, key=lambda row: row.fraction) if occupancy else None,
        desk=desk_today(now=now, today=today, rooms=rooms, counters=counters) if desk else None,
        period=period_figures(start=start, end=end, rooms=room_count, days=counters)
        if period
        else None,
        nights=nights,
    )


def _counters(*, today: date, start: date, end: date) -> dict[date, dict[str, int]]:
    """The daily counters of the occupancy outlook and of the period: one read when they are
    close, two when they are far apart."""
    horizon_end = today + timedelta(days=OCCUPANCY_DAYS)
    low, high = min(today, start), max(horizon_end, end)
    if (high - low).days <= MAX_PERIOD_DAYS + OCCUPANCY_DAYS + 31:
        return daily_stats(start=low, end=high)
    return {
        **daily_stats(start=today, end=horizon_end),
        **daily_stats(start=start, end=end),
    }


def desk_today(*, now: datetime, today: date, rooms, counters) -> DeskToday:
    """Arrivals, holds, departures and guests in house today (index Queries)."""
    in_house = selectors.in_house()
    staying = [b for b in in_house if b.checkOut > today.isoformat()]
    arrivals = selectors.arrivals_on(day=today)
    held = [b for b in selectors.arrivals_on(day=today, status=PENDING) if hold_is_live(b, now)]
    done_today = counters.get(today, {})
    return DeskToday(
        arrivals=sorted(arrivals, key=lambda b: (b.roomId or "", b.bookingId)),
        held_arrivals=sorted(held, key=lambda b: (b.roomId or "", b.bookingId)),
        departures=[b for b in in_house if b.checkOut <= today.isoformat()],
        staying=staying,
        checked_in=done_today.get("checkIns", 0),
        checked_out=done_today.get("checkOuts", 0),
        occupied_tonight=len(staying) + len(arrivals),
        dirty_rooms=sum(1 for r in rooms if r.housekeeping == HOUSEKEEPING_DIRTY),
        out_of_order_rooms=sum(1 for r in rooms if r.housekeeping == HOUSEKEEPING_OUT_OF_ORDER),
    )


def occupancy_ahead(*, today: date, room_count: int, counters) -> list[OccupancyDay]:
    """Rooms sold for each of the next OCCUPANCY_DAYS days, and the share of the hotel."""
    rows = []
    for offset in range(OCCUPANCY_DAYS):
        day = today + timedelta(days=offset)
        sold = counters.get(day, {}).get("roomsSold", 0)
        rows.append(
            OccupancyDay(day=day, sold=sold, fraction=sold / room_count if room_count else 0)
        )
    return rows


def night_figures(*, day: date, room_count: int, counters) -> NightFigures:
    """One night's sales, revenue and ADR."""
    c = counters.get(day, {})
    return NightFigures(
        day=day,
        rooms_sold=c.get("roomsSold", 0),
        revenue=c.get("roomRevenue", 0),
        adr=period_figures(
            start=day, end=day + timedelta(days=1), rooms=room_count, days={day: c}
        ).adr,
        bookings_made=c.get("bookingsMade", 0),
        cancellations=c.get("cancellations", 0),
    )
