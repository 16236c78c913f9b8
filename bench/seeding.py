"""The availability benchmark's hotel and bookings (bench.availability, bench.dashboard).

`seed` creates the hotel the first time through the services (five types, two of them with
`rooms.room_type_services.room_type_create`, and 200 rooms with `rooms.services.room_create`:
the types' counts are the rooms' transactions'), then writes bookings directly with
BatchWriteItem: assigned ones with their room nights, unassigned ones as a unit of their
type, and the inventory counters (`bookings.models.InventoryNight`) they imply, never past a
type's ceiling.
`consistency_check` proves the written data is what the services would have left.
"""

from __future__ import annotations

import math
import random
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

# The default booking year and "now" (bench.dashboard seeds 2026); this benchmark seeds the
# year from today, so that the API and gunicorn accept its dates.
YEAR_START = date(2026, 1, 1)
DAYS = 365
NOW = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)

# The hotel: (code, name, rooms, max guests, price per night in minor units, amenities).
# Standard, Deluxe and Suite are the first version's codes: their first room creates the
# type (rooms.room_types.room_type_for_room); Superior and Family are created first with
# rooms.room_type_services.room_type_create.
HOTEL_TYPES = (
    ("Standard", "Standard double", 80, 2, 450_000, ["WiFi", "AC", "TV", "Shower"]),
    ("Deluxe", "Deluxe sea view", 60, 3, 700_000, ["WiFi", "AC", "TV", "Minibar", "Bathtub"]),
    ("Superior", "Superior king", 30, 3, 900_000, ["WiFi", "AC", "TV", "Minibar", "Balcony"]),
    ("Suite", "Harbour suite", 20, 4, 1_250_000, ["WiFi", "AC", "TV", "Living room"]),
    ("Family", "Family room", 10, 5, 1_000_000, ["WiFi", "AC", "TV", "Bunk beds"]),
)
ROOMS_PER_FLOOR = 10
MAINTENANCE_ROOMS = 6
# Share of the live bookings that have a room (pinned, or placed by the assigner); the
# others are sold as a unit of their type. Dead ones keep the room they had, without nights.
ASSIGNED_SHARE = 0.5
# Stay lengths 1..7 nights, short stays most common (mean about 2.7 nights).
STAY_WEIGHTS = (30, 25, 18, 12, 7, 4, 4)
# Booking mix. "pending" holds expire in the future; "pending-expired" holds have lapsed but
# are not expired yet (they keep their units and room nights until then); "expired" and
# "cancelled" bookings have given theirs back.
STATUS_MIX = (
    ("confirmed", 0.78),
    ("pending", 0.04),
    ("pending-expired", 0.03),
    ("expired", 0.03),
    ("cancelled", 0.12),
)
LIVE_KINDS = ("confirmed", "pending", "pending-expired")
SOURCE_WEIGHTS = (("web", 70), ("api", 20), ("front_desk", 10))
FIRST_NAMES = ("Asha", "Ravi", "Meera", "Arjun", "Leela", "Omar", "Lena", "Jonas", "Yuki", "Diego")
LAST_NAMES = ("Menon", "Iyer", "Rao", "Shah", "Khan", "Silva", "Novak", "Tanaka", "Haddad", "Weber")
ID_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
BOOKING_TABLES = ("bookings", "room-nights", "inventory")


# --- the hotel (through the services) -----------------------------------------------------------


@dataclass
class Hotel:
    rooms: list  # rooms.models.Room
    types: dict  # code -> rooms.models.RoomType, as stored after the rooms were created
    seconds: float = 0.0

    def in_service(self, code: str) -> list[str]:
        from rooms.stock import in_service

        return [r.roomId for r in self.rooms if r.roomType == code and in_service(r)]


def _type_create(code, name, max_guests, price, amenities, order, now) -> None:
    """A room type that is not a first-version code, through the service (no rooms yet; the
    counts follow the rooms created next)."""
    from django.conf import settings

    from rooms.room_type_services import room_type_create

    data = {
        "roomType": code,
        "name": name,
        "maxAdults": max_guests,
        "maxGuests": max_guests,
        "basePrice": price,
        "currency": settings.HOTEL_CURRENCY,
        "amenities": amenities,
        "sortOrder": order,
    }
    room_type_create(data=data, actor="bench", now=now)


def hotel_create(rng: random.Random, now: datetime, start: date = YEAR_START) -> Hotel:
    """Five room types (Superior and Family with room_type_create, the others by their first
    room) and 200 rooms created with room_create (a type's counts follow its rooms), 6 of them
    in maintenance; and two rate rules."""
    from bookings.models import RateRule
    from rooms.models import ROOM_TYPES, STATUS_MAINTENANCE, Room, RoomType
    from rooms.room_types import room_types_forget
    from rooms.services import room_create

    started = time.perf_counter()
    specs = []
    for order, (code, name, count, guests, price, amenities) in enumerate(HOTEL_TYPES):
        if code not in ROOM_TYPES:
            _type_create(code, name, guests, price, amenities, order, now)
        specs += [(code, guests, price, amenities)] * count
    maintenance = set(rng.sample(range(len(specs)), MAINTENANCE_ROOMS))
    by_type: dict[str, list[dict]] = {}
    for i, (code, guests, price, amenities) in enumerate(specs):
        floor, number = divmod(i, ROOMS_PER_FLOOR)
        by_type.setdefault(code, []).append(
            {
                "roomId": f"R-{floor + 1:02d}{number + 1:02d}",
                "roomType": code,
                "floorNumber": floor + 1,
                "capacity": guests,
                "pricePerNight": price + floor * 5_000,
                "amenities": amenities,
                "status": STATUS_MAINTENANCE if i in maintenance else "available",
                "description": f"A {code.lower()} room on floor {floor + 1}.",
            }
        )

    def create(rooms: list[dict]) -> None:
        for data in rooms:
            room_create(data=data, actor="bench", now=now)

    # One thread per type: a room's write locks only its own type's stock (rooms.stock).
    with ThreadPoolExecutor(max_workers=len(by_type)) as pool:
        list(pool.map(create, by_type.values()))
    _batch_save(RateRule, _rate_rules(now, start))
    room_types_forget()  # rules written around their service: every process reloads
    types = {t.roomType: t for t in RoomType.scan(consistent_read=True)}
    rooms = list(Room.scan(consistent_read=True))
    hotel = Hotel(rooms=rooms, types=types, seconds=time.perf_counter() - started)
    _hotel_check(hotel)
    return hotel


def _hotel_check(hotel: Hotel) -> None:
    """Each type counts its rooms and its rooms in service (what the counters are made from)."""
    problems = []
    for code, _name, count, *_ in HOTEL_TYPES:
        kind = hotel.types.get(code)
        rooms = sum(1 for r in hotel.rooms if r.roomType == code)
        sellable = len(hotel.in_service(code))
        if kind is None or (kind.roomCount, kind.sellableRooms) != (rooms, sellable):
            problems.append(f"{code}: type says {kind and (kind.roomCount, kind.sellableRooms)}")
        if rooms != count:
            problems.append(f"{code}: {rooms} rooms, wanted {count}")
    if problems:
        raise SystemExit("hotel check failed: " + "; ".join(problems))


def _rate_rules(now: datetime, start: date = YEAR_START) -> list:
    from bookings.models import RateRule

    festive_year = start.year if date(start.year, 12, 31) >= start else start.year + 1
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
            startDate=f"{festive_year}-12-20",
            endDate=f"{festive_year}-12-31",
            priority=2,
            minStay=2,
            lastUpdated=now,
            version=1,
        ),
    ]


def hotel_ensure(rng: random.Random, now: datetime, start: date = YEAR_START) -> Hotel:
    """The hotel, created the first time (rooms survive a reset of the booking tables)."""
    from rooms.models import Room, RoomType

    rooms = list(Room.scan(consistent_read=True))
    if not rooms:
        return hotel_create(rng, now, start)
    types = {t.roomType: t for t in RoomType.scan(consistent_read=True)}
    return Hotel(rooms=rooms, types=types)


# --- the bookings (written directly) ------------------------------------------------------------


@dataclass
class SeedStats:
    rooms: int
    maintenance_rooms: int
    bookings: int
    by_status: dict[str, int]
    assigned: int  # live bookings with a room
    room_nights: int
    counters: int
    units_sold: int  # sum of `sold` over the counters (units held by live bookings)
    occupancy: float  # units sold / (rooms in service x days)
    seconds: float
    hotel_seconds: float = 0.0
    by_type: dict[str, dict] = field(default_factory=dict)


def _statuses(rng: random.Random, count: int) -> list[str]:
    statuses: list[str] = []
    for status, share in STATUS_MIX[1:]:
        statuses += [status] * round(count * share)
    statuses += [STATUS_MIX[0][0]] * (count - len(statuses))
    rng.shuffle(statuses)
    return statuses


class _Stock:
    """Units sold per type and night, and the nights each room is assigned, as the seeding
    goes: a stay is placed only where every night has a unit left (and its room is free)."""

    def __init__(self, hotel: Hotel, days: int):
        self.days = days
        self.codes = [code for code, *_ in HOTEL_TYPES]
        self.weights = [len(hotel.in_service(c)) for c in self.codes]
        self.ceiling = {
            c: max(0, (hotel.types[c].sellableRooms or 0) + (hotel.types[c].overbookingLimit or 0))
            for c in self.codes
        }
        self.sold = {c: [0] * days for c in self.codes}
        self.rooms = {c: hotel.in_service(c) for c in self.codes}
        self.taken = {r: bytearray(days) for c in self.codes for r in self.rooms[c]}

    def place(self, rng: random.Random, nights: int, *, assign: bool):
        """(type, start, room or None), or None when 400 tries found no room for it."""
        for _ in range(400):
            code = rng.choices(self.codes, self.weights)[0]
            start = rng.randrange(0, self.days - nights + 1)
            sold = self.sold[code]
            if any(sold[d] >= self.ceiling[code] for d in range(start, start + nights)):
                continue
            room = None
            if assign:
                for candidate in rng.sample(self.rooms[code], min(12, len(self.rooms[code]))):
                    if not any(self.taken[candidate][start : start + nights]):
                        room = candidate
                        break
                if room is None:
                    continue
                self.taken[room][start : start + nights] = b"\x01" * nights
            for d in range(start, start + nights):
                sold[d] += 1
            return code, start, room
        return None


def seed(
    size: int,
    *,
    random_seed: int,
    start: date = YEAR_START,
    now: datetime = NOW,
    days: int = DAYS,
    assigned_share: float = ASSIGNED_SHARE,
) -> SeedStats:
    """Write `size` bookings over `days` nights from `start` (the hotel is created first if
    there is none), with their room nights and the inventory counters they imply.

    Items match what the booking services write (Booking; one RoomNight per night of a
    live booking's room; for each (type, night) an InventoryNight whose `sold` counts the
    live bookings holding it, assigned or not), but go in with BatchWriteItem instead of
    one transaction per booking (no audit entries: searches never read them). A counter
    exists for every night any booking ever touched (a dead booking created its nights'
    counters when it was made). `assigned_share`: the share of bookings with a room (1.0:
    all, as before room types).
    """
    from django.conf import settings

    from bookings.models import (
        CANCELLED,
        CONFIRMED,
        EXPIRED,
        PENDING,
        Booking,
        InventoryNight,
        RoomNight,
    )
    from bookings.pricing import StayRuleViolation
    from bookings.selectors import rate_rule_from_item, type_quote
    from bookings.services import DEAD_BOOKING_RETENTION, hash_token

    started = time.perf_counter()
    rng = random.Random(random_seed)
    hotel = hotel_ensure(random.Random(f"hotel-{random_seed}"), now, start)
    rules = [rate_rule_from_item(item) for item in _rate_rules(now, start)]
    stock = _Stock(hotel, days)
    hold = timedelta(minutes=settings.HOTEL_HOLD_MINUTES)
    stay_lengths = list(range(1, len(STAY_WEIGHTS) + 1))
    sources, source_weights = zip(*SOURCE_WEIGHTS, strict=True)
    room_type_of = {r.roomId: r.roomType for r in hotel.rooms}

    bookings: list[Booking] = []
    nights: list[RoomNight] = []
    touched: set[tuple[str, int]] = set()
    ids: set[str] = set()
    by_status: Counter = Counter()
    assigned = 0
    for kind in _statuses(rng, size):
        live = kind in LIVE_KINDS
        for _attempt in range(50):
            length = rng.choices(stay_lengths, STAY_WEIGHTS)[0]
            if live:
                placed = stock.place(rng, length, assign=rng.random() < assigned_share)
                if placed is None:
                    continue
                code, first, room_id = placed
            else:
                code = rng.choices(stock.codes, stock.weights)[0]
                first = rng.randrange(0, days - length + 1)
                room_id = rng.choice(stock.rooms[code]) if rng.random() < assigned_share else None
            check_in = start + timedelta(days=first)
            check_out = check_in + timedelta(days=length)
            try:
                quote = type_quote(
                    room_type=hotel.types[code], check_in=check_in, check_out=check_out, rules=rules
                )
            except StayRuleViolation:
                if live:  # give the place back
                    for d in range(first, first + length):
                        stock.sold[code][d] -= 1
                    if room_id:
                        stock.taken[room_id][first : first + length] = bytes(length)
                continue
            break
        else:
            raise RuntimeError(f"could not place a {kind} booking: too many bookings for the year")

        if kind == "pending":
            created = now - timedelta(minutes=rng.uniform(1, hold.total_seconds() / 60 - 5))
        elif kind == "pending-expired":
            created = now - hold - timedelta(minutes=rng.uniform(1, 720))
        elif kind == "expired":
            created = now - hold - timedelta(days=rng.uniform(1, 60))
        else:
            created = now - timedelta(days=rng.uniform(0.05, 120))
        updated = created + (now - created) * rng.random() if kind != "pending" else created
        held = kind in ("pending", "pending-expired", "expired")
        expires = created + hold if held else None
        status = {
            "confirmed": CONFIRMED,
            "pending": PENDING,
            "pending-expired": PENDING,
            "expired": EXPIRED,
            "cancelled": CANCELLED,
        }[kind]
        by_status[kind] += 1

        while True:
            suffix = "".join(rng.choice(ID_ALPHABET) for _ in range(8))
            booking_id = f"BK-{created:%Y%m%d}-{suffix}"
            if booking_id not in ids:
                ids.add(booking_id)
                break
        guest_first, guest_last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        source = rng.choices(sources, source_weights)[0]
        walk_in = source == "front_desk" and rng.random() < 0.5
        email = f"{guest_first}.{guest_last}{len(ids)}@example.com".lower()
        bookings.append(
            Booking(
                bookingId=booking_id,
                roomId=room_id,
                roomType=code,
                checkIn=check_in.isoformat(),
                checkOut=check_out.isoformat(),
                status=status,
                guestName=f"{guest_first} {guest_last}",
                guestEmail=None if walk_in else email,
                guestPhone=f"+91 98{rng.randrange(10**8):08d}" if rng.random() < 0.6 else None,
                guests=rng.randint(1, hotel.types[code].maxGuests),
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
        touched.update((code, d) for d in range(first, first + length))
        if live and room_id:
            assigned += 1
            hold_epoch = int(expires.timestamp()) if expires else None
            for d in range(first, first + length):
                night = start + timedelta(days=d)
                nights.append(
                    RoomNight(
                        roomId=room_id,
                        night=night.isoformat(),
                        bookingId=booking_id,
                        holdExpiresAt=hold_epoch,
                    )
                )
        assert room_id is None or room_type_of[room_id] == code

    counters = []
    for code, d in sorted(touched):
        night = start + timedelta(days=d)
        kind = hotel.types[code]
        sellable = kind.sellableRooms or 0
        counters.append(
            InventoryNight(
                night.strftime("%Y-%m"),
                f"{night.isoformat()}#{code}",
                roomType=code,
                night=night.isoformat(),
                sold=stock.sold[code][d],
                sellable=sellable,
                ceiling=max(0, sellable + (kind.overbookingLimit or 0)),
                outOfOrder=0,
            )
        )
    for model, items in ((Booking, bookings), (RoomNight, nights), (InventoryNight, counters)):
        _batch_save(model, items)
    in_service = sum(stock.weights)
    units = sum(c.sold for c in counters)
    return SeedStats(
        rooms=len(hotel.rooms),
        maintenance_rooms=len(hotel.rooms) - in_service,
        bookings=len(bookings),
        by_status=dict(sorted(by_status.items())),
        assigned=assigned,
        room_nights=len(nights),
        counters=len(counters),
        units_sold=units,
        occupancy=units / (in_service * days),
        seconds=time.perf_counter() - started - hotel.seconds,
        hotel_seconds=hotel.seconds,
        by_type={
            code: {
                "rooms": sum(1 for r in hotel.rooms if r.roomType == code),
                "sellable": hotel.types[code].sellableRooms,
                "maxGuests": hotel.types[code].maxGuests,
            }
            for code in stock.codes
        },
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


def _stay_nights(check_in: str, check_out: str) -> list[str]:
    first, end = date.fromisoformat(check_in), date.fromisoformat(check_out)
    return [(first + timedelta(days=i)).isoformat() for i in range((end - first).days)]


def consistency_check(bookings: list) -> dict:
    """The seeded data is what the services would have left: every counter's `sold` equals
    the live bookings (pending, confirmed, in house) of its type and night, never above its
    ceiling; the room-night items are exactly the assigned live bookings' nights.
    `bookings`: the items of the full Scan. Raises SystemExit."""
    from bookings.models import LIVE_STATUSES, InventoryNight, RoomNight

    wanted: Counter = Counter()
    expected: set[tuple[str, str, str]] = set()
    for raw in bookings:
        if raw["status"]["S"] not in LIVE_STATUSES:
            continue
        room_type, room_id = raw["roomType"]["S"], raw.get("roomId", {}).get("S")
        for night in _stay_nights(raw["checkIn"]["S"], raw["checkOut"]["S"]):
            wanted[(room_type, night)] += 1
            if room_id:
                expected.add((room_id, night, raw["bookingId"]["S"]))
    problems: list[str] = []
    counters = 0
    for item in InventoryNight.scan(consistent_read=True):
        counters += 1
        key = (item.roomType, item.night)
        live = wanted.pop(key, 0)
        if item.sold != live:
            problems.append(f"{key}: sold {item.sold}, live bookings {live}")
        if item.sold > item.ceiling:
            problems.append(f"{key}: sold {item.sold} > ceiling {item.ceiling}")
    problems += [f"{key}: {n} live bookings, no counter" for key, n in wanted.items() if n]
    held = {
        (n["roomId"]["S"], n["night"]["S"], n["bookingId"]["S"])
        for n in raw_scan(RoomNight.Meta.table_name, consistent=True)
    }
    if held != expected:
        problems.append(
            f"room nights: {len(held - expected)} without an assigned live booking, "
            f"{len(expected - held)} assigned live nights without one"
        )
    room_nights = len(held)
    if problems:
        raise SystemExit("consistency check failed:\n  " + "\n  ".join(problems[:20]))
    return {"counters": counters, "roomNights": room_nights, "ok": True}


def raw_scan(table: str, *, consistent: bool = False):
    """Every item of `table` as DynamoDB returns it (no model objects: 20,000 bookings are
    read in a few seconds), page by page."""
    from hotel import dynamo

    client = dynamo.connection().client
    params: dict[str, Any] = {"TableName": table, "ConsistentRead": consistent}
    while True:
        page = client.scan(**params)
        yield from page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]
