"""Reads of what stays are sold under: rate plans, the rate calendar, promo codes, city tax.

Plans are catalog data (a small table, kept per process under the catalog stamp, like the
room types and rate rules). The calendar is read for a stay's dates with one Query per
month, whatever the number of plans and types. The default plan FLEX always exists: until
someone stores it (migrate_rates, or the first edit), it is the hotel's first-version
pricing — every type, the type's price, the hotel's cancellation policy, prepay.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from pynamodb.exceptions import DoesNotExist

from hotel.stamps import stamped
from rooms.room_types import CATALOG

from .models import PROMO_ITEM, PromoCode, RateDay, RatePlan
from .rate_terms import ADULT_AGE, CityTax
from .stay_rules import DayRules

DEFAULT_PLAN = "FLEX"
ALL_CHANNELS = ["web", "api", "staff"]


def default_plan_item() -> RatePlan:
    """FLEX as it is before anyone stored it (the first version's pricing)."""
    return RatePlan(
        ratePlan=DEFAULT_PLAN,
        name="Flexible",
        description="Pay now, cancel by the hotel's policy.",
        roomTypes=[],
        active=True,
        channels=list(ALL_CHANNELS),
        adjustment=None,
        cancellation=None,
        noShowPercent=100,
        payment="prepay",
        sortOrder=0,
        revision=0,
        lastUpdated=datetime(2026, 1, 1, tzinfo=UTC),
    )


def _load_plans() -> list[RatePlan]:
    plans = {p.ratePlan: p for p in RatePlan.scan()}
    plans.setdefault(DEFAULT_PLAN, default_plan_item())
    return sorted(plans.values(), key=lambda p: (p.sortOrder or 0, p.ratePlan))


def rate_plans_all(*, cached: bool = False, token: str | None = None) -> list[RatePlan]:
    """Every plan (FLEX included, stored or not), in display order."""
    if cached:
        return list(stamped(CATALOG, "rate-plans", _load_plans, token=token))
    return _load_plans()


def rate_plan_get(code: str, *, consistent: bool = False) -> RatePlan | None:
    """The plan `code` (FLEX even before it is stored), or None."""
    try:
        return RatePlan.get(code, consistent_read=consistent)
    except DoesNotExist:
        return default_plan_item() if code == DEFAULT_PLAN else None


def plan_sells(plan: RatePlan, room_type: str, channel: str | None) -> bool:
    """Whether `plan` is offered for `room_type` to `channel` ("web", "api", "staff";
    None: any)."""
    return (
        bool(plan.active)
        and (not plan.roomTypes or room_type in plan.roomTypes)
        and (channel is None or channel in (plan.channels or ALL_CHANNELS))
    )


def hotel_policy() -> str:
    return settings.HOTEL_CANCELLATION_POLICY


# --- the rate calendar ------------------------------------------------------------------------


def calendar_slot(day: date, room_type: str, plan: str) -> str:
    return f"{day.isoformat()}#{room_type}#{plan}"


def _months(first: date, last: date) -> list[str]:
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def day_rules(item: RateDay) -> DayRules:
    return DayRules(
        min_stay=item.minStay,
        max_stay=item.maxStay,
        min_stay_through=item.minStayThrough,
        closed_to_arrival=bool(item.closedToArrival),
        closed_to_departure=bool(item.closedToDeparture),
        stop_sell=bool(item.stopSell),
        min_advance=item.minAdvance,
        max_advance=item.maxAdvance,
    )


class CalendarView:
    """The calendar items of a date range, by (room type, plan)."""

    def __init__(self, items):
        self.items: dict[tuple[str, str], dict[date, RateDay]] = defaultdict(dict)
        for item in items:
            self.items[(item.roomType, item.ratePlan)][date.fromisoformat(item.date)] = item

    def prices(self, room_type: str) -> dict[str, dict[date, int]]:
        """{plan: {date: price}} of one type (the engine's `calendar`)."""
        found: dict[str, dict[date, int]] = defaultdict(dict)
        for (kind, plan), days in self.items.items():
            if kind == room_type:
                for day, item in days.items():
                    if item.price is not None:
                        found[plan][day] = item.price
        return found

    def rules(self, room_type: str, plan: str) -> dict[date, DayRules]:
        return {d: day_rules(i) for d, i in self.items.get((room_type, plan), {}).items()}


def rate_calendar_read(
    *,
    first: date,
    last: date,
    consistent: bool = False,
    cached: bool = False,
    token: str | None = None,
) -> CalendarView:
    """The calendar items from `first` to `last` inclusive (a stay's nights and its
    departure day), every type and plan: one Query per month.

    `cached` (searches): each month from this process's copy while the catalog stamp is
    unchanged (`token`: the stamp already read) — every calendar write bumps it — so a
    search's reads do not grow with plans or dates. A booking reads the table itself
    (`consistent` for the answer to a write)."""
    low, high = first.isoformat(), f"{last.isoformat()}#\uffff"
    items = []
    for month in _months(first, last):
        if cached:
            whole = stamped(
                CATALOG, f"calendar:{month}", lambda m=month: list(RateDay.query(m)), token=token
            )
            items += [i for i in whole if low <= i.slot <= high]
        else:
            items += RateDay.query(
                month, RateDay.slot.between(low, high), consistent_read=consistent
            )
    return CalendarView(items)


# --- promo codes and city tax -------------------------------------------------------------------


def promo_get(code: str, *, consistent: bool = True) -> PromoCode | None:
    """The promo code (case-insensitive), or None. A search may read it eventually
    consistent: the booking's transaction checks its limit again."""
    code = (code or "").strip().upper()
    if not code or len(code) > 40:
        return None
    try:
        return PromoCode.get(code, PROMO_ITEM, consistent_read=consistent)
    except DoesNotExist:
        return None


def city_tax_terms() -> CityTax:
    """HOTEL_CITY_TAX: "" (none), "per_person:250" (minor units per person per night) or
    "percent:2.5"; HOTEL_CITY_TAX_FROM_AGE (default 18: adults only);
    HOTEL_CITY_TAX_MAX_NIGHTS (default: no cap)."""
    spec = (getattr(settings, "HOTEL_CITY_TAX", "") or "").strip()
    if not spec:
        return CityTax()
    kind, _, value = spec.partition(":")
    try:
        amount = Decimal(value)
    except InvalidOperation:
        return CityTax()
    if kind not in ("per_person", "percent") or amount <= 0:
        return CityTax()
    cap = getattr(settings, "HOTEL_CITY_TAX_MAX_NIGHTS", None)
    return CityTax(
        kind=kind,
        value=amount,
        from_age=int(getattr(settings, "HOTEL_CITY_TAX_FROM_AGE", ADULT_AGE)),
        max_nights=int(cap) if cap else None,
    )
