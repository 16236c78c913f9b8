"""The terms a stay is priced and sold under, as pure values: a plan's price adjustment,
occupancy prices, included extras, cancellation and payment terms, a promo, the city tax.

Built from the stored plan (bookings.models.RatePlan) by `plan_terms`, and back from a
booking's snapshot (Booking.terms) by `terms_from_snapshot`, so a booking is re-priced
under the terms it was sold with, not the plan as it is today.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal

PERCENT = "percent"
FIXED = "fixed"
PREPAY = "prepay"
DEPOSIT = "deposit"
AT_HOTEL = "at_hotel"
ADULT_AGE = 18  # a child of this age or older is priced and counted as an adult

PER_STAY = "per_stay"
PER_NIGHT = "per_night"
PER_PERSON_PER_NIGHT = "per_person_per_night"
INCLUDED_UNITS = (PER_STAY, PER_NIGHT, PER_PERSON_PER_NIGHT)


def round_half_up(value: Decimal) -> int:
    """The one rounding rule: a computed amount is rounded once, half up, to the minor unit."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent_of(amount: int, percent) -> int:
    return round_half_up(Decimal(amount) * Decimal(str(percent)) / Decimal(100))


@dataclass(frozen=True)
class Adjustment:
    """A plan's price from the base: percent (+/-) of it, or fixed minor units per night."""

    kind: str
    value: int

    def apply(self, base: int) -> int:
        if self.kind == FIXED:
            return max(base + self.value, 0)
        return max(base + percent_of(base, self.value), 0)


@dataclass(frozen=True)
class ChildBand:
    from_age: int
    to_age: int  # inclusive
    price: int  # per night, minor units


@dataclass(frozen=True)
class Occupancy:
    """Who the price covers and what more guests cost per night.

    The first `included` guests (adults first, then children, oldest first) are in the
    price; beyond them an adult pays `extra_adult`, a child its age band's price (an adult's
    when no band holds its age). `extra_bed` is charged for each guest beyond `beds_for`.
    None for `included` / `beds_for`: everyone is included / no extra bed is charged."""

    included: int | None = None
    extra_adult: int = 0
    child_bands: tuple[ChildBand, ...] = ()
    extra_bed: int = 0
    beds_for: int | None = None

    def band(self, age: int) -> ChildBand | None:
        if age >= ADULT_AGE:
            return None
        return next((b for b in self.child_bands if b.from_age <= age <= b.to_age), None)

    def nightly_extra(self, adults: int, children_ages: tuple[int, ...]) -> int:
        """Minor units per night on top of the room's price for these guests."""
        guests = [None] * adults + sorted(children_ages, reverse=True)
        included = len(guests) if self.included is None else self.included
        extra = 0
        for age in guests[included:]:
            band = None if age is None else self.band(age)
            extra += band.price if band else self.extra_adult
        if self.beds_for is not None:
            extra += self.extra_bed * max(len(guests) - self.beds_for, 0)
        return extra


@dataclass(frozen=True)
class Included:
    """An extra the plan includes (e.g. breakfast): shown, carried to the bill at zero."""

    code: str
    name: str
    unit: str  # INCLUDED_UNITS
    value: int  # what it is worth per unit, minor units

    def quantity(self, nights: int, persons: int) -> int:
        if self.unit == PER_STAY:
            return 1
        if self.unit == PER_NIGHT:
            return nights
        return nights * persons


@dataclass(frozen=True)
class PlanTerms:
    code: str
    name: str
    adjustment: Adjustment | None = None
    occupancy: Occupancy = field(default_factory=Occupancy)
    included: tuple[Included, ...] = ()
    cancellation: str = ""  # "DAYS:PERCENT,…" (payments.cancellation)
    no_show_percent: int = 100
    payment: str = PREPAY
    deposit_percent: int | None = None

    def due_now(self, total: int) -> int:
        """What the payment terms take when the stay is booked."""
        if self.payment == AT_HOTEL:
            return 0
        if self.payment == DEPOSIT:
            return percent_of(total, self.deposit_percent or 0)
        return total


@dataclass(frozen=True)
class Promo:
    code: str
    percent: int | None = None  # off each night's room price, or
    amount: int | None = None  # minor units off the stay's room price


@dataclass(frozen=True)
class CityTax:
    """Per person per night (minor units) or a percent of the room price; from an age;
    capped at `max_nights`. Never discounted."""

    kind: str = "none"  # "none" | "per_person" | "percent"
    value: Decimal = Decimal(0)
    from_age: int = ADULT_AGE
    max_nights: int | None = None

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "value": str(self.value),
            "fromAge": self.from_age,
            "maxNights": self.max_nights,
        }


def occupancy_from(data: dict | None, room_type: str | None = None) -> Occupancy:
    """The occupancy of a stored plan (`occupancy` JSON), its `byType` entry winning."""
    if not data:
        return Occupancy()
    spec = dict(data)
    by_type = spec.pop("byType", None) or {}
    if room_type and room_type in by_type:
        spec = {**spec, **by_type[room_type]}
    return Occupancy(
        included=spec.get("included"),
        extra_adult=int(spec.get("extraAdult") or 0),
        child_bands=tuple(
            ChildBand(int(b["fromAge"]), int(b["toAge"]), int(b["price"]))
            for b in spec.get("childBands") or ()
        ),
        extra_bed=int(spec.get("extraBed") or 0),
        beds_for=spec.get("bedsFor"),
    )


def occupancy_dict(occupancy: Occupancy) -> dict:
    return {
        "included": occupancy.included,
        "extraAdult": occupancy.extra_adult,
        "childBands": [
            {"fromAge": b.from_age, "toAge": b.to_age, "price": b.price}
            for b in occupancy.child_bands
        ],
        "extraBed": occupancy.extra_bed,
        "bedsFor": occupancy.beds_for,
    }


def plan_terms(plan, *, room_type: str, hotel_policy: str) -> PlanTerms:
    """The pure terms of a stored RatePlan for one room type."""
    adjustment = plan.adjustment or None
    return PlanTerms(
        code=plan.ratePlan,
        name=plan.name,
        adjustment=Adjustment(adjustment["kind"], int(adjustment["value"])) if adjustment else None,
        occupancy=occupancy_from(plan.occupancy, room_type),
        included=tuple(
            Included(i["code"], i["name"], i["unit"], int(i.get("value") or 0))
            for i in plan.included or ()
        ),
        cancellation=plan.cancellation or hotel_policy,
        no_show_percent=100 if plan.noShowPercent is None else int(plan.noShowPercent),
        payment=plan.payment or PREPAY,
        deposit_percent=plan.depositPercent,
    )


def terms_snapshot(terms: PlanTerms) -> dict:
    """The plan part of a booking's snapshot (Booking.terms), JSON-ready."""
    data = asdict(terms)
    return {
        "ratePlan": terms.code,
        "name": terms.name,
        "adjustment": data["adjustment"],
        "occupancy": occupancy_dict(terms.occupancy),
        "included": [
            {"code": i.code, "name": i.name, "unit": i.unit, "value": i.value}
            for i in terms.included
        ],
        "cancellation": terms.cancellation,
        "noShowPercent": terms.no_show_percent,
        "payment": terms.payment,
        "depositPercent": terms.deposit_percent,
    }


def terms_from_snapshot(data: dict) -> PlanTerms:
    adjustment = data.get("adjustment")
    return PlanTerms(
        code=data["ratePlan"],
        name=data.get("name") or data["ratePlan"],
        adjustment=Adjustment(adjustment["kind"], int(adjustment["value"])) if adjustment else None,
        occupancy=occupancy_from(data.get("occupancy")),
        included=tuple(
            Included(i["code"], i["name"], i["unit"], int(i.get("value") or 0))
            for i in data.get("included") or ()
        ),
        cancellation=data.get("cancellation") or "",
        no_show_percent=int(data.get("noShowPercent", 100)),
        payment=data.get("payment") or PREPAY,
        deposit_percent=data.get("depositPercent"),
    )
