"""The guest pay page under a plan's payment terms, in chromium through localstripe's
Stripe.js: a deposit says what is paid now and at check-in; pay-at-hotel saves the card
as the guarantee (a SetupIntent, 3-D Secure in the page) and charges nothing."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from bookings.links import manage_path
from bookings.models import Booking, RatePlan
from bookings.services import booking_create
from hotel.stamps import stamp_bump
from payments.models import Payment
from rooms.room_types import CATALOG
from rooms.services import room_create

from .test_guest_flow import THREE_D_SECURE, enter_card


@pytest.fixture
def pay_later_booking():
    now = datetime.now(UTC)
    room_create(
        data={
            "roomId": "R-201",
            "roomType": "Standard",
            "floorNumber": 2,
            "capacity": 2,
            "pricePerNight": 450000,
            "amenities": ["WiFi"],
        },
        actor="test",
        now=now,
    )
    RatePlan(
        ratePlan="PAYLATER", name="Pay at the hotel", payment="at_hotel", lastUpdated=now
    ).save()
    stamp_bump(CATALOG)
    check_in = date.today() + timedelta(days=30)
    return booking_create(
        room_type="Standard",
        check_in=check_in,
        check_out=check_in + timedelta(days=2),
        guests=2,
        guest_name="Ada Lovelace",
        guest_email="ada@guest.test",
        actor="test",
        now=now,
        rate_plan="PAYLATER",
    ).booking


def test_pay_at_hotel_saves_the_card_with_3d_secure_and_charges_nothing(
    page, live_app, pay_later_booking, screenshot
):
    booking = pay_later_booking
    page.goto(manage_path(booking_id=booking.bookingId) + "pay")
    page.locator("#card-element input").first.wait_for()
    terms = page.get_by_test_id("pay-terms").inner_text()
    assert "Nothing is charged now; your card guarantees the booking." in terms
    assert "₹10,080.00 at the hotel" in terms
    screenshot(page, "01-pay-at-hotel")
    enter_card(page, THREE_D_SECURE)
    page.get_by_role("button", name="Save card to guarantee").click()
    confirm = page.get_by_role("button", name="Complete authentication")
    confirm.wait_for()
    assert "confirm your card" in page.inner_text("#pay-progress")
    confirm.click()
    page.get_by_role("heading", name="Your booking is confirmed").wait_for()
    screenshot(page, "02-confirmed")
    assert Booking.get(booking.bookingId, consistent_read=True).status == "confirmed"
    (payment,) = list(Payment.by_booking.query(booking.bookingId))
    assert (payment.status, payment.kind, payment.amount) == ("completed", "guarantee", 0)
    assert re.match(r"seti_", payment.stripeSetupIntentId)
    assert page.js_errors == []
