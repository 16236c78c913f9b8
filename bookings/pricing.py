"""The pricing engine, pure: a quote is computed from its inputs alone — no database, no
clock. The API, the pages, the admin and the payment amount all price through `price_stay`.

In integer minor units, for each night of the stay:

1. base — FLEX's price in the rate calendar that night, else the room type's (or a pinned
   room's) base price with the seasonal adjustments (rate rules: the matching rule with the
   highest priority wins; a percentage adjusts the base, a fixed rule replaces it);
2. plan — the plan's own calendar price that night, else the base with the plan's
   adjustment (percent or fixed per night);
3. occupancy — plus what the guests beyond those included cost (rate_terms.Occupancy);
4. promo — minus the promo's percent of that night (or a fixed amount off the stay,
   taken from the nights in date order);

then tax = the tax percent of the nights' sum, and city tax (never discounted) on top.
Rounding: every percentage is computed exactly and rounded once, half up, to the minor
unit, where it is applied (a night's adjustment, a night's promo, the tax, the city tax).
total = room + discount (negative) + tax + city tax = the sum of the quote's lines, and it
is what the booking stores and what is charged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import translation
from django.utils.translation import ngettext

from hotel.errors import DomainError

from .rate_terms import (
    ADULT_AGE,
    CityTax,
    PlanTerms,
    Promo,
    percent_of,
    round_half_up,
)

PERCENT = "percent"
FIXED = "fixed"
DEFAULT_PLAN = PlanTerms(code="FLEX", name="Flexible")
NO_CITY_TAX = CityTax()


class StayRuleViolation(DomainError):
    status_code = 400
    code = "STAY_RULE_VIOLATION"
    default_message = "These dates do not meet the minimum or maximum stay."


@dataclass(frozen=True)
class RateRule:
    """A pricing rule. Dates are inclusive; weekdays use Monday=0 … Sunday=6."""

    name: str
    kind: str  # PERCENT (value = +/- percent) or FIXED (value = minor units per night)
    value: int
    room_type: str | None = None  # None: every room type
    start: date | None = None
    end: date | None = None
    weekdays: frozenset[int] = field(default_factory=frozenset)  # empty: every day
    priority: int = 0
    min_stay: int | None = None
    max_stay: int | None = None

    def matches(self, room_type: str, night: date) -> bool:
        return (
            (self.room_type is None or self.room_type == room_type)
            and (self.start is None or night >= self.start)
            and (self.end is None or night <= self.end)
            and (not self.weekdays or night.weekday() in self.weekdays)
        )

    def apply(self, base_price: int) -> int:
        if self.kind == FIXED:
            return self.value
        return round_half_up(
            Decimal(base_price) * (Decimal(100) + Decimal(self.value)) / Decimal(100)
        )


@dataclass(frozen=True)
class NightRate:
    night: date
    amount: int  # what the night costs after the promo, before tax
    rule: str | None = None  # the seasonal adjustment that set the base
    base: int | None = None  # the base (step 1)
    gross: int | None = None  # plan + occupancy, before the promo
    discount: int = 0

    def as_dict(self) -> dict:
        data = {"date": self.night.isoformat(), "amount": self.amount, "rule": self.rule}
        if self.gross is not None:
            data.update(base=self.base, gross=self.gross, discount=self.discount)
        return data


@dataclass(frozen=True)
class Quote:
    check_in: date
    check_out: date
    currency: str
    nightly: tuple[NightRate, ...]
    subtotal: int  # the nights after the promo, before tax
    tax: int
    tax_percent: Decimal
    total: int
    plan: PlanTerms = DEFAULT_PLAN
    adults: int | None = None
    children_ages: tuple[int, ...] = ()
    promo: Promo | None = None
    discount: int = 0  # what the promo took off (positive)
    city_tax: int = 0
    city_tax_terms: CityTax = NO_CITY_TAX
    lines: tuple[dict, ...] = ()

    @property
    def nights(self) -> int:
        return len(self.nightly)

    @property
    def due_now(self) -> int:
        return self.plan.due_now(self.total)

    def nightly_dicts(self) -> list[dict]:
        return [n.as_dict() for n in self.nightly]


def tax_on(amount: int, tax_percent: Decimal) -> int:
    """The tax on `amount` minor units (half up), as a stay's quote computes it."""
    return percent_of(amount, tax_percent)


def stay_nights(check_in: date, check_out: date) -> list[date]:
    """The nights of the half-open stay [check_in, check_out)."""
    return [check_in + timedelta(days=i) for i in range((check_out - check_in).days)]


def seasonal_base(
    base_price: int, room_type: str, night: date, rules: Sequence[RateRule]
) -> tuple[int, str | None]:
    """Step 1 without a calendar price: the base with the best matching seasonal rule."""
    matching = [r for r in rules if r.matches(room_type, night)]
    best = max(matching, key=lambda r: r.priority, default=None)
    return (max(best.apply(base_price), 0), best.name) if best else (base_price, None)


def rule_stay_violation(
    room_type: str, check_in: date, check_out: date, rules: Sequence[RateRule]
) -> StayRuleViolation | None:
    """A seasonal rule's minimum / maximum stay that the stay does not meet, if any."""
    nights = stay_nights(check_in, check_out)
    for night in nights:
        for rule in (r for r in rules if r.matches(room_type, night)):
            if rule.min_stay and len(nights) < rule.min_stay:
                return StayRuleViolation(
                    f"{rule.name}: stays that include {night.isoformat()} "
                    f"must be at least {rule.min_stay} nights.",
                    details={"rule": rule.name, "minStay": rule.min_stay, "night": str(night)},
                )
            if rule.max_stay and len(nights) > rule.max_stay:
                return StayRuleViolation(
                    f"{rule.name}: stays that include {night.isoformat()} "
                    f"can be at most {rule.max_stay} nights.",
                    details={"rule": rule.name, "maxStay": rule.max_stay, "night": str(night)},
                )
    return None


def _promo_discounts(promo: Promo | None, grosses: list[int]) -> list[int]:
    if promo is None:
        return [0] * len(grosses)
    if promo.percent is not None:
        return [min(percent_of(g, promo.percent), g) for g in grosses]
    left = max(promo.amount or 0, 0)
    discounts = []
    for gross in grosses:
        take = min(left, gross)
        discounts.append(take)
        left -= take
    return discounts


def city_tax_on(
    terms: CityTax, *, nightly: Sequence[int], adults: int, children_ages: Sequence[int]
) -> int:
    """City tax for the stay: per taxable person per night, or a percent of the nights'
    room price before any promo (a promo never lowers it), over at most `max_nights`
    nights."""
    if terms.kind == "none" or not nightly:
        return 0
    counted = list(nightly[: terms.max_nights] if terms.max_nights else nightly)
    if terms.kind == "percent":
        return percent_of(sum(counted), terms.value)
    persons = (adults if terms.from_age <= ADULT_AGE else 0) + sum(
        1 for age in children_ages if age >= terms.from_age
    )
    return round_half_up(Decimal(persons * len(counted)) * terms.value)


def _room_label(plan_name: str, nights: int) -> str:
    """The room line's label, in the default language: a booking stores its lines (terms),
    which the back office and the API read; the guest site writes its own (quote_lines)."""
    with translation.override(settings.LANGUAGE_CODE):
        return ngettext("%(plan)s, %(n)d night", "%(plan)s, %(n)d nights", nights) % {
            "plan": plan_name,
            "n": nights,
        }


def price_stay(
    *,
    room_type: str,
    base_price: int,
    currency: str,
    check_in: date,
    check_out: date,
    plan: PlanTerms = DEFAULT_PLAN,
    adults: int = 1,
    children_ages: Sequence[int] = (),
    rules: Sequence[RateRule] = (),
    calendar: dict[str, dict[date, int]] | None = None,
    promo: Promo | None = None,
    tax_percent: Decimal = Decimal(0),
    city_tax: CityTax = NO_CITY_TAX,
) -> Quote:
    """Price a stay under a plan for these guests (the module's steps). `calendar`: the
    type's calendar prices, {plan code: {night: price}} (FLEX's is the base). Restrictions
    are not checked here (bookings.stay_rules)."""
    nights = stay_nights(check_in, check_out)
    if not nights:
        raise ValueError("A stay has at least one night.")
    calendar = calendar or {}
    own, reference = calendar.get(plan.code, {}), calendar.get(DEFAULT_PLAN.code, {})
    children = tuple(int(a) for a in children_ages)
    extra = plan.occupancy.nightly_extra(adults, children)
    bases, grosses, rule_names = [], [], []
    for night in nights:
        if night in reference:
            base, rule = reference[night], None
        else:
            base, rule = seasonal_base(base_price, room_type, night, rules)
        if night in own:
            price = own[night]
        else:
            price = plan.adjustment.apply(base) if plan.adjustment else base
        bases.append(base)
        rule_names.append(rule)
        grosses.append(price + extra)
    discounts = _promo_discounts(promo, grosses)
    nightly = tuple(
        NightRate(n, g - d, r, b, g, d)
        for n, g, d, r, b in zip(nights, grosses, discounts, rule_names, bases, strict=True)
    )
    subtotal = sum(n.amount for n in nightly)
    discount = sum(discounts)
    tax = tax_on(subtotal, tax_percent)
    city = city_tax_on(city_tax, nightly=grosses, adults=adults, children_ages=children)
    persons = adults + len(children)
    lines = [{"kind": "room", "label": _room_label(plan.name, len(nights)), "amount": sum(grosses)}]
    if discount:
        lines.append({"kind": "discount", "label": f"Promo {promo.code}", "amount": -discount})
    lines.append({"kind": "tax", "label": f"Tax {tax_percent} %", "amount": tax})
    if city:
        lines.append({"kind": "cityTax", "label": "City tax", "amount": city})
    for item in plan.included:
        quantity = item.quantity(len(nights), persons)
        lines.append(
            {
                "kind": "included",
                "label": item.name,
                "code": item.code,
                "quantity": quantity,
                "value": item.value * quantity,
                "amount": 0,
            }
        )
    return Quote(
        check_in=check_in,
        check_out=check_out,
        currency=currency,
        nightly=nightly,
        subtotal=subtotal,
        tax=tax,
        tax_percent=tax_percent,
        total=subtotal + tax + city,
        plan=plan,
        adults=adults,
        children_ages=children,
        promo=promo,
        discount=discount,
        city_tax=city,
        city_tax_terms=city_tax,
        lines=tuple(lines),
    )


def quote_stay(
    *,
    room_type: str,
    base_price: int,
    currency: str,
    check_in: date,
    check_out: date,
    rules: Sequence[RateRule] = (),
    tax_percent: Decimal = Decimal(0),
) -> Quote:
    """The default plan's price, for the room's price alone. Raises StayRuleViolation when
    a matching rule's min/max stay is not met."""
    if not stay_nights(check_in, check_out):
        raise ValueError("A stay has at least one night.")
    violation = rule_stay_violation(room_type, check_in, check_out, rules)
    if violation:
        raise violation
    return price_stay(
        room_type=room_type,
        base_price=base_price,
        currency=currency,
        check_in=check_in,
        check_out=check_out,
        rules=rules,
        tax_percent=tax_percent,
    )
