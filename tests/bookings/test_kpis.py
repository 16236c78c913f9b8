"""bookings.kpis on a small hotel whose figures are worked out by hand: the desk's day,
occupancy ahead, and a period's occupancy, ADR and RevPAR (room revenue before tax).

Real clock: "today" at the desk and the pending holds' TTL follow it (see tests/conftest.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from bookings.clock import hotel_today
from bookings.kpis import OCCUPANCY_DAYS, dashboard_kpis
from rooms.services import room_set_housekeeping
from tests.factories import booking_made

T = datetime.now(UTC)
TODAY = hotel_today(T)


def day(n: int):
    return TODAY + timedelta(days=n)


def book(room_id, start, nights, *, to=()):
    return booking_made(
        room_id=room_id, check_in=day(start), check_out=day(start + nights), now=T, to=to
    )


@pytest.fixture
def hotel(make_room, settings):
    """Four rooms; tax 10 % (never part of room revenue)."""
    settings.HOTEL_TAX_PERCENT = "10"
    for room_id, price in (("R-1", 10000), ("R-2", 20000), ("R-3", 10000), ("R-4", 10000)):
        make_room(roomId=room_id, pricePerNight=price)


def kpis(**kw):
    args = {"now": T, "start": day(1), "end": day(3), "desk": True, "period": True}
    return dashboard_kpis(**{**args, **kw})


def test_period_occupancy_adr_and_revpar_on_known_bookings(hotel):
    """Nights 1 and 2: R-1 both (2 x 10,000), R-2 night 1 (20,000); R-3 is only held and
    R-4's booking was cancelled, so neither counts. 3 sold of 4 x 2 = 8 available."""
    book("R-1", 1, 2, to=["confirmed"])
    book("R-2", 1, 1, to=["confirmed"])
    book("R-3", 1, 2)
    book("R-4", 1, 2, to=["confirmed", "cancelled"])

    period = kpis().period

    assert (period.rooms_available, period.rooms_sold, period.revenue) == (8, 3, 40000)
    assert period.occupancy == Decimal(3) / Decimal(8)
    assert period.adr == 13333  # 40,000 / 3, half up
    assert period.revpar == 5000  # 40,000 / 8
    today = kpis(start=day(0), end=day(1)).period  # made and cancelled today
    assert (today.rooms_sold, today.bookings_made, today.cancellations) == (0, 2, 1)


def test_night_by_night_figures_add_up_to_the_period(hotel):
    book("R-1", 1, 2, to=["confirmed"])
    book("R-2", 1, 1, to=["confirmed"])

    figures = kpis()

    assert [(n.day, n.rooms_sold, n.revenue, n.adr) for n in figures.nights] == [
        (day(1), 2, 30000, 15000),
        (day(2), 1, 10000, 10000),
    ]
    assert sum(n.revenue for n in figures.nights) == figures.period.revenue


def test_occupancy_ahead_covers_the_coming_days_and_finds_the_peak(hotel):
    book("R-1", 1, 2, to=["confirmed"])
    book("R-2", 1, 1, to=["confirmed"])

    figures = kpis(desk=False, period=False)

    assert figures.room_count == 4
    assert len(figures.occupancy) == OCCUPANCY_DAYS and figures.occupancy[0].day == TODAY
    assert [(row.sold, row.fraction) for row in figures.occupancy[:3]] == [
        (0, 0),
        (2, 0.5),
        (1, 0.25),
    ]
    assert (figures.peak.day, figures.peak.fraction) == (day(1), 0.5)
    assert figures.desk is None and figures.period is None and figures.nights == []


def test_desk_today_counts_arrivals_holds_guests_in_house_and_rooms_to_clean(hotel):
    arriving = book("R-1", 0, 2, to=["confirmed"])
    held = book("R-2", 0, 1)
    staying = book("R-3", 0, 3, to=["confirmed", "checked-in"])
    book("R-4", 1, 1, to=["confirmed"])  # arrives tomorrow
    room_set_housekeeping(room_id="R-4", state="dirty", actor="t", now=T)

    desk = kpis().desk

    assert [b.bookingId for b in desk.arrivals] == [arriving.bookingId]
    assert [b.bookingId for b in desk.held_arrivals] == [held.bookingId]
    assert [b.bookingId for b in desk.staying] == [staying.bookingId]
    assert desk.departures == []
    assert (desk.checked_in, desk.checked_out, desk.occupied_tonight) == (1, 0, 2)
    assert (desk.dirty_rooms, desk.out_of_order_rooms) == (1, 0)


def test_a_hold_that_ran_out_is_no_arrival_at_the_desk(hotel):
    book("R-2", 0, 1)

    desk = kpis(now=T + timedelta(hours=49)).desk

    assert desk.held_arrivals == []
