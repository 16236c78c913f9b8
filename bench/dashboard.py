"""Benchmark: what loading the back-office dashboard costs as the bookings table grows.

Run `make bench-dashboard` (or `.venv/bin/python -m bench.dashboard`). For each size (2,000
and 20,000 bookings by default) it seeds the availability benchmark's hotel (200 rooms,
bookings spread over 2026) into its own in-memory DynamoDB Local, moves the stays around
"today" (15 June 2026) to checked in / checked out as the front desk would have, writes the
daily counters and ledgers exactly as the stats projector would (bookings.stats), then
loads /admin/dashboard/ as a manager through Django's test client, with the revenue
period set to the current month. It prints latency and consumed read capacity per load
next to one full Scan of the bookings (see bench/README.md). It asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

from bench.availability import SEED, full_scan, local_django, percentile, reset_tables
from bench.capacity import CapacityMeter
from bench.results import machine, write_results
from bench.seeding import _batch_save, seed

SIZES = (2_000, 20_000)
LOADS = 30
WARMUP_LOADS = 3
NOW = datetime(2026, 6, 15, 9, 0, tzinfo=UTC)  # "today" for the dashboard
RESULTS = Path(__file__).resolve().parent / "results" / "dashboard.json"
MANAGER = "bench-manager@hotel.test"


def shape_today(now: datetime) -> Counter:
    """Confirmed stays that began before today become checked in (still here) or checked
    out (gone), their nights released as the lifecycle does. Returns the status counts."""
    from bookings.models import CHECKED_IN, CHECKED_OUT, CONFIRMED, Booking, RoomNight

    today = now.date().isoformat()
    changed, released = [], []
    for booking in Booking.scan():
        if booking.status != CONFIRMED or booking.checkIn > today:
            continue
        if booking.checkOut > today:
            booking.status = CHECKED_IN
        else:
            booking.status = CHECKED_OUT
            if booking.roomId:  # sold as a unit of its type: no room nights
                released += [(booking.roomId, n["date"]) for n in booking.nightly]
        changed.append(booking)
    _batch_save(Booking, changed)
    with RoomNight.batch_write() as batch:
        for room_id, night in released:
            batch.delete(RoomNight(roomId=room_id, night=night))
    return Counter(b.status for b in changed)


def write_counters(now: datetime) -> int:
    """The daily counters and per-booking ledgers the projector would have written."""
    from bookings.models import Booking, BookingStatsLedger, DailyStat
    from bookings.stats import booking_contribution

    days: dict[str, Counter] = defaultdict(Counter)
    ledgers = []
    for booking in Booking.scan():
        contribution = booking_contribution(booking)
        for day, counters in contribution.items():
            days[day].update(counters)
        if contribution:
            ledgers.append(
                BookingStatsLedger(
                    bookingId=booking.bookingId,
                    appliedVersion=booking.version,
                    applied=contribution,
                    updatedAt=now,
                )
            )
    items = [DailyStat(month=day[:7], date=day, **dict(c)) for day, c in days.items()]
    _batch_save(DailyStat, items)
    _batch_save(BookingStatsLedger, ledgers)
    return len(items)


def signed_in_client():
    from django.test import Client

    from hotel.accounts import roles
    from hotel.accounts.services import staff_create

    user = staff_create(email=MANAGER, password="bench-password-2026", role=roles.MANAGER, now=NOW)
    client = Client()
    client.force_login(user)
    return client


def load_dashboard(client) -> dict:
    """One GET of the dashboard (this month); its latency and what DynamoDB charged."""
    from bookings.models import Booking, DailyStat
    from rooms.models import Room

    with CapacityMeter() as meter:
        started = time.perf_counter()
        response = client.get("/admin/dashboard/")
        ms = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"dashboard answered {response.status_code}")
    bookings, stats, rooms = (
        Booking.Meta.table_name,
        DailyStat.Meta.table_name,
        Room.Meta.table_name,
    )
    status_index = Booking.by_status.Meta.index_name
    return {
        "ms": ms,
        "rcu": meter.read_units,
        "bookingsIndexRcu": meter.units_for(bookings, status_index),
        "bookingsTableRcu": meter.units_for(bookings),
        "dailyStatsRcu": meter.units_for(stats),
        "roomsRcu": meter.units_for(rooms),
        "otherRcu": meter.read_units
        - meter.units_for(bookings, status_index)
        - meter.units_for(bookings)
        - meter.units_for(stats)
        - meter.units_for(rooms),
        "calls": dict(meter.calls),
        "bookingItemsRead": meter.items_for(bookings, status_index),
    }


def run_size(size: int, *, loads: int, seed_value: int) -> dict:
    reset_tables()
    # Every booking with a room: stays before "today" become checked in, which needs one.
    stats = seed(size, random_seed=seed_value, assigned_share=1.0)
    shaped = shape_today(NOW)
    stat_days = write_counters(NOW)
    client = signed_in_client()
    print(
        f"  seeded {stats.bookings:,} bookings ({stats.room_nights:,} room-nights), "
        f"{shaped.get('checked-in', 0)} in house / {shaped.get('checked-out', 0):,} checked out "
        f"by {NOW:%Y-%m-%d}, {stat_days} days of counters, in {stats.seconds:.1f} s",
        flush=True,
    )
    for _ in range(WARMUP_LOADS):
        load_dashboard(client)
    results = [load_dashboard(client) for _ in range(loads)]
    scan = full_scan()
    latencies = [r["ms"] for r in results]
    mean_rcu = statistics.fmean(r["rcu"] for r in results)
    return {
        "bookings": size,
        "loads": loads,
        "p50Ms": round(percentile(latencies, 50), 1),
        "p95Ms": round(percentile(latencies, 95), 1),
        "meanRcuPerLoad": round(mean_rcu, 2),
        "meanRcuBreakdown": {
            key: round(statistics.fmean(r[key] for r in results), 2)
            for key in (
                "bookingsIndexRcu",
                "bookingsTableRcu",
                "dailyStatsRcu",
                "roomsRcu",
                "otherRcu",
            )
        },
        "bookingItemsReadPerLoad": round(statistics.fmean(r["bookingItemsRead"] for r in results)),
        "callsPerLoad": results[-1]["calls"],
        "fullScan": scan,
        "scanToLoadRatio": round(scan["rcu"] / mean_rcu, 1) if mean_rcu else None,
        "inHouse": shaped.get("checked-in", 0),
    }


def print_report(runs: list[dict]) -> None:
    header = (
        f"{'bookings':>9} {'loads':>5} {'p50 ms':>7} {'p95 ms':>7} {'RCU/load':>9} "
        f"{'scan RCU':>9} {'scan/load':>9} {'scan s':>7}"
    )
    print()
    print("Dashboard load vs. one full Scan of the bookings (DynamoDB Local, consumed RCU)")
    print(header)
    print("-" * len(header))
    for run in runs:
        print(
            f"{run['bookings']:>9,} {run['loads']:>5} {run['p50Ms']:>7.1f} {run['p95Ms']:>7.1f} "
            f"{run['meanRcuPerLoad']:>9.2f} {run['fullScan']['rcu']:>9,.1f} "
            f"{run['scanToLoadRatio']:>8.1f}x {run['fullScan']['seconds']:>7.2f}"
        )
    print()
    print("RCU per dashboard load, by what was read:")
    for run in runs:
        b = run["meanRcuBreakdown"]
        print(
            f"  {run['bookings']:>6,} bookings: status index {b['bookingsIndexRcu']:.2f} "
            f"({run['bookingItemsReadPerLoad']} bookings: arrivals and guests in house), "
            f"daily counters {b['dailyStatsRcu']:.2f}, rooms {b['roomsRcu']:.2f}, "
            f"session and staff {b['otherRcu'] + b['bookingsTableRcu']:.2f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dashboard", description=__doc__)
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES))
    parser.add_argument("--loads", type=int, default=LOADS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    started = time.perf_counter()

    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    with local_django() as service:
        from django.conf import settings
        from django.test.utils import setup_test_environment

        setup_test_environment()
        settings.ALLOWED_HOSTS = ["testserver"]
        print(
            f"DynamoDB Local (in memory) at {service.url}; {args.loads} dashboard loads per size, "
            f"today = {NOW:%Y-%m-%d}",
            flush=True,
        )
        runs = []
        # The dashboard's "today" is NOW (the seeded year); sessions keep the real clock.
        with mock.patch("hotel.backoffice.dashboard.timezone", SimpleNamespace(now=lambda: NOW)):
            for size in sizes:
                print(f"{size:,} bookings:", flush=True)
                runs.append(run_size(size, loads=args.loads, seed_value=args.seed))
        print_report(runs)
        elapsed = time.perf_counter() - started
        report = {
            "benchmark": "dashboard",
            "generatedAt": datetime.now(UTC).isoformat(timespec="seconds"),
            "config": {"sizes": sizes, "loads": args.loads, "seed": args.seed, "now": str(NOW)},
            "machine": machine(),
            "runs": runs,
            "totalSeconds": round(elapsed, 1),
        }
        write_results(args.out, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
