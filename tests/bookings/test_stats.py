"""Daily counters and the figures built on them, checked against hand-computed values."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from bookings import services, stats
from bookings.models import Booking, BookingStatsLedger, DailyStat
from tests.conftest import NOW

from .conftest import day

MARCH = (date(2026, 3, 1), date(2026, 4, 1))  # 31 days


@pytest.fixture
def hotel(make_room, settings):
    """Four rooms; tax 10 % (room revenue is counted before tax)."""
    settings.HOTEL_TAX_PERCENT = "10"
    for room_id, price in (("R-1", 10000), ("R-2", 20000), ("R-3", 10000), ("R-4", 15000)):
        make_room(roomId=room_id, capacity=2, pricePerNight=price)


def move(booking_id, *steps, now=NOW):
    for step in steps:
        services.booking_transition(booking_id=booking_id, to_status=step, actor="t", now=now)


def book(room_id, check_in, check_out, now=NOW):
    return services.booking_create(
        room_id=room_id,
        check_in=check_in,
        check_out=check_out,
        guests=1,
        guest_name="Ada Guest",
        guest_email="ada@guest.test",
        actor="t",
        now=now,
    ).booking


@pytest.fixture
def march(hotel):
    """The hand-computed month (NOW is 2 March):

    A  R-1  9-12 Mar   confirmed, checked in, checked out   3 nights x 10,000 = 30,000
    B  R-2  30 Mar-2 Apr confirmed (crosses the month end)  2 March nights x 20,000 = 40,000
    C  R-1  20-22 Mar  confirmed, then cancelled             nothing; 1 cancellation on 2 Mar
    D  R-3  15-17 Mar  confirmed, no-show                    nothing; 1 no-show on 15 Mar
    E  R-3  9-11 Mar   confirmed, moved to R-4 10-13 Mar     3 nights x 15,000 = 45,000
    F  R-2  9-10 Mar   pending hold                          nothing
    March: 8 rooms sold, 115,000 revenue, 4 x 31 = 124 rooms available.
    """
    a = book("R-1", day(0), day(3))
    move(a.bookingId, "confirmed", "checked-in", "checked-out")
    b = book("R-2", date(2026, 3, 30), date(2026, 4, 2))
    move(b.bookingId, "confirmed")
    c = book("R-1", date(2026, 3, 20), date(2026, 3, 22))
    move(c.bookingId, "confirmed", "cancelled")
    d = book("R-3", date(2026, 3, 15), date(2026, 3, 17))
    move(d.bookingId, "confirmed", "no-show")
    e = book("R-3", day(0), day(2))
    move(e.bookingId, "confirmed")
    services.booking_change(
        booking_id=e.bookingId,
        room_id="R-4",
        check_in=day(1),
        check_out=day(4),
        actor="t",
        now=NOW,
    )
    f = book("R-2", day(0), day(1))
    return {"A": a, "B": b, "C": c, "D": d, "E": e, "F": f}


def test_period_figures_match_the_hand_computed_month(march):
    figures = stats.period_figures(start=MARCH[0], end=MARCH[1], rooms=4)

    assert figures.rooms_available == 124
    assert figures.rooms_sold == 8
    assert figures.revenue == 115_000
    assert figures.occupancy == Decimal(8) / Decimal(124)
    assert figures.adr == 14_375  # 115,000 / 8
    assert figures.revpar == 927  # 115,000 / 124 = 927.4
    assert figures.bookings_made == 4  # A, B, D (a no-show was made), E
    assert figures.cancellations == 1
    assert figures.no_shows == 1


def test_a_stay_across_the_period_boundary_counts_each_night_in_its_own_period(march):
    april = stats.period_figures(start=date(2026, 4, 1), end=date(2026, 5, 1), rooms=4)

    assert (april.rooms_sold, april.revenue) == (1, 20_000)
    assert april.bookings_made == 0


def test_daily_counters_place_each_event_on_its_day(march):
    days = stats.daily_stats(start=MARCH[0], end=MARCH[1])

    assert days[date(2026, 3, 9)]["roomsSold"] == 1  # A only: E moved to the 10th
    assert days[date(2026, 3, 10)]["roomsSold"] == 2  # A and E
    assert days[date(2026, 3, 10)]["roomRevenue"] == 25_000
    assert days[date(2026, 3, 9)]["arrivals"] == 1
    assert days[date(2026, 3, 13)]["departures"] == 1  # E
    assert days[date(2026, 3, 12)]["departures"] == 1  # A
    assert days[date(2026, 3, 2)]["bookingsMade"] == 4
    assert days[date(2026, 3, 2)]["cancellations"] == 1
    assert (days[date(2026, 3, 2)]["checkIns"], days[date(2026, 3, 2)]["checkOuts"]) == (1, 1)
    assert days[date(2026, 3, 15)] == {**dict.fromkeys(days[date(2026, 3, 15)], 0), "noShows": 1}
    assert days[date(2026, 3, 20)]["roomsSold"] == 0  # C was cancelled


def test_projecting_again_changes_nothing(march):
    before = list(DailyStat.scan())

    for booking in Booking.scan():
        assert stats.booking_stats_project(booking_id=booking.bookingId, now=NOW) is False
    stats.stats_catch_up(now=NOW + timedelta(minutes=1), minutes=600)

    after = list(DailyStat.scan())
    assert sorted(str(i.attribute_values) for i in after) == sorted(
        str(i.attribute_values) for i in before
    )


def test_a_failed_projection_is_caught_up_later_exactly_once(hotel, monkeypatch):
    real = stats.booking_stats_project

    def down(**kwargs):
        raise RuntimeError("DynamoDB is down")

    monkeypatch.setattr(stats, "booking_stats_project", down)
    booking = book("R-1", day(0), day(2))
    move(booking.bookingId, "confirmed")  # written; its projection failed and was logged
    monkeypatch.setattr(stats, "booking_stats_project", real)
    assert stats.period_figures(start=MARCH[0], end=MARCH[1], rooms=4).rooms_sold == 0

    assert stats.stats_catch_up(now=NOW + timedelta(minutes=5)) == 1
    assert stats.stats_catch_up(now=NOW + timedelta(minutes=6)) == 0

    figures = stats.period_figures(start=MARCH[0], end=MARCH[1], rooms=4)
    assert (figures.rooms_sold, figures.revenue) == (2, 20_000)
    ledger = BookingStatsLedger.get(booking.bookingId)
    assert ledger.appliedVersion == Booking.get(booking.bookingId).version


def test_a_run_on_a_stale_ledger_read_adds_nothing_twice(hotel, monkeypatch):
    booking = book("R-1", day(0), day(2))
    move(booking.bookingId, "confirmed")  # projected: the ledger holds version 2
    stale = BookingStatsLedger(
        bookingId=booking.bookingId, appliedVersion=1, applied={}, updatedAt=NOW
    )
    real_get = BookingStatsLedger.get
    reads = []

    def get(key, **kwargs):
        reads.append(key)
        return stale if len(reads) == 1 else real_get(key, **kwargs)

    monkeypatch.setattr(BookingStatsLedger, "get", get)
    Booking.get(booking.bookingId).update(actions=[Booking.notes.set("a later edit")])

    wrote = stats.booking_stats_project(booking_id=booking.bookingId, now=NOW)

    assert wrote is False and len(reads) == 2  # the condition failed, the re-read found it done
    figures = stats.period_figures(start=MARCH[0], end=MARCH[1], rooms=4)
    assert (figures.rooms_sold, figures.revenue) == (2, 20_000)


def test_contribution_is_a_pure_function_of_the_state():
    booking = Booking(
        bookingId="BK-1",
        roomId="R-1",
        checkIn="2026-03-09",
        checkOut="2026-03-11",
        status="confirmed",
        nightly=[{"date": "2026-03-09", "amount": 100}, {"date": "2026-03-10", "amount": 120}],
        createdAt=NOW,
        updatedAt=NOW,
    )
    sold = stats.booking_contribution(booking)
    assert sold == {
        "2026-03-02": {"bookingsMade": 1},
        "2026-03-09": {"arrivals": 1, "roomRevenue": 100, "roomsSold": 1},
        "2026-03-10": {"roomRevenue": 120, "roomsSold": 1},
        "2026-03-11": {"departures": 1},
    }
    booking.status = "cancelled"
    booking.cancelledAt = NOW + timedelta(days=3)
    cancelled = stats.booking_contribution(booking)
    assert cancelled == {"2026-03-05": {"cancellations": 1}}
    assert stats.contribution_delta(sold, cancelled) == {
        "2026-03-02": {"bookingsMade": -1},
        "2026-03-05": {"cancellations": 1},
        "2026-03-09": {"arrivals": -1, "roomRevenue": -100, "roomsSold": -1},
        "2026-03-10": {"roomRevenue": -120, "roomsSold": -1},
        "2026-03-11": {"departures": -1},
    }
    booking.status = "pending"
    assert stats.booking_contribution(booking) == {}


def test_the_command_and_the_stream_handler_project_missed_bookings(hotel, monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    monkeypatch.setattr(stats, "booking_stats_project_safely", lambda **kw: None)
    first = book("R-1", day(0), day(2))
    move(first.bookingId, "confirmed")
    second = book("R-2", day(0), day(1))
    move(second.bookingId, "confirmed")
    assert stats.period_figures(start=MARCH[0], end=MARCH[1], rooms=4).rooms_sold == 0

    record = {"eventName": "MODIFY", "dynamodb": {"Keys": {"bookingId": {"S": first.bookingId}}}}
    assert stats.handle_stream({"Records": [record, {"eventName": "REMOVE"}]}) == 1
    out = StringIO()
    call_command("project_stats", "--all", stdout=out)

    assert "1 booking(s) projected" in out.getvalue()
    figures = stats.period_figures(start=MARCH[0], end=MARCH[1], rooms=4)
    assert (figures.rooms_sold, figures.revenue) == (3, 40_000)
    out = StringIO()
    call_command("project_stats", "--minutes", "60", stdout=out)
    assert "0 projected" in out.getvalue()
