"""The booking page shows what the stay was sold under (hotel/backoffice/booking_terms.py):
plan, guests, promo, city tax, the quote's lines, cancellation and payment terms, due now —
and FLEX's defaults for bookings made before rate plans."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from bookings.models import PROMO_ITEM, Booking, PromoCode, RatePlan
from bookings.services import booking_create, hotel_today
from hotel.accounts import roles
from hotel.stamps import stamp_bump
from hotel.templatetags.money import format_money
from rooms.room_types import CATALOG


def section(client, booking_id: str) -> str:
    response = client.get(f"/admin/bookings/booking/{booking_id}/change/")
    assert response.status_code == 200
    text = response.content.decode()
    match = re.search(
        r'<div class="module booking-section" id="booking-terms">(.*?)</div>', text, re.S
    )
    assert match, "no terms section"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1)))


@pytest.fixture
def breakfast_plan(make_room, settings):
    settings.HOTEL_CITY_TAX = "per_person:150"
    make_room(roomId="101", roomType="Deluxe", capacity=3, pricePerNight=10000)
    now = timezone.now()
    RatePlan(
        ratePlan="BB",
        name="Bed and breakfast",
        roomTypes=[],
        active=True,
        channels=["web", "api", "staff"],
        adjustment={"kind": "fixed", "value": 2000},
        cancellation="3:100,0:0",
        noShowPercent=50,
        payment="deposit",
        depositPercent=30,
        included=[
            {"code": "BF", "name": "Breakfast", "unit": "per_person_per_night", "value": 900}
        ],
        lastUpdated=now,
    ).save()
    PromoCode(code="SPRING10", item=PROMO_ITEM, percent=10, maxUses=5, uses=0, active=True).save()
    stamp_bump(CATALOG)


def test_the_booking_page_shows_the_snapshot(client_for, breakfast_plan):
    today = hotel_today(timezone.now())
    booking = booking_create(
        room_type="Deluxe",
        check_in=today + timedelta(days=10),
        check_out=today + timedelta(days=12),
        guests=2,
        adults=1,
        children_ages=[4],
        rate_plan="BB",
        promo_code="spring10",
        guest_name="Ada Guest",
        guest_email="ada@guest.test",
        actor="t",
        now=timezone.now(),
    ).booking

    text = section(client_for(roles.FRONT_DESK), booking.bookingId)

    money = lambda amount: format_money(amount, booking.currency)  # noqa: E731
    assert "Rate plan Bed and breakfast (BB)" in text
    assert "Adults 1" in text and "Children’s ages 4" in text
    assert f"Promo code SPRING10 · discount {money(2400)}" in text  # 10 % of 2 × 120.00
    assert f"City tax {money(300)}" in text  # one adult × 2 nights × 1.50
    assert "Full refund when cancelled 3 or more days before arrival." in text
    assert "No refund when cancelled 0 to 2 days before arrival." in text
    assert "No-show: 50 % of the stay" in text
    assert "Deposit 30 % at booking, the rest at check-in" in text
    assert f"Due at booking {money(booking.dueNow)}" in text
    assert booking.dueNow == round(booking.totalPrice * 0.3)
    assert f"Room Bed and breakfast, 2 nights {money(24000)}" in text
    assert f"Discount Promo SPRING10 {money(-2400)}" in text
    assert "Included Breakfast × 4" in text  # 2 persons × 2 nights
    assert f"Total {money(booking.totalPrice)}" in text


def test_a_booking_from_before_rate_plans_shows_flexible_defaults(client_for, make_room):
    make_room(roomId="101", roomType="Deluxe", capacity=2, pricePerNight=10000)
    today = hotel_today(timezone.now())
    made = booking_create(
        room_type="Deluxe",
        check_in=today + timedelta(days=5),
        check_out=today + timedelta(days=6),
        guests=2,
        guest_name="Old Guest",
        guest_email="old@guest.test",
        actor="t",
        now=timezone.now(),
    ).booking
    Booking.get(made.bookingId).update(  # as the first version stored it
        actions=[
            Booking.terms.remove(),
            Booking.ratePlan.remove(),
            Booking.adults.remove(),
            Booking.childrenAges.remove(),
            Booking.dueNow.remove(),
            Booking.cityTax.remove(),
            Booking.discount.remove(),
            Booking.promoCode.remove(),
        ]
    )
    old = Booking.get(made.bookingId)

    text = section(client_for(roles.FRONT_DESK), old.bookingId)

    money = lambda amount: format_money(amount, old.currency)  # noqa: E731
    assert "Booked before rate plans" in text
    assert "Rate plan Flexible (FLEX)" in text
    assert "Adults 2" in text and "Children’s ages None" in text and "Promo code None" in text
    assert "Prepay: the full price at booking" in text
    assert "Full refund when cancelled 7 or more days before arrival." in text
    assert f"Due at booking {money(old.totalPrice)}" in text
    assert f"Room Room {money(old.subtotal)}" in text and f"Tax Tax {money(old.tax)}" in text
