"""Benchmark: what an availability search costs as the bookings table grows.

Run `make bench-availability` (or `.venv/bin/python -m bench.availability`). For each size
(2,000 and 20,000 bookings by default) it seeds 200 rooms and the bookings, spread over a
year, into its own in-memory DynamoDB Local; runs the same 200 searches of 1-14 nights
through `bookings.selectors.rooms_available`; measures one full Scan of the bookings; and
prints latency and consumed read capacity (see bench/README.md). It prints figures; it
asserts nothing. Results also go to bench/results/availability.json (git-ignored).
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import random
import signal
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.capacity import CapacityMeter
from bench.results import machine, write_results

SIZES = (2_000, 20_000)
ROOM_COUNT = 200
SEARCH_COUNT = 200
WARMUP_SEARCHES = 20
SEED = 20260101
# The booking year, and the fixed "now" of every search: runs are reproducible.
YEAR_START = date(2026, 1, 1)
DAYS = 365
NOW = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)
TABLE_PREFIX = "bench"
RESULTS = Path(__file__).resolve().parent / "results" / "availability.json"

# Per floor: 5 Standard, 3 Deluxe, 2 Suite; 20 floors -> 200 rooms.
FLOOR_LAYOUT = ("Standard",) * 5 + ("Deluxe",) * 3 + ("Suite",) * 2
MAINTENANCE_ROOMS = 6
# Stay lengths 1..7 nights, short stays most common (mean about 2.7 nights).
STAY_WEIGHTS = (30, 25, 18, 12, 7, 4, 4)
# Booking mix. "pending" holds expire in the future; "pending-expired" holds have passed but
# the sweeper has not run yet (their nights are still in the index, and ignored by searches);
# "expired" and "cancelled" bookings have released their nights.
STATUS_MIX = (
    ("confirmed", 0.78),
    ("pending", 0.04),
    ("pending-expired", 0.03),
    ("expired", 0.03),
    ("cancelled", 0.12),
)
SOURCE_WEIGHTS = (("web", 70), ("api", 20), ("front_desk", 10))
FIRST_NAMES = ("Asha", "Ravi", "Meera", "Arjun", "Leela", "Omar", "Lena", "Jonas", "Yuki", "Diego")
LAST_NAMES = ("Menon", "Iyer", "Rao", "Shah", "Khan", "Silva", "Novak", "Tanaka", "Haddad", "Weber")
ID_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


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


def reset_tables() -> None:
    """Empty every table: drop the registered tables and create them again (own instance)."""
    from hotel import dynamo

    for model in dynamo.registered_models():
        if model.exists():
            model.delete_table()
    dynamo.sync_tables(log=_quiet)


# --- seeding ------------------------------------------------------------------------------------


@dataclass
class SeedStats:
    rooms: int
    maintenance_rooms: int
    bookings: int
    by_status: dict[str, int]
    room_nights: int
    occupancy: float  # room-nights held / (bookable rooms x days)
    seconds: float


def _rooms(rng: random.Random, now: datetime) -> list:
    from django.conf import settings

    from rooms.demo import ROOM_TYPES
    from rooms.models import STATUS_AVAILABLE, STATUS_MAINTENANCE, Room

    rooms = []
    for i in range(ROOM_COUNT):
        floor, number = divmod(i, len(FLOOR_LAYOUT))
        floor += 1
        room_type = FLOOR_LAYOUT[number]
        capacity, price, amenities, description = ROOM_TYPES[room_type]
        room_id = f"R-{floor:02d}{number + 1:02d}-{room_type.upper()}"
        rooms.append(
            Room(
                roomId=room_id,
                roomType=room_type,
                floorNumber=floor,
                capacity=capacity,
                status=STATUS_AVAILABLE,
                pricePerNight=price + (floor - 1) * 10_000,
                currency=settings.HOTEL_CURRENCY,
                amenities=list(amenities),
                photos=[f"rooms/{room_id}/{room_type.lower()}.jpg"],
                description=description,
                lastUpdated=now - timedelta(days=rng.randint(1, 90)),
                version=1,
            )
        )
    for room in rng.sample(rooms, MAINTENANCE_ROOMS):
        room.status = STATUS_MAINTENANCE
    return rooms


def _rate_rules(now: datetime) -> list:
    from bookings.models import RateRule

    return [
        RateRule(
            ruleId="weekend",
            name="Weekend",
            kind="percent",
            value=15,
            weekdays=[4, 5],
            priority=1,
            lastUpdated=now,
            version=1,
        ),
        RateRule(
            ruleId="festive",
            name="Festive season",
            kind="percent",
            value=30,
            startDate=f"{YEAR_START.year}-12-20",
            endDate=f"{YEAR_START.year}-12-31",
            priority=2,
            minStay=2,
            lastUpdated=now,
            version=1,
        ),
    ]


def _statuses(rng: random.Random, count: int) -> list[str]:
    statuses: list[str] = []
    for status, share in STATUS_MIX[1:]:
        statuses += [status] * round(count * share)
    statuses += [STATUS_MIX[0][0]] * (count - len(statuses))
    rng.shuffle(statuses)
    return statuses


class _Calendar:
    """Which nights of the year each bookable room is already sold for."""

    def __init__(self, room_ids: list[str]):
        self.room_ids = room_ids
        self.taken = {room_id: bytearray(DAYS) for room_id in room_ids}

    def place(self, rng: random.Random, nights: int) -> tuple[str, int] | None:
        for _ in range(400):
            start = rng.randrange(0, DAYS - nights + 1)
            for room_id in rng.sample(self.room_ids, 12):
                days = self.taken[room_id]
                if not any(days[start : start + nights]):
                    days[start : start + nights] = b"\x01" * nights
                    return room_id, start
        return None


def seed(size: int, *, random_seed: int) -> SeedStats:
    """Write 200 rooms, the rate rules and `size` bookings with their room-nights.

    Items match what `booking_create` and the lifecycle write (Booking + one RoomNight per
    night while the booking is live), but go in with BatchWriteItem instead of one
    transaction per booking (no audit entries: searches never read them).
    """
    from django.conf import settings

    from bookings.models import (
        CANCELLED,
        CONFIRMED,
        EXPIRED,
        PENDING,
        Booking,
        RateRule,
        RoomNight,
    )
    from bookings.pricing import StayRuleViolation
    from bookings.selectors import booking_quote, rate_rule_from_item
    from bookings.services import DEAD_BOOKING_RETENTION, hash_token
    from rooms.models import STATUS_MAINTENANCE, Room

    started = time.perf_counter()
    rng = random.Random(random_seed)
    rooms = _rooms(rng, NOW)
    rule_items = _rate_rules(NOW)
    rules = [rate_rule_from_item(item) for item in rule_items]
    bookable = [room for room in rooms if room.status != STATUS_MAINTENANCE]
    by_id = {room.roomId: room for room in rooms}
    calendar = _Calendar([room.roomId for room in bookable])
    hold = timedelta(minutes=settings.HOTEL_HOLD_MINUTES)
    stay_lengths = list(range(1, len(STAY_WEIGHTS) + 1))
    sources, source_weights = zip(*SOURCE_WEIGHTS, strict=True)

    bookings: list[Booking] = []
    nights: list[RoomNight] = []
    ids: set[str] = set()
    by_status: dict[str, int] = {}
    for kind in _statuses(rng, size):
        live = kind in ("confirmed", "pending", "pending-expired")
        for _attempt in range(50):
            length = rng.choices(stay_lengths, STAY_WEIGHTS)[0]
            if live:
                placed = calendar.place(rng, length)
                if placed is None:
                    continue
                room_id, start = placed
            else:
                room_id, start = rng.choice(bookable).roomId, rng.randrange(0, DAYS - length + 1)
            check_in = YEAR_START + timedelta(days=start)
            check_out = check_in + timedelta(days=length)
            room = by_id[room_id]
            try:
                quote = booking_quote(
                    room=room, check_in=check_in, check_out=check_out, rules=rules
                )
            except StayRuleViolation:
                if live:
                    calendar.taken[room_id][start : start + length] = bytes(length)
                continue
            break
        else:
            raise RuntimeError(f"could not place a {kind} booking: too many bookings for the year")

        if kind == "pending":
            created = NOW - timedelta(minutes=rng.uniform(1, hold.total_seconds() / 60 - 5))
        elif kind == "pending-expired":
            created = NOW - hold - timedelta(minutes=rng.uniform(1, 720))
        elif kind == "expired":
            created = NOW - hold - timedelta(days=rng.uniform(1, 60))
        else:
            created = NOW - timedelta(days=rng.uniform(0.05, 120))
        updated = created + (NOW - created) * rng.random() if kind != "pending" else created
        held = kind in ("pending", "pending-expired", "expired")
        expires = created + hold if held else None
        status = {
            "confirmed": CONFIRMED,
            "pending": PENDING,
            "pending-expired": PENDING,
            "expired": EXPIRED,
            "cancelled": CANCELLED,
        }[kind]
        by_status[kind] = by_status.get(kind, 0) + 1

        while True:
            suffix = "".join(rng.choice(ID_ALPHABET) for _ in range(8))
            booking_id = f"BK-{created:%Y%m%d}-{suffix}"
            if booking_id not in ids:
                ids.add(booking_id)
                break
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        source = rng.choices(sources, source_weights)[0]
        walk_in = source == "front_desk" and rng.random() < 0.5
        bookings.append(
            Booking(
                bookingId=booking_id,
                roomId=room_id,
                roomType=room.roomType,
                checkIn=check_in.isoformat(),
                checkOut=check_out.isoformat(),
                status=status,
                guestName=f"{first} {last}",
                guestEmail=None if walk_in else f"{first}.{last}{len(ids)}@example.com".lower(),
                guestPhone=f"+91 98{rng.randrange(10**8):08d}" if rng.random() < 0.6 else None,
                guests=rng.randint(1, room.capacity),
                totalPrice=quote.total,
                subtotal=quote.subtotal,
                tax=quote.tax,
                currency=quote.currency,
                nightly=quote.nightly_dicts(),
                source=source,
                notes="Late arrival, around 22:00." if rng.random() < 0.1 else "",
                guestTokenHash=hash_token(f"{rng.getrandbits(128):032x}"),
                createdAt=created,
                updatedAt=updated,
                expiresAt=expires,
                purgeAt=expires + DEAD_BOOKING_RETENTION if expires else None,
                version=1 if kind == "pending" else 2,
            )
        )
        if live:
            hold_epoch = int(expires.timestamp()) if expires else None
            for night in quote.nightly:
                nights.append(
                    RoomNight(
                        roomId=room_id,
                        night=night.night.isoformat(),
                        bookingId=booking_id,
                        holdExpiresAt=hold_epoch,
                    )
                )

    for model, items in (
        (Room, rooms),
        (RateRule, rule_items),
        (Booking, bookings),
        (RoomNight, nights),
    ):
        _batch_save(model, items)
    return SeedStats(
        rooms=len(rooms),
        maintenance_rooms=len(rooms) - len(bookable),
        bookings=len(bookings),
        by_status=dict(sorted(by_status.items())),
        room_nights=len(nights),
        occupancy=len(nights) / (len(bookable) * DAYS),
        seconds=time.perf_counter() - started,
    )


def _batch_save(model, items: list, workers: int = 4) -> None:
    """BatchWriteItem in a few threads (the botocore client is thread-safe)."""

    def write(chunk: list) -> None:
        with model.batch_write() as batch:
            for item in chunk:
                batch.save(item)

    step = max(25, math.ceil(len(items) / workers / 25) * 25)
    chunks = [items[i : i + step] for i in range(0, len(items), step)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(write, chunks))


# --- searches -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Search:
    check_in: date
    nights: int
    room_type: str | None
    guest_count: int | None


def searches(rng: random.Random, count: int) -> list[Search]:
    """Random stays of 1-14 nights in the year; a quarter by room type, a quarter by guests."""
    result = []
    for _ in range(count):
        nights = rng.randint(1, 14)
        check_in = YEAR_START + timedelta(days=rng.randrange(0, DAYS - nights + 1))
        pick = rng.random()
        room_type = rng.choice(("Standard", "Deluxe", "Suite")) if pick < 0.25 else None
        guest_count = rng.randint(1, 4) if 0.25 <= pick < 0.5 else None
        result.append(Search(check_in, nights, room_type, guest_count))
    return result


@dataclass
class SearchResult:
    ms: float
    rcu: float
    nights: int
    index_items: int  # RoomNight items read from the night index (rooms taken, per night)
    index_rcu: float
    rooms_rcu: float
    rules_rcu: float
    available: int


def run_search(search: Search) -> SearchResult:
    from bookings.models import RateRule, RoomNight
    from bookings.selectors import rooms_available
    from rooms.models import Room

    with CapacityMeter() as meter:
        started = time.perf_counter()
        found = rooms_available(
            check_in=search.check_in,
            check_out=search.check_in + timedelta(days=search.nights),
            now=NOW,
            room_type=search.room_type,
            guest_count=search.guest_count,
        )
        ms = (time.perf_counter() - started) * 1000
    room_nights, rooms = RoomNight.Meta.table_name, Room.Meta.table_name
    night_index = RoomNight.by_night.Meta.index_name
    type_index = Room.by_type_floor.Meta.index_name
    return SearchResult(
        ms=ms,
        rcu=meter.read_units,
        nights=search.nights,
        index_items=meter.items_for(room_nights, night_index),
        index_rcu=meter.units_for(room_nights, night_index),
        rooms_rcu=meter.units_for(rooms) + meter.units_for(rooms, type_index),
        rules_rcu=meter.units_for(RateRule.Meta.table_name),
        available=len(found),
    )


def full_scan() -> dict[str, Any]:
    """One Scan of the whole bookings table, page by page to the end."""
    from bookings.models import Booking

    with CapacityMeter() as meter:
        started = time.perf_counter()
        items = sum(1 for _ in Booking.scan())
        seconds = time.perf_counter() - started
    return {
        "items": items,
        "pages": meter.calls["Scan"],
        "rcu": meter.read_units,
        "seconds": round(seconds, 3),
    }


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


# --- the run ------------------------------------------------------------------------------------


def run_size(size: int, plan: list[Search], warmup: list[Search], *, seed_value: int) -> dict:
    reset_tables()
    stats = seed(size, random_seed=seed_value)
    print(
        f"  seeded {stats.bookings:,} bookings ({_mix(stats.by_status)}), "
        f"{stats.room_nights:,} room-nights ({stats.occupancy:.0%} of the year), "
        f"{stats.rooms} rooms ({stats.maintenance_rooms} in maintenance) "
        f"in {stats.seconds:.1f} s",
        flush=True,
    )
    for search in warmup:
        run_search(search)
    results = [run_search(search) for search in plan]
    scan = full_scan()
    latencies = [r.ms for r in results]
    total_nights = sum(r.nights for r in results)
    mean_rcu = statistics.fmean(r.rcu for r in results)
    summary = {
        "bookings": size,
        "searches": len(results),
        "p50Ms": round(percentile(latencies, 50), 2),
        "p95Ms": round(percentile(latencies, 95), 2),
        "p99Ms": round(percentile(latencies, 99), 2),
        "meanRcuPerSearch": round(mean_rcu, 3),
        "meanNightsPerSearch": round(total_nights / len(results), 2),
        "meanTakenRoomsPerNight": round(sum(r.index_items for r in results) / total_nights, 2),
        "meanRcuBreakdown": {
            "nightIndex": round(statistics.fmean(r.index_rcu for r in results), 3),
            "rooms": round(statistics.fmean(r.rooms_rcu for r in results), 3),
            "rateRules": round(statistics.fmean(r.rules_rcu for r in results), 3),
        },
        "meanIndexItemsPerSearch": round(statistics.fmean(r.index_items for r in results), 1),
        "meanRoomsAvailable": round(statistics.fmean(r.available for r in results), 1),
        "fullScan": scan,
        "scanToSearchRatio": round(scan["rcu"] / mean_rcu, 1) if mean_rcu else None,
        "meanNightIndexRcuPerNight": round(sum(r.index_rcu for r in results) / total_nights, 3),
        "seeding": {
            "rooms": stats.rooms,
            "maintenanceRooms": stats.maintenance_rooms,
            "bookings": stats.bookings,
            "byStatus": stats.by_status,
            "roomNights": stats.room_nights,
            "occupancy": round(stats.occupancy, 4),
            "seconds": round(stats.seconds, 2),
        },
        "perSearch": [asdict(r) | {"ms": round(r.ms, 3)} for r in results],
    }
    return summary


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}x"


def _mix(by_status: dict[str, int]) -> str:
    return ", ".join(f"{count:,} {status}" for status, count in by_status.items())


def print_report(runs: list[dict]) -> None:
    header = (
        f"{'bookings':>9} {'searches':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'RCU/search':>10} {'nights/search':>13} {'taken/night':>11} "
        f"{'scan RCU':>9} {'scan/search':>11}"
    )
    print()
    print("Availability search vs. one full Scan of the bookings (DynamoDB Local, consumed RCU)")
    print(header)
    print("-" * len(header))
    for run in runs:
        print(
            f"{run['bookings']:>9,} {run['searches']:>8} {run['p50Ms']:>7.1f} "
            f"{run['p95Ms']:>7.1f} {run['p99Ms']:>7.1f} {run['meanRcuPerSearch']:>10.2f} "
            f"{run['meanNightsPerSearch']:>13.2f} {run['meanTakenRoomsPerNight']:>11.1f} "
            f"{run['fullScan']['rcu']:>9,.1f} {_ratio(run['scanToSearchRatio']):>11}"
        )
    print()
    print("Mean RCU per search, by what was read:")
    for run in runs:
        b = run["meanRcuBreakdown"]
        print(
            f"  {run['bookings']:>6,} bookings: night index {b['nightIndex']:.2f} "
            f"({run['meanIndexItemsPerSearch']:.0f} room-nights read, "
            f"{run['meanNightIndexRcuPerNight']:.2f} per night), rooms {b['rooms']:.2f}, "
            f"rate rules {b['rateRules']:.2f}; full scan: {run['fullScan']['items']:,} items, "
            f"{run['fullScan']['pages']} pages, {run['fullScan']['seconds']:.2f} s"
        )
    if len(runs) >= 2:
        a, b = runs[0], runs[-1]

        def growth(key):
            return key(b) / key(a) if key(a) else float("nan")

        print()
        print(
            f"From {a['bookings']:,} to {b['bookings']:,} bookings "
            f"(x{growth(lambda r: r['bookings']):.1f}): full scan RCU "
            f"x{growth(lambda r: r['fullScan']['rcu']):.1f}; per search: RCU "
            f"x{growth(lambda r: r['meanRcuPerSearch']):.2f}, night-index RCU "
            f"x{growth(lambda r: r['meanRcuBreakdown']['nightIndex']):.2f}, "
            f"room-nights read x{growth(lambda r: r['meanIndexItemsPerSearch']):.2f}"
        )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.availability", description=__doc__)
    parser.add_argument(
        "--sizes",
        default=",".join(str(s) for s in SIZES),
        help="comma-separated booking counts (default: %(default)s)",
    )
    parser.add_argument("--searches", type=int, default=SEARCH_COUNT)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=RESULTS, help="JSON results file")
    args = parser.parse_args(argv)
    if args.searches < 1:
        parser.error("--searches must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    started = time.perf_counter()

    with local_django() as service:
        print(
            f"DynamoDB Local (in memory) at {service.url}; tables '{TABLE_PREFIX}-*-test'; "
            f"seed {args.seed}; {args.searches} searches per size, now = {NOW:%Y-%m-%d %H:%M} UTC",
            flush=True,
        )
        plan = searches(random.Random(args.seed + 1), args.searches)
        warmup = searches(random.Random(args.seed + 2), WARMUP_SEARCHES)
        runs = []
        for size in sizes:
            print(f"{size:,} bookings:", flush=True)
            runs.append(run_size(size, plan, warmup, seed_value=args.seed))
        print_report(runs)
        elapsed = time.perf_counter() - started
        report = {
            "benchmark": "availability",
            "generatedAt": datetime.now(UTC).isoformat(timespec="seconds"),
            "config": {
                "rooms": ROOM_COUNT,
                "sizes": sizes,
                "searches": args.searches,
                "warmupSearches": WARMUP_SEARCHES,
                "seed": args.seed,
                "yearStart": YEAR_START.isoformat(),
                "days": DAYS,
                "now": NOW.isoformat(),
                "statusMix": dict(STATUS_MIX),
                "stayWeights": list(STAY_WEIGHTS),
            },
            "machine": machine(),
            "runs": runs,
            "totalSeconds": round(elapsed, 1),
        }
        write_results(args.out, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
