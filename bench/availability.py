"""Benchmark: what a room-type availability search costs as the bookings table grows.

Run `make bench-availability` (or `.venv/bin/python -m bench.availability [--quick]`). It
starts its own in-memory DynamoDB Local and creates a hotel of 200 rooms in five room types
through the services (`rooms.room_type_services.room_type_create`,
`rooms.services.room_create`; the types' room and sellable counts are the services'). For
each size (2,000 and 20,000 bookings by default) it writes the bookings directly in batches,
spread over a year of the booking horizon from today: assigned (with their room-night items)
and unassigned, with the inventory counters (`bookings.models.InventoryNight`) they imply,
never past a type's capacity; and checks that every counter's `sold` equals the live
bookings holding it and the room-night items the assigned ones' nights. Then it measures
`bookings.availability.rooms_search` in this (warm) process: consumed read capacity per
search, split into the catalog stamp, the inventory Query(s) and the catalog reloads, in
steady state and right after a catalog change; p50/p95 latency; the same search through
the API (Django's test client); one full Scan of the bookings; and, at the last size,
searches per second under gunicorn (`POST /api/rooms/availability`). Each size is measured
three times with the same searches: FLEX only and no rate calendar (the room-types issue's
hotel), 5 rate plans and 10 rate plans, both with a price and restrictions in the calendar
for every type x plan x night (bench/rate_seeding.py); 30 % of the searches are for 2 adults
and a child, 30 % carry a promo code. It prints figures and asserts nothing about them (only
the seeded data is checked); bench/plans_report.py prints the comparison. The hotel, the
bookings and the check are in bench/seeding.py. Results also go to
bench/results/availability.json (git-ignored). See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import random
import signal
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.capacity import CapacityMeter, item_bytes
from bench.plans_report import print_rates, print_rates_targets
from bench.rate_seeding import rate_setup
from bench.results import machine, write_results
from bench.seeding import (
    ASSIGNED_SHARE,
    BOOKING_TABLES,
    DAYS,
    HOTEL_TYPES,
    MAINTENANCE_ROOMS,
    STATUS_MIX,
    STAY_WEIGHTS,
    consistency_check,
    raw_scan,
    seed,
)

SIZES = (2_000, 20_000)
SEARCH_COUNT = 300
WARMUP_SEARCHES = 20
CATALOG_CHANGES = 10  # searches measured right after a catalog change (stamp bumped)
API_SEARCHES = 30  # searches through the API in-process (Django's test client)
LOAD_SECONDS = 15.0
LOAD_CLIENTS = 8
# `make run` serves with WEB_WORKERS=2 x WEB_THREADS=8 (devtools/run.py); the load uses that.
SERVER_WORKERS = 2
SERVER_THREADS = 8
QUICK = {"searches": 100, "changes": 5, "api": 10, "load_seconds": 6.0}
SEED = 20260101
TABLE_PREFIX = "bench"
RESULTS = Path(__file__).resolve().parent / "results" / "availability.json"
REFERENCE = "before (old model, previous run): p95 174 ms, 17 RCU at 20,000 bookings, 22 searches/s"
TARGETS = {"rcuPerSearch": 2.0, "growth": 1.1, "scanRatio": 700.0, "p95Ms": 25.0}
# The hotel's rates, measured in turn at every size: (name, plans, dense calendar, full).
# "full": also after a catalog change, through the API and under gunicorn.
RATE_CONFIGS = (
    ("FLEX only", 1, False, True),
    ("5 plans", 5, True, True),
    ("10 plans", 10, True, False),
)
CHILD_SHARE = 0.3  # searches for 2 adults and a child of 5
PROMO_SHARE = 0.3  # searches with the promo code (with rate plans)
CHANNEL = "web"  # the in-process searches are the guest site's (staff-only plans not sold)


# --- environment and DynamoDB Local ------------------------------------------------------------


def configure_environment(endpoint: str) -> None:
    """Point Django and the PynamoDB models at the bench's own DynamoDB Local (before setup)."""
    os.environ["HOTEL_STAGE"] = "test"
    os.environ["DJANGO_SETTINGS_MODULE"] = "hotel.settings"
    os.environ["HOTEL_TABLE_PREFIX"] = TABLE_PREFIX
    os.environ["DYNAMODB_ENDPOINT"] = endpoint


@contextlib.contextmanager
def local_django():
    """An in-memory DynamoDB Local for this run with Django set up on it (yields the service);
    SIGTERM ends the run through the same clean-up."""

    def terminate(*_):
        raise SystemExit(143)

    signal.signal(signal.SIGTERM, terminate)
    from devtools.services import free_port, start_dynamodb_local

    service = start_dynamodb_local(port=free_port(), data_dir=None)
    try:
        configure_environment(service.url)
        import django

        django.setup()
        yield service
    finally:
        service.stop()


def _quiet(_msg: str) -> None:
    pass


def reset_tables(entities: tuple[str, ...] | None = None) -> None:
    """Empty the tables (all, or those of `entities`): drop and create them again."""
    from hotel import dynamo

    for model in dynamo.registered_models():
        if entities is not None and model.Meta.table_name not in {
            dynamo.table_name(e) for e in entities
        }:
            continue
        if model.exists():
            model.delete_table()
    dynamo.sync_tables(log=_quiet)


# --- searches -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchPlan:
    check_in: date
    nights: int
    guest_count: int
    children: bool = False  # 2 adults and a child of 5 instead of `guest_count` adults
    promo: bool = False  # with the promo code (when the hotel has one)

    @property
    def check_out(self) -> date:
        return self.check_in + timedelta(days=self.nights)

    def body(self, promo_code: str | None) -> dict:
        """The API request's body."""
        body = {"checkIn": self.check_in.isoformat(), "checkOut": self.check_out.isoformat()}
        if self.children:
            body |= {"adults": 2, "childrenAges": [5]}
        else:
            body["guestCount"] = self.guest_count
        if self.promo and promo_code:
            body["promoCode"] = promo_code
        return body


def searches(rng: random.Random, count: int, start: date, days: int = DAYS) -> list[SearchPlan]:
    """Stays of 1-7 nights at random dates of the seeded year (from the day after `start`),
    all types, 1-3 guests."""
    plans = []
    for _ in range(count):
        nights = rng.randint(1, 7)
        check_in = start + timedelta(days=rng.randrange(1, days - nights + 1))
        plans.append(SearchPlan(check_in, nights, rng.randint(1, 3)))
    return plans


def with_guests_and_promo(plans: list[SearchPlan], rng: random.Random) -> list[SearchPlan]:
    """The same stays (dates as before rate plans, from their own random stream), 30 % of
    them for 2 adults and a child of 5, 30 % with the promo code."""
    return [
        replace(p, children=rng.random() < CHILD_SHARE, promo=rng.random() < PROMO_SHARE)
        for p in plans
    ]


@dataclass
class SearchResult:
    ms: float
    rcu: float
    stamp_rcu: float
    inventory_rcu: float
    catalog_rcu: float  # room types, rooms, rate rules and plans read again (a reload)
    other_rcu: float
    inventory_queries: int
    counters_read: int
    calls: dict
    types_offered: int
    rooms_listed: int
    calendar_rcu: float = 0.0
    promo_rcu: float = 0.0
    calendar_queries: int = 0
    calendar_items: int = 0
    months: int = 0  # calendar months of [check-in, check-out]: the Queries expected
    offers: int = 0  # offers (type x plan) in the answer
    cpu_ms: float = 0.0  # this thread's CPU time (not DynamoDB Local's): steadier than `ms`


def _tables() -> dict[str, str]:
    from bookings.models import InventoryNight, PromoCode, RateDay, RatePlan, RateRule
    from hotel.stamps import Stamp
    from rooms.models import Room, RoomType

    return {
        "stamp": Stamp.Meta.table_name,
        "inventory": InventoryNight.Meta.table_name,
        "calendar": RateDay.Meta.table_name,
        "promo": PromoCode.Meta.table_name,
        "roomTypes": RoomType.Meta.table_name,
        "rooms": Room.Meta.table_name,
        "rateRules": RateRule.Meta.table_name,
        "ratePlans": RatePlan.Meta.table_name,
    }


CATALOG_TABLES = ("roomTypes", "rooms", "rateRules", "ratePlans")


def _split(meter: CapacityMeter) -> dict[str, float]:
    """RCU by table: the stamp, the inventory, the rate calendar, the promo code and the
    catalog (room types, rooms, rate rules, rate plans: read on a reload only)."""
    t = _tables()
    found = {k: meter.units_for(t[k]) for k in ("stamp", "inventory", "calendar", "promo")}
    found["catalog"] = sum(meter.units_for(t[k]) for k in CATALOG_TABLES)
    return found | {"other": meter.read_units - sum(found.values())}


def _calendar_months(plan: SearchPlan) -> int:
    """The months of [check-in, check-out] (the calendar reads the departure day too)."""
    first, last = plan.check_in, plan.check_out
    return (last.year - first.year) * 12 + last.month - first.month + 1


def run_search(
    plan: SearchPlan, now: datetime, *, promo_code: str | None = None, channel: str = CHANNEL
) -> SearchResult:
    """One search as the API makes it: the promo code's read (when the search has one and the
    hotel a code), then rooms_search: the catalog (one stamp read; copies kept while it is
    unchanged), the inventory and the rate calendar (one Query each per month)."""
    from bookings.availability import rooms_search
    from bookings.offers import Guests
    from bookings.rate_reads import promo_get

    with CapacityMeter() as meter:
        started, cpu = time.perf_counter(), time.thread_time()
        promo = promo_get(promo_code) if plan.promo and promo_code else None
        found = rooms_search(
            check_in=plan.check_in,
            check_out=plan.check_out,
            now=now,
            guest_count=None if plan.children else plan.guest_count,
            guests=Guests(adults=2, children_ages=(5,)) if plan.children else None,
            promo=promo,
            channel=channel,
        )
        ms, cpu = (time.perf_counter() - started) * 1000, (time.thread_time() - cpu) * 1000
    split = _split(meter)
    t = _tables()
    return SearchResult(
        ms=ms,
        rcu=meter.read_units,
        stamp_rcu=split["stamp"],
        inventory_rcu=split["inventory"],
        catalog_rcu=split["catalog"],
        other_rcu=split["other"],
        inventory_queries=meter.calls_for("Query", t["inventory"]),
        counters_read=meter.items_for(t["inventory"]),
        calls=dict(meter.calls),
        types_offered=len(found.types),
        rooms_listed=len(found.rooms),
        calendar_rcu=split["calendar"],
        promo_rcu=split["promo"],
        calendar_queries=meter.calls_for("Query", t["calendar"]),
        calendar_items=meter.items_for(t["calendar"]),
        months=_calendar_months(plan),
        offers=sum(len(t.offers) for t in found.types),
        cpu_ms=cpu,
    )


def after_catalog_change(plan: SearchPlan, now: datetime, **kwargs) -> SearchResult:
    """One search right after a write of the catalog (the stamp bumped, as every room, type
    or plan write does): this process reloads room types, rooms, rate rules and plans."""
    from rooms.room_types import room_types_forget

    room_types_forget()
    return run_search(plan, now, **kwargs)


def api_searches(
    plans: list[SearchPlan], *, room_type: str | None = None, promo_code: str | None = None
) -> dict:
    """The same searches through POST /api/rooms/availability, in this process (Django's
    test client): what one API request reads (`room_type`: searches of that type only)."""
    from django.test import Client

    client = Client()
    rcus, ms, cpus, statuses, splits, offers, sizes = [], [], [], Counter(), [], [], []
    for i, plan in enumerate([plans[0], *plans]):  # the first one warms Django up: not counted
        body = plan.body(promo_code)
        if room_type:
            body["roomType"] = room_type
        with CapacityMeter() as meter:
            started, cpu = time.perf_counter(), time.thread_time()
            response = client.post(
                "/api/rooms/availability", data=json.dumps(body), content_type="application/json"
            )
            ms.append((time.perf_counter() - started) * 1000)
            cpus.append((time.thread_time() - cpu) * 1000)
        if i == 0:
            ms.pop()
            cpus.pop()
            continue
        statuses[str(response.status_code)] += 1
        rcus.append(meter.read_units)
        splits.append(_split(meter))
        sizes.append(len(response.content))
        answer = response.json() if response.status_code == 200 else {}
        offers.append(sum(len(t["offers"]) for t in answer.get("roomTypes", [])))
    return {
        "requests": len(plans),
        "statuses": dict(statuses),
        "meanRcu": round(statistics.fmean(rcus), 3),
        "meanSplit": {k: round(statistics.fmean(s[k] for s in splits), 3) for k in splits[0]},
        "p50Ms": round(percentile(ms, 50), 1),
        "p95Ms": round(percentile(ms, 95), 1),
        "meanOffers": round(statistics.fmean(offers), 1),
        "cpuP50Ms": round(percentile(cpus, 50), 1),
        "meanBytes": round(statistics.fmean(sizes)),
    }


def full_scan(*, keep: bool = False) -> dict[str, Any]:
    """One Scan of the whole bookings table (every attribute), page by page to the end;
    `keep`: the items too (as DynamoDB returns them, under "_bookings")."""
    from bookings.models import Booking

    with CapacityMeter() as meter:
        started = time.perf_counter()
        items = list(raw_scan(Booking.Meta.table_name))
        seconds = time.perf_counter() - started
    found = {
        "items": len(items),
        "pages": meter.calls["Scan"],
        "rcu": meter.read_units,
        "seconds": round(seconds, 3),
    }
    return found | {"_bookings": items} if keep else found


def counter_sizes() -> dict:
    """Approximate stored size of the inventory counters (DynamoDB's item-size rules, keys
    included): a Query pays 0.5 RCU per 4 KB it reads, eventually consistent."""
    from bookings.models import InventoryNight

    sizes = [item_bytes(item.serialize()) for item in InventoryNight.scan()]
    if not sizes:
        return {"counters": 0}
    return {
        "counters": len(sizes),
        "meanBytes": round(statistics.fmean(sizes)),
        "maxBytes": max(sizes),
    }


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


# --- gunicorn -----------------------------------------------------------------------------------


def gunicorn_load(
    endpoint: str,
    plans: list[SearchPlan],
    *,
    seconds: float,
    clients: int,
    workers: int = SERVER_WORKERS,
    threads: int = SERVER_THREADS,
    promo_code: str | None = None,
):
    """Searches per second: the app under gunicorn as `make run` serves it (2 workers x 8
    threads), `clients` closed-loop clients posting random searches for `seconds`."""
    from bench.suite import Load
    from devtools.gunicorn_server import server_env, start_gunicorn
    from devtools.services import free_port

    env = server_env(
        DYNAMODB_ENDPOINT=endpoint,
        HOTEL_TABLE_PREFIX=TABLE_PREFIX,
        HOTEL_STAGE="test",
        HOTEL_LOG_LEVEL="WARNING",
        AWS_ACCESS_KEY_ID="local",
        AWS_SECRET_ACCESS_KEY="local",
        AWS_REGION="us-east-1",
    )

    def search(rng):
        return "POST", "/api/rooms/availability", rng.choice(plans).body(promo_code)

    port = free_port()
    server = start_gunicorn(
        port=port, env=env, workers=workers, threads=threads, health_path="/healthz"
    )
    try:
        load = Load(port, threads=clients, seconds=2)
        load.run(search)  # warm-up: imports, connections, the catalog copies; not counted
        load.seconds = seconds
        result = load.run(search)
    finally:
        server.stop()
    return result | {"workers": workers, "threads": threads, "clients": clients}


# --- the run ------------------------------------------------------------------------------------


def _mean(results: list[SearchResult], key: str) -> float:
    return statistics.fmean(getattr(r, key) for r in results)


def _breakdown(results: list[SearchResult]) -> dict:
    return {
        "rcu": round(_mean(results, "rcu"), 3),
        "stamp": round(_mean(results, "stamp_rcu"), 3),
        "inventory": round(_mean(results, "inventory_rcu"), 3),
        "catalog": round(_mean(results, "catalog_rcu"), 3),
        "other": round(_mean(results, "other_rcu"), 3),
        "inventoryQueries": round(_mean(results, "inventory_queries"), 2),
        "countersRead": round(_mean(results, "counters_read"), 1),
        "maxRcu": max(r.rcu for r in results),
        "p50Ms": round(percentile([r.ms for r in results], 50), 2),
        "p95Ms": round(percentile([r.ms for r in results], 95), 2),
        "calendar": round(_mean(results, "calendar_rcu"), 3),
        "promo": round(_mean(results, "promo_rcu"), 3),
        "calendarQueries": round(_mean(results, "calendar_queries"), 2),
        "calendarMonths": round(_mean(results, "months"), 2),
        # At most one Query per month of the stay (none once this process holds the month).
        "calendarQueriesAsMonths": all(r.calendar_queries <= r.months for r in results),
        "calendarItems": round(_mean(results, "calendar_items"), 1),
        "offers": round(_mean(results, "offers"), 1),
        "cpuP50Ms": round(percentile([r.cpu_ms for r in results], 50), 2),
    }


def run_size(size: int, cfg: argparse.Namespace, *, start: date, now: datetime, load: bool):
    reset_tables(BOOKING_TABLES)
    stats = seed(size, random_seed=cfg.seed, start=start, now=now)
    if stats.hotel_seconds:
        types = ", ".join(
            f"{code} {t['rooms']} ({t['sellable']} in service, up to {t['maxGuests']} guests)"
            for code, t in stats.by_type.items()
        )
        print(
            f"  hotel: {stats.rooms} rooms via room_create in {stats.hotel_seconds:.1f} s: {types}"
        )
    print(
        f"  seeded {stats.bookings:,} bookings ({_mix(stats.by_status)}; {stats.assigned:,} live "
        f"ones with a room), {stats.room_nights:,} room-nights, {stats.counters:,} counters "
        f"({stats.units_sold:,} units sold, {stats.occupancy:.0%} of the year) "
        f"in {stats.seconds:.1f} s",
        flush=True,
    )
    scan = full_scan(keep=True)
    check = consistency_check(scan.pop("_bookings"))
    sizes = counter_sizes()
    print(
        f"  consistency: OK — {check['counters']:,} counters, sold = live bookings per type and "
        f"night, within the ceiling; {check['roomNights']:,} room-night items = the assigned "
        f"live bookings' nights; counters ≈ {sizes['meanBytes']} B on average "
        f"(max {sizes['maxBytes']:,} B)",
        flush=True,
    )
    plan = with_guests_and_promo(
        searches(random.Random(cfg.seed + 1), cfg.searches, start), random.Random(cfg.seed + 3)
    )
    summary = {
        "bookings": size,
        "searches": len(plan),
        "meanNights": round(statistics.fmean(p.nights for p in plan), 2),
        "fullScan": scan,
        "counterSizes": sizes,
        "consistency": check,
        "seeding": {k: v for k, v in vars(stats).items()},
        "rates": {},
    }
    for name, plans, calendar, full in RATE_CONFIGS:
        rates = rate_setup(plans, calendar=calendar, start=start, days=DAYS, now=now,
                           reset=reset_tables)  # fmt: skip
        print(
            f"  {name}: {len(rates['plans'])} plans, {rates['calendarItems']:,} calendar items "
            f"(≈ {rates['calendarMeanBytes']} B each) in {rates['seconds']:.1f} s; searching ...",
            flush=True,
        )
        found = measure(plan, cfg, now=now, promo_code=rates["promoCode"], full=full, load=load)
        summary["rates"][name] = found | {"setup": rates}
    base = summary["rates"][RATE_CONFIGS[0][0]]  # FLEX only: the room-types issue's figures
    summary |= {k: base[k] for k in ("steady", "afterCatalogChange", "api", "apiOneType")}
    kept = ("meanTypesOffered", "meanRoomsListed", "gunicorn")
    summary |= {k: base[k] for k in kept if k in base}
    steady_rcu = summary["steady"]["rcu"]
    summary["scanToSearchRatio"] = round(scan["rcu"] / steady_rcu, 1) if steady_rcu else None
    return summary


def measure(
    plan: list[SearchPlan],
    cfg: argparse.Namespace,
    *,
    now: datetime,
    promo_code: str | None,
    full: bool,
    load: bool,
) -> dict:
    """The searches on the hotel as its rates are now: steady state; with `full`, also after
    a catalog change, through the API and (with `load`) under gunicorn."""
    kw = {"promo_code": promo_code}
    for warm in searches(random.Random(cfg.seed + 2), WARMUP_SEARCHES, plan[0].check_in):
        run_search(warm, now, **kw)
    steady = [run_search(p, now, **kw) for p in plan]
    found = {
        "steady": _breakdown(steady),
        "meanTypesOffered": round(_mean(steady, "types_offered"), 2),
        "meanRoomsListed": round(_mean(steady, "rooms_listed"), 1),
        "callsPerSteadySearch": steady[-1].calls,
    }
    if not full:
        return found
    found["afterCatalogChange"] = _breakdown(
        [after_catalog_change(p, now, **kw) for p in plan[: cfg.changes]]
    )
    run_search(plan[0], now, **kw)  # the copies are warm again
    found["api"] = api_searches(plan[: cfg.api], promo_code=promo_code)
    found["apiOneType"] = api_searches(
        plan[: max(3, cfg.api // 3)], room_type=HOTEL_TYPES[1][0], promo_code=promo_code
    )
    if load:
        print(
            f"    gunicorn: {SERVER_WORKERS} workers x {SERVER_THREADS} threads, "
            f"{cfg.clients} clients, {cfg.load_seconds:.0f} s ...",
            flush=True,
        )
        found["gunicorn"] = gunicorn_load(
            os.environ["DYNAMODB_ENDPOINT"],
            plan,
            seconds=cfg.load_seconds,
            clients=cfg.clients,
            promo_code=promo_code,
        )
    return found


def _mix(by_status: dict[str, int]) -> str:
    return ", ".join(f"{count:,} {status}" for status, count in by_status.items())


def _ok(flag: bool) -> str:
    return "met" if flag else "NOT met"


def print_report(runs: list[dict]) -> None:
    header = (
        f"{'bookings':>9} {'RCU/search':>10} {'stamp':>6} {'inventory':>9} {'catalog':>7} "
        f"{'queries':>7} {'p50 ms':>7} {'p95 ms':>7} {'scan RCU':>9} {'scan/search':>11}"
    )
    print()
    print("Room-type availability search (rooms_search, warm process, 1 client; consumed RCU)")
    print(
        "FLEX only, no calendar (the room-types issue's hotel; RCU/search also holds the "
        "calendar's Query per month, on an empty table: see 'With rate plans'):"
    )
    print("steady state (catalog copies cached):")
    print(header)
    print("-" * len(header))
    for run in runs:
        s = run["steady"]
        print(
            f"{run['bookings']:>9,} {s['rcu']:>10.2f} {s['stamp']:>6.2f} {s['inventory']:>9.2f} "
            f"{s['catalog']:>7.2f} {s['inventoryQueries']:>7.2f} {s['p50Ms']:>7.1f} "
            f"{s['p95Ms']:>7.1f} {run['fullScan']['rcu']:>9,.1f} "
            f"{run['scanToSearchRatio']:>10,.0f}x"
        )
    print("first search after a catalog change (stamp bumped: room types, rooms, rules reloaded):")
    for run in runs:
        c = run["afterCatalogChange"]
        print(
            f"{run['bookings']:>9,} {c['rcu']:>10.2f} {c['stamp']:>6.2f} {c['inventory']:>9.2f} "
            f"{c['catalog']:>7.2f} {c['inventoryQueries']:>7.2f} {c['p50Ms']:>7.1f} "
            f"{c['p95Ms']:>7.1f}"
        )
    print("through the API (POST /api/rooms/availability, Django test client, in process):")
    for run in runs:
        a = run["api"]
        print(
            f"{run['bookings']:>9,} {a['meanRcu']:>10.2f} {a['meanSplit']['stamp']:>6.2f} "
            f"{a['meanSplit']['inventory']:>9.2f} {a['meanSplit']['catalog']:>7.2f} "
            f"{'':>7} {a['p50Ms']:>7.1f} {a['p95Ms']:>7.1f}   statuses {a['statuses']}"
        )
    print(f"the same with roomType={HOTEL_TYPES[1][0]} (the API validates the code first):")
    for run in runs:
        a = run["apiOneType"]
        print(
            f"{run['bookings']:>9,} {a['meanRcu']:>10.2f} {a['meanSplit']['stamp']:>6.2f} "
            f"{a['meanSplit']['inventory']:>9.2f} {a['meanSplit']['catalog']:>7.2f} "
            f"{'':>7} {a['p50Ms']:>7.1f} {a['p95Ms']:>7.1f}   statuses {a['statuses']}"
        )
    print()
    for run in runs:
        s, z = run["steady"], run["counterSizes"]
        print(
            f"  {run['bookings']:>6,} bookings: {run['meanNights']:.1f} nights/search, "
            f"{s['countersRead']:.0f} counters read ({z['meanBytes']} B each on average, "
            f"max {z['maxBytes']} B), max {s['maxRcu']:.1f} RCU; "
            f"{run['meanTypesOffered']:.1f} types offered, {run['meanRoomsListed']:.0f} rooms "
            f"listed and priced; full scan: {run['fullScan']['items']:,} items, "
            f"{run['fullScan']['pages']} pages, {run['fullScan']['seconds']:.2f} s"
        )
    print_rates(runs)
    print()
    last = runs[-1]
    worst = max(r["steady"]["rcu"] for r in runs)
    print("Targets (FLEX only unless a line says otherwise):")
    print(
        f"  RCU per search <= {TARGETS['rcuPerSearch']:g} (steady state): "
        f"{_ok(worst <= TARGETS['rcuPerSearch'])} (max mean {worst:.2f})"
    )
    for name, *_ in RATE_CONFIGS[1:]:
        rcu = max(r["rates"][name]["steady"]["rcu"] for r in runs)
        print(
            f"  RCU per search <= {TARGETS['rcuPerSearch']:g} with {name} and a dense calendar: "
            f"{_ok(rcu <= TARGETS['rcuPerSearch'])} (max mean {rcu:.2f})"
        )
    if len(runs) >= 2:
        a, b = runs[0], runs[-1]
        growth = b["steady"]["rcu"] / a["steady"]["rcu"] if a["steady"]["rcu"] else float("nan")
        inv = (
            b["steady"]["inventory"] / a["steady"]["inventory"]
            if a["steady"]["inventory"]
            else float("nan")
        )
        print(
            f"  growth {a['bookings']:,} -> {b['bookings']:,} bookings <= "
            f"{TARGETS['growth']:g}x: {_ok(growth <= TARGETS['growth'])} (x{growth:.2f} per "
            f"search; inventory part x{inv:.2f}; full scan "
            f"x{b['fullScan']['rcu'] / a['fullScan']['rcu']:.1f})"
        )
    ratio = last["scanToSearchRatio"] or 0
    print(
        f"  scan/search >= {TARGETS['scanRatio']:,.0f}x at {last['bookings']:,} bookings: "
        f"{_ok(ratio >= TARGETS['scanRatio'])} ({ratio:,.0f}x)"
    )
    for name, *_ in RATE_CONFIGS[:2]:
        p95s = [(r["bookings"], r["rates"][name]["steady"]["p95Ms"]) for r in runs]
        print(
            f"  p95 <= {TARGETS['p95Ms']:g} ms (steady state, one client, DynamoDB Local), "
            f"{name}: {_ok(max(p for _, p in p95s) <= TARGETS['p95Ms'])} ("
            + ", ".join(f"{size:,}: {p:.1f} ms" for size, p in p95s)
            + ")"
        )
    print_rates_targets(runs, _ok)
    loaded = [
        f"{name} {c['gunicorn']['rps']:.1f}"
        for name, c in runs[-1]["rates"].items()
        if "gunicorn" in c
    ]
    if loaded:
        print(
            f"  searches/s under gunicorn at {runs[-1]['bookings']:,} bookings: "
            f"{', '.join(loaded)} (was 22 before room types, 76.8 in the room-types run)"
        )
    print(REFERENCE)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.availability", description=__doc__)
    parser.add_argument(
        "--bookings",
        "--sizes",
        dest="sizes",
        default=",".join(str(s) for s in SIZES),
        help="comma-separated booking counts (default: %(default)s)",
    )
    parser.add_argument("--searches", type=int, help=f"per size (default {SEARCH_COUNT})")
    parser.add_argument("--changes", type=int, help="searches after a catalog change, per size")
    parser.add_argument("--api", type=int, help="searches through the API, per size")
    parser.add_argument("--load-seconds", type=float, help=f"default {LOAD_SECONDS:g}; 0: no load")
    parser.add_argument("--clients", type=int, default=LOAD_CLIENTS)
    parser.add_argument(
        "--quick", action="store_true", help="fewer searches, shorter loads (about 3.5 minutes)"
    )
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=RESULTS, help="JSON results file")
    args = parser.parse_args(argv)
    defaults = (
        QUICK
        if args.quick
        else {
            "searches": SEARCH_COUNT,
            "changes": CATALOG_CHANGES,
            "api": API_SEARCHES,
            "load_seconds": LOAD_SECONDS,
        }
    )
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    if args.searches < 1:
        parser.error("--searches must be at least 1")
    args.changes = max(1, min(args.changes, args.searches))
    args.api = max(1, min(args.api, args.searches))
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    started = time.perf_counter()
    # The API and gunicorn validate dates against the real clock: seed the year from today.
    now = datetime.now(UTC).replace(microsecond=0)
    start = now.date()

    with local_django() as service:
        from django.test.utils import setup_test_environment

        setup_test_environment()
        print(
            f"DynamoDB Local (in memory) at {service.url}; tables '{TABLE_PREFIX}-*-test'; "
            f"seed {args.seed}; {args.searches} searches per size; bookings over {DAYS} nights "
            f"from {start}{' (quick)' if args.quick else ''}",
            flush=True,
        )
        reset_tables()
        runs = []
        for size in sizes:
            print(f"{size:,} bookings:", flush=True)
            load = args.load_seconds > 0
            runs.append(run_size(size, args, start=start, now=now, load=load))
        print_report(runs)
        elapsed = time.perf_counter() - started
        report = {
            "benchmark": "availability",
            "generatedAt": datetime.now(UTC).isoformat(timespec="seconds"),
            "config": {
                "hotel": [list(t[:5]) for t in HOTEL_TYPES],
                "maintenanceRooms": MAINTENANCE_ROOMS,
                "assignedShare": ASSIGNED_SHARE,
                "sizes": sizes,
                "searches": args.searches,
                "catalogChanges": args.changes,
                "apiSearches": args.api,
                "warmupSearches": WARMUP_SEARCHES,
                "loadSeconds": args.load_seconds,
                "clients": args.clients,
                "seed": args.seed,
                "start": start.isoformat(),
                "days": DAYS,
                "now": now.isoformat(),
                "statusMix": dict(STATUS_MIX),
                "stayWeights": list(STAY_WEIGHTS),
                "quick": args.quick,
            },
            "reference": REFERENCE,
            "machine": machine(),
            "runs": runs,
            "totalSeconds": round(elapsed, 1),
        }
        write_results(args.out, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
