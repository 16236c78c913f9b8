"""The price of a stay being booked or changed, and the snapshot a booking keeps of it.

A new booking is priced under its plan as the plan is now (`quote_request`); a booking's
change is re-priced under the terms it was sold with — its snapshot's plan adjustment,
occupancy prices, promo, tax and city tax — over today's calendar prices
(`quote_booking`). Either way the quote comes from bookings.pricing and the booking stores
exactly it (`booking_price_fields`).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from rooms.models import Room, RoomType
from rooms.room_types import room_type_get
from rooms.selectors import room_get

from .clock import hotel_today
from .models import Booking, PromoCode
from .offers import Guests, occupancy_check, plan_unknown, type_offers
from .pricing import Quote, price_stay
from .rate_reads import DEFAULT_PLAN, hotel_policy, rate_calendar_read, rate_plan_get
from .rate_terms import CityTax, PlanTerms, Promo, terms_from_snapshot, terms_snapshot
from .selectors import rate_rules_active, tax_percent
from .stay_rules import refusal_error, stay_refusals


def quote_request(
    *,
    kind: RoomType,
    check_in: date,
    check_out: date,
    now: datetime,
    guests: Guests,
    plan_code: str | None,
    promo: PromoCode | None,
    channel: str | None,
    room: Room | None = None,
) -> Quote:
    """The offer a new booking takes: `kind` (or the pinned `room`) under `plan_code`
    (default FLEX) for these guests. Raises TooManyGuests, ValidationFailed (no such plan
    for this type and channel), StayRuleViolation (its restrictions, all in details)."""
    occupancy_check(kind, guests)
    code = plan_code or DEFAULT_PLAN
    plan = rate_plan_get(code)
    if plan is None:
        raise plan_unknown(code)
    offers, restrictions = type_offers(
        kind=kind,
        check_in=check_in,
        check_out=check_out,
        now=now,
        today=hotel_today(now),
        guests=guests,
        plans=[plan],
        calendar=rate_calendar_read(first=check_in, last=check_out, consistent=True),
        rules=rate_rules_active(),
        promo=promo,
        channel=channel,
        base_price=room.pricePerNight if room else None,
    )
    if restrictions:
        raise refusal_error(restrictions)
    if not offers:
        raise plan_unknown(code)
    return offers[0].quote


def _snapshot_promo(booking: Booking) -> Promo | None:
    data = (booking.terms or {}).get("promo")
    if not data:
        return None
    return Promo(code=data["code"], percent=data.get("percent"), amount=data.get("amount"))


def _snapshot_city_tax(booking: Booking) -> CityTax:
    data = (booking.terms or {}).get("cityTax")
    if not data:
        return CityTax()
    cap = data.get("maxNights")
    return CityTax(
        kind=data["kind"],
        value=Decimal(data["value"]),
        from_age=int(data["fromAge"]),
        max_nights=int(cap) if cap else None,
    )


def booking_guests(booking: Booking) -> Guests:
    adults = booking.adults if booking.adults is not None else booking.guests
    return Guests(adults=adults, children_ages=tuple(int(a) for a in booking.childrenAges or ()))


def quote_booking(
    *,
    booking: Booking,
    kind: RoomType,
    check_in: date,
    check_out: date,
    now: datetime,
    room: Room | None = None,
) -> Quote:
    """What `booking` costs as `kind` (or in the pinned `room`) on these dates, under the
    terms it was sold with. Raises TooManyGuests, StayRuleViolation."""
    guests = booking_guests(booking)
    occupancy_check(kind, guests)
    if booking.terms:
        plan = terms_from_snapshot(booking.terms)
        taxes = Decimal(str(booking.terms.get("taxPercent", tax_percent())))
    else:  # sold before rate plans: the first version's terms
        plan = PlanTerms(code=DEFAULT_PLAN, name="Flexible", cancellation=hotel_policy())
        taxes = tax_percent()
    calendar = rate_calendar_read(first=check_in, last=check_out, consistent=True)
    rules = rate_rules_active()
    refusals = stay_refusals(
        room_type=kind.roomType,
        check_in=check_in,
        check_out=check_out,
        today=hotel_today(now),
        days=calendar.rules(kind.roomType, plan.code),
        rules=rules,
    )
    if refusals:
        raise refusal_error(refusals)
    return price_stay(
        room_type=kind.roomType,
        base_price=room.pricePerNight if room else kind.basePrice,
        currency=kind.currency,
        check_in=check_in,
        check_out=check_out,
        plan=plan,
        adults=guests.adults,
        children_ages=guests.children_ages,
        rules=rules,
        calendar=calendar.prices(kind.roomType),
        promo=_snapshot_promo(booking),
        tax_percent=taxes,
        city_tax=_snapshot_city_tax(booking),
    )


def stay_quote(
    *,
    booking: Booking,
    check_in: date,
    check_out: date,
    room_id: str | None = None,
    now: datetime,
) -> Quote:
    """What `booking` costs on these dates under the terms it was sold with: a pinned room
    (or `room_id`, the room it is moving to) at that room's price, else a unit of its type.
    Raises NotFound (room or type), StayRuleViolation, TooManyGuests."""
    target = room_id or (booking.roomId if booking.roomPinned else None)
    return quote_booking(
        booking=booking,
        kind=room_type_get(code=booking.roomType),
        check_in=check_in,
        check_out=check_out,
        now=now,
        room=room_get(room_id=target) if target else None,
    )


def booking_price_fields(quote: Quote) -> dict:
    """The booking's attributes for `quote`: its price, occupancy and terms snapshot."""
    terms = terms_snapshot(quote.plan)
    terms["taxPercent"] = str(quote.tax_percent)
    terms["cityTax"] = quote.city_tax_terms.as_dict()
    terms["promo"] = (
        {"code": quote.promo.code, "percent": quote.promo.percent, "amount": quote.promo.amount}
        if quote.promo and quote.discount
        else None
    )
    terms["lines"] = [dict(line) for line in quote.lines]
    return {
        "totalPrice": quote.total,
        "subtotal": quote.subtotal,
        "tax": quote.tax,
        "currency": quote.currency,
        "nightly": quote.nightly_dicts(),
        "ratePlan": quote.plan.code,
        "adults": quote.adults,
        "childrenAges": list(quote.children_ages),
        "promoCode": terms["promo"]["code"] if terms["promo"] else None,
        "discount": quote.discount,
        "cityTax": quote.city_tax,
        "dueNow": quote.due_now,
        "terms": terms,
    }
