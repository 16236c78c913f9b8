"""The availability benchmark's rate plans, rate calendar and promo code (bench.availability).

`rate_setup(plans, calendar=...)` empties the rate tables and writes the bench hotel's rates
in one of three shapes, so that one run compares them on the same machine:

- FLEX only, no calendar, no promo code: the room-types issue's hotel (FLEX is implicit:
  bookings.rate_reads.default_plan_item);
- 5 plans: FLEX, NONREF (−15 %, non-refundable), BB (fixed supplement, 30 % deposit,
  priced by who stays with child bands, breakfast included), CORP (staff only, pay at the
  hotel) and WEB (the guest site only);
- 10 plans: those and five more, to show what doubling the plans costs a search.

With `calendar`, every room type × plan (FLEX included) × night of the searched horizon
has a `bookings.models.RateDay`: a price and a few restrictions (a maximum stay on every
date; minimum stays, closed to arrival / departure, stop-sell and minimum advance on some),
keyed by month and "date#type#plan" as bookings.rate_reads.calendar_slot keys them, written
with BatchWriteItem. A promo code (BENCH10, 10 % off every plan) exists with the plans.
The catalog stamp is bumped after every write (the searches reload the plans), as
bookings.rates does after a write of the rules.
"""

from __future__ import annotations

import statistics
import time
from datetime import date, datetime, timedelta

from bench.capacity import item_bytes
from bench.seeding import HOTEL_TYPES, YEAR_START, _batch_save, _rate_rules

RATE_TABLES = ("rate-plans", "rate-calendar", "promo-codes")
PROMO_CODE = "BENCH10"
CHILD_OCCUPANCY = {
    "included": 2,
    "extraAdult": 150_000,
    "childBands": [
        {"fromAge": 0, "toAge": 2, "price": 0},
        {"fromAge": 3, "toAge": 11, "price": 75_000},
    ],
}
BREAKFAST = {"code": "BREAKFAST", "name": "Breakfast", "unit": "per_person_per_night"}
DINNER = {"code": "DINNER", "name": "Dinner", "unit": "per_person_per_night"}
# The stored plans, in the order the configurations take them (FLEX is implicit, first).
PLAN_SPECS = (
    {
        "ratePlan": "NONREF",
        "name": "Non-refundable, save 15 %",
        "adjustment": {"kind": "percent", "value": -15},
        "cancellation": "0:0",
        "payment": "prepay",
    },
    {
        "ratePlan": "BB",
        "name": "Bed & breakfast",
        "adjustment": {"kind": "fixed", "value": 90_000},
        "payment": "deposit",
        "depositPercent": 30,
        "occupancy": CHILD_OCCUPANCY,
        "included": [{**BREAKFAST, "value": 45_000}],
    },
    {
        "ratePlan": "CORP",
        "name": "Corporate",
        "adjustment": {"kind": "percent", "value": -10},
        "payment": "at_hotel",
        "channels": ["staff"],
    },
    {
        "ratePlan": "WEB",
        "name": "Book direct, save 5 %",
        "adjustment": {"kind": "percent", "value": -5},
        "channels": ["web"],
    },
    # The five more of the 10-plan configuration.
    {
        "ratePlan": "ADV14",
        "name": "Book 14 days ahead",
        "adjustment": {"kind": "percent", "value": -20},
        "cancellation": "0:0",
    },
    {
        "ratePlan": "HB",
        "name": "Half board",
        "adjustment": {"kind": "fixed", "value": 160_000},
        "payment": "deposit",
        "depositPercent": 50,
        "occupancy": CHILD_OCCUPANCY,
        "included": [{**BREAKFAST, "value": 45_000}, {**DINNER, "value": 90_000}],
    },
    {"ratePlan": "LONG", "name": "Long stay", "adjustment": {"kind": "percent", "value": -12}},
    {
        "ratePlan": "MOBILE",
        "name": "Mobile rate",
        "adjustment": {"kind": "percent", "value": -8},
        "channels": ["web"],
    },
    {
        "ratePlan": "PKG",
        "name": "Harbour package",
        "adjustment": {"kind": "fixed", "value": 250_000},
        "payment": "at_hotel",
    },
)
MAX_PLANS = len(PLAN_SPECS) + 1


def plan_codes(count: int) -> list[str]:
    """The codes of a configuration of `count` plans, FLEX first."""
    return ["FLEX", *(s["ratePlan"] for s in PLAN_SPECS[: count - 1])]


def _plan_items(count: int, now: datetime) -> list:
    from bookings.models import RatePlan
    from bookings.rate_reads import ALL_CHANNELS

    return [
        RatePlan(
            **{"channels": list(ALL_CHANNELS), **spec},
            description=f"{spec['name']} (bench).",
            roomTypes=[],
            active=True,
            sortOrder=order,
            revision=1,
            lastUpdated=now,
        )
        for order, spec in enumerate(PLAN_SPECS[: count - 1], start=1)
    ]


def _restrictions(plan: str, night: date) -> dict:
    """A few restrictions per plan: a maximum stay everywhere, the rest on some dates."""
    found: dict = {"maxStay": 28}
    weekday = night.weekday()
    if plan == "NONREF":
        found["minAdvance"] = 3
        found["closedToArrival"] = weekday == 6 or None  # no Sunday arrivals
    elif plan == "BB" and weekday == 5:
        found["minStay"] = 2  # Saturday arrivals stay two nights
    elif plan == "CORP" and night.day <= 3:
        found["stopSell"] = True
    elif plan == "WEB" and weekday == 0:
        found["closedToDeparture"] = True
    elif plan == "ADV14":
        found["minAdvance"] = 14
    elif plan == "HB":
        found["minStay"] = 2
    elif plan == "LONG":
        found["minStay"] = 5
    elif plan == "PKG" and weekday in (4, 5):
        found["minStayThrough"] = 2
    else:
        found["minStay"] = 1
    return {k: v for k, v in found.items() if v is not None}


def calendar_items(
    codes: list[str], *, start: date, days: int, now: datetime, types=HOTEL_TYPES
) -> list:
    """A RateDay for every type × plan in `codes` × date from `start` to `start + days`: FLEX
    priced as the seasonal rules price the type's base, the other plans by their adjustment
    of that, and each with `_restrictions`."""
    from bookings.models import RateDay
    from bookings.pricing import seasonal_base
    from bookings.rate_reads import calendar_slot
    from bookings.rate_terms import Adjustment
    from bookings.selectors import rate_rule_from_item

    rules = [rate_rule_from_item(r) for r in _rate_rules(now, start)]
    specs = {s["ratePlan"]: s for s in PLAN_SPECS}
    adjustments = {
        code: Adjustment(specs[code]["adjustment"]["kind"], specs[code]["adjustment"]["value"])
        for code in codes
        if code in specs
    }
    items = []
    for offset in range(days + 1):
        night = start + timedelta(days=offset)
        for code, _name, _rooms, _guests, base_price, _amenities in types:
            flex, _rule = seasonal_base(base_price, code, night, rules)
            for plan in codes:
                price = adjustments[plan].apply(flex) if plan in adjustments else flex
                items.append(
                    RateDay(
                        night.strftime("%Y-%m"),
                        calendar_slot(night, code, plan),
                        date=night.isoformat(),
                        roomType=code,
                        ratePlan=plan,
                        price=price,
                        updatedAt=now,
                        **_restrictions(plan, night),
                    )
                )
    return items


def _promo(now: datetime):
    from bookings.models import PROMO_ITEM, PromoCode

    return PromoCode(
        code=PROMO_CODE,
        item=PROMO_ITEM,
        description="10 % off every plan (bench)",
        percent=10,
        uses=0,
        active=True,
        lastUpdated=now,
    )


def rate_setup(
    plans: int,
    *,
    calendar: bool,
    start: date = YEAR_START,
    days: int = 365,
    now: datetime,
    reset,
) -> dict:
    """Empty the rate tables (`reset(entities)`) and write `plans` plans (FLEX implicit),
    with a dense calendar when `calendar`, and the promo code when there is more than FLEX.
    Returns what was written."""
    from bookings.models import PromoCode, RateDay, RatePlan
    from hotel.stamps import stamp_bump
    from rooms.room_types import CATALOG

    started = time.perf_counter()
    reset(RATE_TABLES)
    codes = plan_codes(plans)
    _batch_save(RatePlan, _plan_items(plans, now))
    items = calendar_items(codes, start=start, days=days, now=now) if calendar else []
    _batch_save(RateDay, items)
    if plans > 1:
        _promo(now).save()
    stamp_bump(CATALOG)
    sizes = [item_bytes(i.serialize()) for i in items[:2000]]
    return {
        "plans": codes,
        "calendarItems": len(items),
        "calendarMeanBytes": round(statistics.fmean(sizes)) if sizes else 0,
        "promoCode": PROMO_CODE if plans > 1 else None,
        "seconds": round(time.perf_counter() - started, 1),
        "tables": [t.Meta.table_name for t in (RatePlan, RateDay, PromoCode)],
    }
