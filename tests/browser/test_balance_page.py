"""The guest pays the rest of a deposit from the manage page, in chromium through
localstripe's Stripe.js (the pay page's card flow); the page says it is due at check-in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bookings.links import manage_path
from bookings.models import Booking, RatePlan
from bookings.services import booking_create
from hotel.stamps import stamp_bump
from payments.models import BALANCE, Payment
from payments.services import payment_create
from rooms.room_types import CATALOG
from rooms.services import room_create

from .test_guest_flow import VISA, enter_card

TOTAL = 1008000  # 2 × 450000 + 12 %
DEPOSIT = 302400  # 30 %


@pytest.fixture
def deposit_paid():
    now = datetime.now(UTC)
    room_create(
        data={
            "roomId": "R-301",
            "roomType": "Standard",
            "floorNumber": 3,
            "capacity": 2,
            "pricePerNight": 450000,
            "amenities": ["WiFi"],
        },
        actor="test",
        now=now,
    )
    RatePlan(
        ratePlan="DEP30",
        name="Deposit",
        payment="deposit",
        depositPercent=30,
        lastUpdated=now,
    ).save()
    stamp_bump(CATALOG)
    check_in = date.today() + timedelta(days=30)
    booking = booking_create(
        room_type="Standard",
        check_in=check_in,
        check_out=check_in + timedelta(days=2),
        guests=2,
        guest_name="Ada Lovelace",
        guest_email="ada@guest.test",
        actor="test",
        now=now,
        rate_plan="DEP30",
    ).booking
    payment_create(
        booking_id=booking.bookingId,
        amount=DEPOSIT,
        currency="INR",
        payment_method_id="pm_card_visa",
        actor="guest",
        now=now,
    )
    return booking


def test_the_guest_pays_the_rest_of_a_deposit_from_the_manage_page(
    page, live_app, deposit_paid, screenshot
):
    booking = deposit_paid
    page.goto(manage_path(booking_id=booking.bookingId))
    balance = page.get_by_test_id("balance")
    balance.wait_for()
    assert "Balance due: ₹7,056.00" in balance.inner_text()
    assert "is due at check-in" in page.get_by_test_id("balance-at-check-in").inner_text()
    page.locator("#card-element input").first.wait_for()
    screenshot(page, "01-balance-due")
    enter_card(page, VISA)
    page.get_by_role("button", name="Pay the balance (₹7,056.00)").click()
    page.get_by_text("Paid and not refunded: ₹10,080.00").wait_for()
    screenshot(page, "02-balance-paid")
    assert page.get_by_test_id("balance").count() == 0
    paid = [p for p in Payment.by_booking.query(booking.bookingId) if p.purpose == BALANCE]
    assert [(p.status, p.amount) for p in paid] == [("completed", TOTAL - DEPOSIT)]
    assert Booking.get(booking.bookingId, consistent_read=True).status == "confirmed"
    assert page.js_errors == []
