"""The quote a guest is shown is what the booking stores and what the payment takes, to the
minor unit, over random plans, occupancies, promo codes and taxes (DynamoDB Local and
localstripe; Hypothesis draws the terms, each example books and pays for real)."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookings.availability import rooms_search
from bookings.models import PROMO_ITEM, Booking, PromoCode, RatePlan
from bookings.offers import Guests
from bookings.rate_reads import promo_get
from bookings.services import booking_create
from hotel.stamps import stamp_bump
from payments import services
from payments.models import Payment
from rooms.models import Room
from rooms.room_types import CATALOG

from .conftest import now, stay_start

_example = itertools.count()

terms = st.fixed_dictionaries(
    {
        "adjustment": st.one_of(
            st.none(),
            st.fixed_dictionaries({"kind": st.just("percent"), "value": st.integers(-60, 80)}),
            st.fixed_dictionaries({"kind": st.just("fixed"), "value": st.integers(-3000, 9000)}),
        ),
        "occupancy": st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {
                    "included": st.integers(1, 2),
                    "extraAdult": st.integers(0, 4000),
                    "childBands": st.just(
                        [
                            {"fromAge": 0, "toAge": 2, "price": 0},
                            {"fromAge": 3, "toAge": 11, "price": 1500},
                        ]
                    ),
                    "extraBed": st.integers(0, 900),
                    "bedsFor": st.one_of(st.none(), st.integers(2, 3)),
                }
            ),
        ),
        "payment": st.sampled_from(["prepay", "deposit"]),
        "depositPercent": st.integers(1, 99),
    }
)
promos = st.one_of(
    st.none(),
    st.fixed_dictionaries({"percent": st.integers(1, 60)}),
    st.fixed_dictionaries({"amount": st.integers(1, 30000)}),
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    terms=terms,
    promo=promos,
    adults=st.integers(1, 2),
    children=st.lists(st.integers(0, 17), max_size=2),
    nights=st.integers(1, 3),
    tax=st.sampled_from(["0", "5", "12", "18.5"]),
    city=st.sampled_from(["", "per_person:175", "percent:2.5"]),
)
def test_quote_equals_booking_equals_charge(
    make_room, settings, terms, promo, adults, children, nights, tax, city
):
    n = next(_example)
    if not list(Room.scan(limit=1)):  # the first example of this test's tables
        make_room(roomId="R-Q", roomType="Deluxe", capacity=4, pricePerNight=12345)
    settings.HOTEL_TAX_PERCENT = tax
    settings.HOTEL_CITY_TAX = city
    code = f"P{n}"
    payment = terms["payment"]
    RatePlan(
        ratePlan=code,
        name=f"Plan {n}",
        roomTypes=[],
        active=True,
        channels=["web", "api", "staff"],
        adjustment=terms["adjustment"],
        occupancy=terms["occupancy"],
        payment=payment,
        depositPercent=terms["depositPercent"] if payment == "deposit" else None,
        lastUpdated=now(),
    ).save()
    stamp_bump(CATALOG)
    promo_code = None
    if promo:
        promo_code = f"PR{n}"
        PromoCode(code=promo_code, item=PROMO_ITEM, uses=0, **promo).save()
    check_in = stay_start() + timedelta(days=4 * n)
    check_out = check_in + timedelta(days=nights)

    found = rooms_search(
        check_in=check_in,
        check_out=check_out,
        now=now(),
        guests=Guests(adults, tuple(children)),
        promo=promo_get(promo_code) if promo_code else None,
    )
    (kind,) = [t for t in found.types if t.room_type.roomType == "Deluxe"]
    (offer,) = [o for o in kind.offers if o.plan.ratePlan == code]
    quote = offer.quote
    assert quote.total == sum(line["amount"] for line in quote.lines)

    booking = booking_create(
        room_type="Deluxe",
        check_in=check_in,
        check_out=check_out,
        guests=adults,
        adults=adults,
        children_ages=children,
        rate_plan=code,
        promo_code=promo_code,
        guest_name="Ada Guest",
        guest_email=f"ada{n}@guest.test",
        actor="test",
        now=now(),
    ).booking
    stored = Booking.get(booking.bookingId, consistent_read=True)
    assert stored.totalPrice == quote.total
    assert (stored.subtotal, stored.tax, stored.cityTax, stored.discount) == (
        quote.subtotal,
        quote.tax,
        quote.city_tax,
        quote.discount,
    )
    assert stored.dueNow == quote.due_now
    assert sum(line["amount"] for line in stored.terms["lines"]) == stored.totalPrice
    assert Decimal(stored.terms["taxPercent"]) == Decimal(tax)

    attempt = services.payment_create(
        booking_id=booking.bookingId,
        amount=quote.due_now,
        currency="INR",
        payment_method_id="pm_card_visa",
        actor="guest",
        now=now(),
    )
    charged = Payment.get(attempt.payment.transactionId, consistent_read=True)
    assert charged.amount == quote.due_now
    assert Booking.get(booking.bookingId).status == "confirmed"
