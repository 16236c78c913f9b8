"""Offers: a room type priced under each rate plan that sells it, for these guests, with a
promo code — or the restrictions that keep it from being sold. The one place the API, the
guest site, the back office and the booking itself get a price from (bookings.pricing does
the arithmetic).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.utils.translation import gettext as _

from hotel.errors import ValidationFailed
from hotel.languages import translated
from rooms.models import RoomType

from .cancellation_terms import InvalidPolicy, free_until, parse_policy
from .exceptions import TooManyGuests
from .models import PromoCode, RatePlan
from .pricing import Quote, RateRule, price_stay
from .rate_reads import CalendarView, city_tax_terms, hotel_policy, plan_sells
from .rate_terms import ADULT_AGE, Promo, plan_terms
from .selectors import tax_percent
from .stay_rules import merge_refusals, stay_refusals

MAX_CHILDREN = 8


@dataclass(frozen=True)
class Guests:
    adults: int
    children_ages: tuple[int, ...] = ()

    @property
    def count(self) -> int:
        return self.adults + len(self.children_ages)

    @property
    def children(self) -> int:
        """Children under the adult age (older ones count as adults)."""
        return sum(1 for a in self.children_ages if a < ADULT_AGE)


def guests_from(
    *, adults: int | None, children_ages: Sequence[int] | None, guest_count: int | None
) -> Guests:
    """`adults` and `childrenAges`, or the first version's `guestCount` (= adults)."""
    if adults is None:
        adults = guest_count if guest_count is not None else 1
    return Guests(adults=adults, children_ages=tuple(int(a) for a in children_ages or ()))


def occupancy_error(kind: RoomType, guests: Guests) -> str | None:
    """Why `kind` cannot hold these guests, or None (naming it in the active language)."""
    adults = guests.adults + (len(guests.children_ages) - guests.children)
    name = translated(kind, "name")
    if guests.count > kind.maxGuests:
        return _("A %(name)s takes up to %(n)d guests.") % {"name": name, "n": kind.maxGuests}
    if kind.maxAdults and adults > kind.maxAdults:
        return _("A %(name)s takes up to %(n)d adults.") % {"name": name, "n": kind.maxAdults}
    if guests.children > (kind.maxChildren or 0) and guests.children > kind.maxGuests - adults:
        return _("A %(name)s takes up to %(n)d children.") % {
            "name": name,
            "n": kind.maxChildren or 0,
        }
    return None


def occupancy_check(kind: RoomType, guests: Guests) -> None:
    """TooManyGuests unless `kind` holds these guests."""
    problem = occupancy_error(kind, guests)
    if problem:
        raise TooManyGuests(problem, details={"fields": {"adults": [problem]}})


# --- promo codes --------------------------------------------------------------------------------


def promo_refusal(
    promo: PromoCode | None, *, today: date, check_in: date, check_out: date
) -> str | None:
    """Why a promo code cannot be used for this stay booked today, or None."""
    if promo is None or promo.active is False:
        return _("This promo code does not exist.")
    if promo.bookFrom and today.isoformat() < promo.bookFrom:
        return _("This promo code can be used from %(day)s.") % {"day": promo.bookFrom}
    if promo.bookTo and today.isoformat() > promo.bookTo:
        return _("This promo code has expired.")
    last_night = date.fromordinal(check_out.toordinal() - 1).isoformat()
    if (promo.stayFrom and check_in.isoformat() < promo.stayFrom) or (
        promo.stayTo and last_night > promo.stayTo
    ):
        return _("This promo code is for stays from %(a)s to %(b)s.") % {
            "a": promo.stayFrom or "…",
            "b": promo.stayTo or "…",
        }
    if promo.maxUses is not None and (promo.uses or 0) >= promo.maxUses:
        return _("This promo code has been used up.")
    return None


def promo_for_plan(promo: PromoCode | None, plan_code: str) -> Promo | None:
    if promo is None or (promo.ratePlans and plan_code not in promo.ratePlans):
        return None
    return Promo(code=promo.code, percent=promo.percent, amount=promo.amount)


# --- offers -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Offer:
    plan: RatePlan
    quote: Quote
    free_until: datetime | None

    @property
    def payment_terms(self) -> str:
        return self.quote.plan.payment


def _free_until(quote: Quote, now: datetime) -> datetime | None:
    try:
        policy = parse_policy(quote.plan.cancellation)
    except InvalidPolicy:
        return None
    moment = free_until(quote.check_in, policy, settings.TIME_ZONE)
    return moment if moment and moment > now else None


def type_offers(
    *,
    kind: RoomType,
    check_in: date,
    check_out: date,
    now: datetime,
    today: date,
    guests: Guests,
    plans: Sequence[RatePlan],
    calendar: CalendarView,
    rules: Sequence[RateRule],
    promo: PromoCode | None = None,
    channel: str | None = None,
    base_price: int | None = None,
    only_plan: str | None = None,
) -> tuple[list[Offer], list[dict]]:
    """`kind`'s offers for the stay, cheapest first, and — when there are none — the
    restrictions that refused them (merged across plans). `base_price`: a pinned room's.
    The guests must fit the type (occupancy_check) and the promo be usable (promo_refusal)."""
    offers: list[Offer] = []
    refused: list[tuple[str, list[dict]]] = []
    prices = calendar.prices(kind.roomType)
    policy = hotel_policy()
    for plan in plans:
        if only_plan is not None and plan.ratePlan != only_plan:
            continue
        if not plan_sells(plan, kind.roomType, channel):
            continue
        refusals = stay_refusals(
            room_type=kind.roomType,
            check_in=check_in,
            check_out=check_out,
            today=today,
            days=calendar.rules(kind.roomType, plan.ratePlan),
            rules=rules,
        )
        if refusals:
            refused.append((kind.roomType, refusals))
            continue
        quote = price_stay(
            room_type=kind.roomType,
            base_price=kind.basePrice if base_price is None else base_price,
            currency=kind.currency,
            check_in=check_in,
            check_out=check_out,
            plan=plan_terms(plan, room_type=kind.roomType, hotel_policy=policy),
            adults=guests.adults,
            children_ages=guests.children_ages,
            rules=rules,
            calendar=prices,
            promo=promo_for_plan(promo, plan.ratePlan),
            tax_percent=tax_percent(),
            city_tax=city_tax_terms(),
        )
        offers.append(Offer(plan=plan, quote=quote, free_until=_free_until(quote, now)))
    offers.sort(key=lambda o: (o.quote.total, o.plan.sortOrder or 0, o.plan.ratePlan))
    restrictions = [] if offers else merge_refusals(refused)
    for entry in restrictions:
        entry.pop("roomTypes", None)
    return offers, restrictions


def guests_field_errors(adults, children_ages) -> dict[str, list[str]]:
    """Shape errors of `adults` / `childrenAges` (the serializers check types)."""
    errors: dict[str, list[str]] = {}
    if children_ages is not None:
        if len(children_ages) > MAX_CHILDREN:
            errors["childrenAges"] = [f"At most {MAX_CHILDREN} children."]
        elif any(not 0 <= a <= 17 for a in children_ages):
            errors["childrenAges"] = ["Each child's age is a whole number from 0 to 17."]
    return errors


def plan_unknown(code: str) -> ValidationFailed:
    return ValidationFailed(
        details={"fields": {"ratePlan": [f"No rate plan {code[:40]} sells this room type."]}}
    )
