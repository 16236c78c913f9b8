"""Availability: which room types have a unit left for every night of a stay, at what price.

A search reads the inventory counters of the stay's nights (one Query per month it touches,
bookings.inventory) and the catalog — room types, rooms and rate rules — from this
process's copy, checked against the catalog stamp with one small read (hotel.stamps). Its
reads do not grow with rooms or bookings: never the room-night items, never a Scan.

`rooms` lists the rooms of the types that still have a unit (for API clients that pin a
room, as the first version did); whether a given room is free for the stay is only known
when it is booked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from hotel.stamps import stamp_token, stamped
from rooms.models import Room, RoomType
from rooms.room_types import CATALOG, room_types_all
from rooms.stock import in_service, out_of_order_nights

from . import pricing
from .inventory import inventory_read, units_left
from .models import RateRule
from .pricing import Quote, StayRuleViolation, stay_nights
from .restrictions import stay_restrictions
from .selectors import booking_quote, rate_rule_from_item, type_quote


@dataclass(frozen=True)
class TypeOffer:
    room_type: RoomType
    available: int  # units left for every night of the stay
    quote: Quote


@dataclass(frozen=True)
class Search:
    types: list[TypeOffer]  # cheapest first
    rooms: list  # [(Room, Quote)] of the types with a unit left, cheapest first
    restrictions: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class Catalog:
    room_types: list[RoomType]
    rooms: list[Room]
    rules: list[pricing.RateRule]


def catalog() -> Catalog:
    """Room types, rooms and active rate rules: one read of the stamp, the rest from this
    process's copy unless someone changed them."""
    token = stamp_token(CATALOG)
    return Catalog(
        room_types=room_types_all(cached=True, token=token),
        rooms=stamped(CATALOG, "rooms", lambda: list(Room.scan()), token=token),
        rules=stamped(
            CATALOG,
            "rules",
            lambda: [rate_rule_from_item(r) for r in RateRule.scan() if r.active],
            token=token,
        ),
    )


def rooms_search(
    *,
    check_in: date,
    check_out: date,
    now: datetime,
    room_type: str | None = None,
    guest_count: int | None = None,
    data: Catalog | None = None,
) -> Search:
    """The room types with a unit left for every night of [check_in, check_out), for
    `guest_count` guests, with their quotes, cheapest first; the rooms of those types; and
    the min/max-stay rules that kept a type out (bookings.restrictions). Dates must be
    validated first. `data`: the catalog the caller already read (one stamp read a request)."""
    data = data or catalog()
    nights = stay_nights(check_in, check_out)
    kinds = [
        t
        for t in data.room_types
        if (room_type is None or t.roomType == room_type)
        and (guest_count is None or guest_count <= t.maxGuests)
    ]
    if not kinds or not nights:
        return Search(types=[], rooms=[])
    counters = inventory_read(first=nights[0], last=nights[-1])
    offers: list[TypeOffer] = []
    refusals: list[tuple[str, StayRuleViolation]] = []
    for kind in kinds:
        left = units_left(counters, kind, nights)
        if left <= 0:
            continue
        try:
            quote = type_quote(
                room_type=kind, check_in=check_in, check_out=check_out, rules=data.rules
            )
        except StayRuleViolation as exc:
            refusals.append((kind.roomType, exc))
            continue
        offers.append(TypeOffer(room_type=kind, available=left, quote=quote))
    offers.sort(key=lambda o: (o.quote.total, o.room_type.sortOrder or 0, o.room_type.roomType))
    open_types = {o.room_type.roomType for o in offers}
    rooms = []
    quotes: dict[tuple, Quote] = {}
    for room in data.rooms:
        if room.roomType not in open_types or not in_service(room):
            continue
        if guest_count is not None and room.capacity < guest_count:
            continue
        if room.outOfOrderPeriods and out_of_order_nights(room) & set(nights):
            continue  # out of order on a night of the stay (the copy has its periods)
        price = (room.roomType, room.pricePerNight, room.currency)
        if price not in quotes:  # rooms of one type mostly share a price: quote it once
            quotes[price] = booking_quote(
                room=room, check_in=check_in, check_out=check_out, rules=data.rules
            )
        rooms.append((room, quotes[price]))
    rooms.sort(key=lambda pair: (pair[1].total, pair[0].roomId))
    return Search(types=offers, rooms=rooms, restrictions=stay_restrictions(refusals))


def rooms_available(
    *,
    check_in: date,
    check_out: date,
    now: datetime,
    room_type: str | None = None,
    guest_count: int | None = None,
) -> list[tuple[Room, Quote]]:
    """rooms_search's rooms (the rooms of the types with a unit left), cheapest first."""
    return rooms_search(
        check_in=check_in,
        check_out=check_out,
        now=now,
        room_type=room_type,
        guest_count=guest_count,
    ).rooms
