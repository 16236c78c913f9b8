"""Availability: which room types have a unit left for every night of a stay, under which
rate plans, at what price.

A search reads the inventory counters of the stay's nights (one Query per month it touches,
bookings.inventory), the rate calendar (the same) and the catalog — room types, rooms,
rate rules and rate plans — from this
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
from .clock import hotel_today
from .combinations import Combination, combinations
from .inventory import inventory_read, units_left
from .models import PromoCode, RatePlan, RateRule
from .offers import Guests, Offer, occupancy_error, type_offers
from .pricing import Quote, stay_nights
from .rate_reads import rate_calendar_read, rate_plans_all
from .selectors import booking_quote, rate_rule_from_item
from .stay_rules import merge_refusals


@dataclass(frozen=True)
class TypeOffer:
    room_type: RoomType
    available: int  # units left for every night of the stay
    offers: list[Offer]  # cheapest first; empty when restrictions refuse every plan
    restrictions: list[dict] = field(default_factory=list)

    @property
    def quote(self) -> Quote | None:
        """The cheapest offer's quote."""
        return self.offers[0].quote if self.offers else None


@dataclass(frozen=True)
class Search:
    types: list[TypeOffer]  # with offers, cheapest first
    rooms: list  # [(Room, Quote)] of the types with an offer, cheapest first
    restrictions: list[dict] = field(default_factory=list)  # over the refused types
    refused: list[TypeOffer] = field(default_factory=list)  # units left, no offer


@dataclass(frozen=True)
class Catalog:
    room_types: list[RoomType]
    rooms: list[Room]
    rules: list[pricing.RateRule]
    plans: list[RatePlan] = field(default_factory=list)
    token: str | None = None  # the catalog stamp these copies were read under


def catalog() -> Catalog:
    """Room types, rooms, active rate rules and rate plans: one read of the stamp, the rest
    from this process's copy unless someone changed them."""
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
        plans=rate_plans_all(cached=True, token=token),
        token=token,
    )


def rooms_search(
    *,
    check_in: date,
    check_out: date,
    now: datetime,
    room_type: str | None = None,
    guest_count: int | None = None,
    guests: Guests | None = None,
    promo: PromoCode | None = None,
    channel: str | None = None,
    data: Catalog | None = None,
) -> Search:
    """The room types with a unit left for every night of [check_in, check_out) that hold
    these guests, each with its offers (one per rate plan sold to `channel`), cheapest
    first; the rooms of those types; and the types that restrictions refused, with why.
    Dates (and the promo) must be validated first. `data`: the catalog the caller already
    read (one stamp read a request). Reads: the stamp, the inventory and the rate calendar
    (one Query each per month), never per room, booking or plan."""
    data = data or catalog()
    if guests is None:
        guests = Guests(adults=guest_count or 1)
        fits = (lambda t: guest_count <= t.maxGuests) if guest_count else (lambda t: True)
    else:
        fits = lambda t: occupancy_error(t, guests) is None  # noqa: E731
    nights = stay_nights(check_in, check_out)
    kinds = [
        t for t in data.room_types if (room_type is None or t.roomType == room_type) and fits(t)
    ]
    if not kinds or not nights:
        return Search(types=[], rooms=[])
    counters = inventory_read(first=nights[0], last=nights[-1])
    calendar = rate_calendar_read(
        first=check_in, last=check_out, cached=data.token is not None, token=data.token
    )
    today = hotel_today(now)
    found: list[TypeOffer] = []
    refused: list[TypeOffer] = []
    for kind in kinds:
        left = units_left(counters, kind, nights)
        if left <= 0:
            continue
        offers, restrictions = type_offers(
            kind=kind,
            check_in=check_in,
            check_out=check_out,
            now=now,
            today=today,
            guests=guests,
            plans=data.plans,
            calendar=calendar,
            rules=data.rules,
            promo=promo,
            channel=channel,
        )
        entry = TypeOffer(kind, left, offers, restrictions)
        (found if offers else refused).append(entry)
    found.sort(key=lambda o: (o.quote.total, o.room_type.sortOrder or 0, o.room_type.roomType))
    open_types = {o.room_type.roomType for o in found}
    rooms = []
    quotes: dict[tuple, Quote] = {}
    for room in data.rooms:
        if room.roomType not in open_types or not in_service(room):
            continue
        if room.capacity < guests.count:
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
    merged = merge_refusals([(t.room_type.roomType, t.restrictions) for t in refused])
    return Search(types=found, rooms=rooms, restrictions=merged, refused=refused)


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


def party_combinations(
    *,
    check_in: date,
    check_out: date,
    now: datetime,
    guests: Guests,
    promo: PromoCode | None = None,
    channel: str | None = None,
    data: Catalog | None = None,
) -> list[Combination]:
    """Rooms of several types for a party no single room holds (bookings.combinations), each
    room at its cheapest offer for the guests it gets. Reads what rooms_search reads (the
    stamp, the inventory and the rate calendar, one Query each per month), never per room or
    per combination; dates (and the promo) must be validated first."""
    data = data or catalog()
    nights = stay_nights(check_in, check_out)
    if not nights or not data.room_types:
        return []
    counters = inventory_read(first=nights[0], last=nights[-1])
    calendar = rate_calendar_read(
        first=check_in, last=check_out, cached=data.token is not None, token=data.token
    )
    today = hotel_today(now)
    left = {kind.roomType: units_left(counters, kind, nights) for kind in data.room_types}

    def price(kind: RoomType, party: Guests) -> Quote | None:
        offers, _ = type_offers(
            kind=kind,
            check_in=check_in,
            check_out=check_out,
            now=now,
            today=today,
            guests=party,
            plans=data.plans,
            calendar=calendar,
            rules=data.rules,
            promo=promo,
            channel=channel,
        )
        return offers[0].quote if offers else None

    return combinations(guests, data.room_types, left, price)
