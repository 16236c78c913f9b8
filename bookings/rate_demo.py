"""The demo hotel's rate plans and a promo code (seed_demo, local stage only; idempotent:
a plan or code already there is left as it is).

FLEX stays the default (the hotel's policy, pay now); NONREF sells every type 15 % cheaper,
non-refundable; BB is bed & breakfast with a 30 % deposit, priced by who stays (two guests
included, an extra adult, children by age) and breakfast included; WELCOME10 takes 10 % off
FLEX and BB. The extras: breakfast (per guest per night; included in BB, so not sold
again there), parking (10 spaces a night) and the airport shuttle (8 seats a day).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pynamodb.exceptions import PutError

from hotel.stamps import stamp_bump
from rooms.room_types import CATALOG, PRICING

from .extras.models import Extra
from .models import PROMO_ITEM, PromoCode, RatePlan
from .rate_reads import ALL_CHANNELS

OCCUPANCY = {
    "included": 2,
    "extraAdult": 150000,
    "childBands": [
        {"fromAge": 0, "toAge": 2, "price": 0},
        {"fromAge": 3, "toAge": 11, "price": 75000},
    ],
}
PLANS = (
    {
        "ratePlan": "NONREF",
        "name": "Non-refundable, save 15 %",
        "description": "The best price. Paid now, not refunded if you cancel.",
        "adjustment": {"kind": "percent", "value": -15},
        "cancellation": "0:0",
        "payment": "prepay",
        "sortOrder": 1,
    },
    {
        "ratePlan": "BB",
        "name": "Bed & breakfast",
        "description": "Breakfast for everyone in the room. 30 % now, the rest at the hotel.",
        "adjustment": {"kind": "fixed", "value": 90000},
        "payment": "deposit",
        "depositPercent": 30,
        "occupancy": OCCUPANCY,
        "included": [
            {
                "code": "BREAKFAST",
                "name": "Breakfast",
                "unit": "per_person_per_night",
                "value": 45000,
            }
        ],
        "sortOrder": 2,
    },
)

EXTRAS = (
    {
        "code": "BREAKFAST",
        "name": "Breakfast",
        "description": "Buffet breakfast, 7 to 10:30.",
        "price": 45000,
        "unit": "per_person_per_night",
        "includedIn": ["BB"],
        "sortOrder": 1,
    },
    {
        "code": "PARKING",
        "name": "Parking",
        "description": "A covered space in the hotel's garage.",
        "price": 30000,
        "unit": "per_night",
        "dailyStock": 10,
        "sortOrder": 2,
    },
    {
        "code": "SHUTTLE",
        "name": "Airport shuttle",
        "description": "One seat, airport to hotel on your arrival day.",
        "price": 120000,
        "unit": "per_item",
        "dailyStock": 8,
        "sortOrder": 3,
    },
)


def seed_demo_rates(*, now: datetime, log: Callable[[str], None]) -> None:
    added = 0
    for spec in PLANS:
        plan = RatePlan(
            roomTypes=[], active=True, channels=list(ALL_CHANNELS), lastUpdated=now, **spec
        )
        try:
            plan.save(condition=RatePlan.ratePlan.does_not_exist())
            added += 1
        except PutError:
            pass
    try:
        PromoCode(
            code="WELCOME10",
            item=PROMO_ITEM,
            description="10 % off, demo",
            percent=10,
            ratePlans=["FLEX", "BB"],
            uses=0,
            active=True,
            lastUpdated=now,
        ).save(condition=PromoCode.code.does_not_exist())
        added += 1
    except PutError:
        pass
    for spec in EXTRAS:
        try:
            Extra(revision=1, lastUpdated=now, **spec).save(condition=Extra.code.does_not_exist())
            added += 1
        except PutError:
            pass
    if added:
        stamp_bump(CATALOG)
        stamp_bump(PRICING)
    log(
        f"{added} rate plans, promo codes and extras added" if added else "rate plans already there"
    )
