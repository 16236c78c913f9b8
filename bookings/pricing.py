"""Pricing is pure: a quote is computed from its inputs alone — no database, no clock.

Quote = per-night rate × nights + tax, in integer minor units. A night's rate is the
room's base price unless rate rules match it: the matching rule with the highest
priority wins (a percentage adjusts the base price, a fixed rule replaces it). Every
rule that touches a night of the stay also imposes its minimum / maximum stay.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from hotel.errors import DomainError

PERCENT = "percent"
FIXED = "fixed"


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
        return _round(Decimal(base_price) * (Decimal(100) + Decimal(self.value)) / Decimal(100))


@dataclass(frozen=True)
class NightRate:
    night: date
    amount: int
    rule: str | None = None

    def as_dict(self) -> dict:
        return {"date": self.night.isoformat(), "amount": self.amount, "rule": self.rule}


@dataclass(frozen=True)
class Quote:
    check_in: date
    check_out: date
    currency: str
    nightly: tuple[NightRate, ...]
    subtotal: int
    tax: int
    tax_percent: Decimal
    total: int

    @property
    def nights(self) -> int:
        return len(self.nightly)

    def nightly_dicts(self) -> list[dict]:
        return [n.as_dict() for n in self.nightly]


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def tax_on(amount: int, tax_percent: Decimal) -> int:
    """The tax on `amount` minor units (half up), as a stay's quote computes it."""
    return _round(Decimal(amount) * tax_percent / Decimal(100))


def stay_nights(check_in: date, check_out: date) -> list[date]:
    """The nights of the half-open stay [check_in, check_out)."""
    return [check_in + timedelta(days=i) for i in range((check_out - check_in).days)]


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
    """Price a stay. Raises StayRuleViolation when a matching rule's min/max stay is not met."""
    nights = stay_nights(check_in, check_out)
    if not nights:
        raise ValueError("A stay has at least one night.")
    count = len(nights)
    nightly = []
    for night in nights:
        matching = [r for r in rules if r.matches(room_type, night)]
        for rule in matching:
            if rule.min_stay and count < rule.min_stay:
                raise StayRuleViolation(
                    f"{rule.name}: stays that include {night.isoformat()} "
                    f"must be at least {rule.min_stay} nights.",
                    details={
                        "rule": rule.name,
                        "minStay": rule.min_stay,
                        "night": night.isoformat(),
                    },
                )
            if rule.max_stay and count > rule.max_stay:
                raise StayRuleViolation(
                    f"{rule.name}: stays that include {night.isoformat()} "
                    f"can be at most {rule.max_stay} nights.",
                    details={
                        "rule": rule.name,
                        "maxStay": rule.max_stay,
                        "night": night.isoformat(),
                    },
                )
        best = max(matching, key=lambda r: r.priority, default=None)
        amount = best.apply(base_price) if best else base_price
        nightly.append(NightRate(night, max(amount, 0), best.name if best else None))
    subtotal = sum(n.amount for n in nightly)
    tax = tax_on(subtotal, tax_percent)
    return Quote(
        check_in=check_in,
        check_out=check_out,
        currency=currency,
        nightly=tuple(nightly),
        subtotal=subtotal,
        tax=tax,
        tax_percent=tax_percent,
        total=subtotal + tax,
    )
