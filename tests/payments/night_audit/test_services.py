"""The night audit against DynamoDB Local: the report's figures by hand, twice = once, the
no-show and its fee, closed days refused, a posting racing the close, catch-up of several
days, and what an audit costs in capacity units."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from bench.capacity import CapacityMeter
from bookings.models import Booking
from payments.folio.business_day import DayClosed, last_closed_day
from payments.folio.desk import folio_charge
from payments.folio.models import BusinessDay, FolioLine
from payments.night_audit import selectors
from payments.night_audit.services import (
    AuditDayNotOver,
    DayNotAudited,
    day_report,
    night_audit_run,
)

from .conftest import DESK, NIGHT, at


def run(hotel_day, day=None, now=None):
    return night_audit_run(
        day=day or hotel_day.day, actor="manager@staff.test", now=now or hotel_day.audit_now
    )


def all_lines() -> list[FolioLine]:
    return sorted(FolioLine.scan(), key=lambda line: line.lineKey)  # tests only


def test_the_report_matches_the_figures_worked_out_by_hand(hotel_day):
    result = run(hotel_day)

    report = result.report
    assert result.closed == [hotel_day.day] and last_closed_day() == hotel_day.day
    assert report["date"] == hotel_day.day.isoformat()
    # A and B sleep on the night of D; C's night was reversed (no-show), E left on D.
    assert report["roomsSold"] == 2
    assert report["roomsAvailable"] == 4
    assert report["occupancy"] == "50.00"
    assert report["roomRevenue"] == 2 * 5000
    assert report["adr"] == 5000
    assert report["revpar"] == 2500
    rows = {(r["category"], r["taxRate"]): r for r in report["revenue"]}
    assert rows[("room", "12")] == {
        "category": "room",
        "taxRate": "12",
        "gross": 2 * NIGHT,
        "tax": 1200,
        "net": 10000,
        "lines": 4,  # A, B, C and C's reversal
    }
    assert rows[("minibar", "12")]["gross"] == 1000
    assert rows[("minibar", "12")]["tax"] == 107  # 1000 × 12 / 112, half up
    assert rows[("no_show", "12")]["gross"] == NIGHT  # 100 % of C's one night
    assert report["revenueTotal"] == {
        "gross": 2 * NIGHT + 1000 + NIGHT,
        "tax": 1200 + 107 + 600,
        "net": 10000 + 893 + 5000,
    }
    assert report["payments"] == [
        {"method": "cash", "amount": 2 * NIGHT},
        {"method": "terminal", "amount": 3000},
    ]
    assert report["paymentsTotal"] == 2 * NIGHT + 3000
    assert report["refundsTotal"] == 0
    assert (report["arrivals"], report["departures"], report["noShows"], report["inHouse"]) == (
        1,
        1,
        1,
        2,
    )
    # A owes 2 nights − 3000; B owes 2 nights + the minibar.
    assert report["guestBalances"] == {
        "total": (2 * NIGHT - 3000) + (2 * NIGHT + 1000),
        "guests": 2,
        "owing": 2,
    }
    assert report["noShowFees"] == [
        {"bookingId": hotel_day.c.bookingId, "terms": "prepay", "fee": NIGHT, "balance": NIGHT}
    ]
    assert report["lineCount"] == len(selectors.day_lines(day=hotel_day.day))
    assert report["closedBy"] == "manager@staff.test"


def test_the_audit_twice_is_the_audit_once(hotel_day):
    first = run(hotel_day).report
    lines = all_lines()
    audit_entries = BusinessDay.get(hotel_day.day.isoformat())

    again = run(hotel_day, now=hotel_day.audit_now + timedelta(hours=5))

    assert again.closed == [] and again.report == first
    assert [x.lineKey for x in all_lines()] == [x.lineKey for x in lines]
    assert BusinessDay.get(hotel_day.day.isoformat()).closedAt == audit_entries.closedAt
    assert Booking.get(hotel_day.c.bookingId).status == "no-show"


def test_the_no_show_gets_its_fee_and_releases_its_night(hotel_day):
    run(hotel_day)

    c = Booking.get(hotel_day.c.bookingId, consistent_read=True)
    assert c.status == "no-show"
    lines = list(FolioLine.query(c.bookingId))
    fee = [x for x in lines if x.category == "no_show"]
    assert [(x.amount, x.accountDate) for x in fee] == [(NIGHT, hotel_day.day.isoformat())]
    assert sum(x.effect for x in lines) == NIGHT  # the night reversed, the fee owed
    assert "no_show_fee" in [f["flag"] for f in c.flags or []]  # the desk's notice


def test_a_guest_checked_in_is_never_made_a_no_show(hotel_day):
    run(hotel_day)

    assert Booking.get(hotel_day.b.bookingId).status == "checked-in"


def test_a_posting_to_a_closed_day_is_refused_and_an_undated_one_goes_to_the_open_day(hotel_day):
    run(hotel_day)
    later = hotel_day.audit_now + timedelta(hours=1)

    with pytest.raises(DayClosed):
        folio_charge(
            booking_id=hotel_day.a.bookingId,
            description="Late bar bill",
            amount=500,
            service_date=hotel_day.day,
            actor=DESK,
            now=later,
        )
    # Posted "now" with the clock still on D (a clerk's late entry): it goes to D+1.
    line = folio_charge(
        booking_id=hotel_day.a.bookingId,
        description="Late bar bill",
        amount=500,
        actor=DESK,
        now=at(hotel_day.day, 23, 59),
    )
    assert line.accountDate == (hotel_day.day + timedelta(days=1)).isoformat()
    assert day_report(day=hotel_day.day, now=later)["lineCount"] == len(
        selectors.day_lines(day=hotel_day.day)
    )


def test_a_posting_racing_the_close_never_lands_in_the_closed_day(hotel_day):
    """Clerks post with the clock on D while the audit closes D: every line either made it
    into D before the close (and into its report) or went to D+1."""
    results: list = []
    errors: list = []

    def post(n):
        try:
            results.append(
                folio_charge(
                    booking_id=(hotel_day.a, hotel_day.b)[n % 2].bookingId,
                    description=f"Bar {n}",
                    amount=100 + n,
                    actor=DESK,
                    now=at(hotel_day.day, 23, 30),
                )
            )
        except Exception as exc:  # noqa: BLE001 - collected and asserted empty below
            errors.append(exc)

    def audit():
        try:
            results.append(run(hotel_day))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=post, args=(n,)) for n in range(8)]
    threads.insert(3, threading.Thread(target=audit))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    report = day_report(day=hotel_day.day, now=hotel_day.audit_now)
    in_day = selectors.day_lines(day=hotel_day.day)
    assert report["lineCount"] == len(in_day)  # nothing landed after the report
    bar = [x for x in all_lines() if x.description.startswith("Bar ")]
    assert len(bar) == 8
    assert {x.accountDate for x in bar} <= {
        hotel_day.day.isoformat(),
        (hotel_day.day + timedelta(days=1)).isoformat(),
    }
    bar_in_day = sum(x.amount for x in bar if x.accountDate == hotel_day.day.isoformat())
    minibar = {(r["category"]): r["gross"] for r in report["revenue"]}["minibar"]
    assert minibar == 1000  # the bar lines are "other", counted apart
    other = {r["category"]: r["gross"] for r in report["revenue"]}.get("other", 0)
    assert other == bar_in_day


def test_two_audits_at_once_close_the_day_once(hotel_day):
    results, errors = [], []

    def audit():
        try:
            results.append(run(hotel_day))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=audit) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len({str(r.report) for r in results}) == 1
    fees = [x for x in all_lines() if x.category == "no_show" and x.kind == "charge"]
    assert len(fees) == 1


def test_today_and_later_cannot_be_closed(hotel_day):
    with pytest.raises(AuditDayNotOver):
        run(hotel_day, day=hotel_day.day + timedelta(days=1))
    assert last_closed_day() is None


def test_open_days_are_closed_in_order_up_to_the_day(hotel_day):
    first = run(hotel_day, day=hotel_day.day - timedelta(days=2)).report
    assert first["roomsSold"] == 1  # E

    result = run(hotel_day)

    assert result.closed == [hotel_day.day - timedelta(days=1), hotel_day.day]
    before = day_report(day=hotel_day.day - timedelta(days=1), now=hotel_day.audit_now)
    assert before["roomsSold"] == 2  # E and A
    assert result.report["roomsSold"] == 2


def test_a_day_before_the_first_audit_has_no_report(hotel_day):
    run(hotel_day)

    with pytest.raises(DayNotAudited):
        day_report(day=hotel_day.day - timedelta(days=1), now=hotel_day.audit_now)


def test_what_an_audit_costs(hotel_day, capsys):
    """Capacity units of an audit: a fixed part (the day's Queries, the close, the report)
    and a part per stay synced (its booking, payments and bill read; writes only for what
    was missing). Only the small room-types table is read whole (cached catalog)."""
    stays = selectors.day_stays(day=hotel_day.day)
    with CapacityMeter() as meter:
        run(hotel_day)
    with CapacityMeter() as again:
        run(hotel_day)
    from payments.folio.services import folio_sync

    with CapacityMeter() as one_sync:
        folio_sync(booking_id=hotel_day.a.bookingId, now=hotel_day.audit_now)

    synced = len(stays.to_sync())
    with capsys.disabled():
        print(
            f"\nnight audit of {synced} stays (1 no-show): {meter.read_units:.1f} RCU + "
            f"{meter.write_units:.1f} WCU, calls {dict(meter.calls)}; one bill already in "
            f"line: {one_sync.read_units:.1f} RCU + {one_sync.write_units:.1f} WCU; re-run "
            f"of a closed day: {again.read_units:.1f} RCU + {again.write_units:.1f} WCU\n"
            f"by target: {dict(meter.by_target)}"
        )
    assert again.write_units == 0
    assert one_sync.write_units == 0
    scans = [t for t in meter.target_calls if t.startswith("Scan")]
    assert all("room-types" in t for t in scans), scans
