"""migrate_rates: FLEX stored once, old bookings given the terms they were sold under."""

from __future__ import annotations

from bookings.models import Booking, RatePlan
from bookings.rate_migration import rates_migrate
from tests.conftest import NOW


def strip_terms(booking_id: str) -> Booking:
    """The booking as a version before rate plans wrote it."""
    booking = Booking.get(booking_id)
    for name in ("terms", "ratePlan", "adults", "childrenAges", "discount", "cityTax", "dueNow"):
        setattr(booking, name, None)
    booking.save()
    return booking


def test_idempotent_and_old_bookings_keep_the_policy_they_were_sold_under(
    room, make_booking, settings
):
    settings.HOTEL_CANCELLATION_POLICY = "7:100,2:50,0:0"
    old = strip_terms(make_booking().booking.bookingId)
    new = make_booking(start=4).booking
    price = old.totalPrice

    first = rates_migrate(now=NOW)
    assert first.default_plan_stored and first.bookings_migrated == 1
    assert first.bookings_already == 1 and not first.bookings_skipped
    migrated = Booking.get(old.bookingId)
    assert (migrated.ratePlan, migrated.adults, migrated.dueNow) == ("FLEX", 2, price)
    assert migrated.totalPrice == price
    assert migrated.terms["cancellation"] == "7:100,2:50,0:0"
    assert sum(line["amount"] for line in migrated.terms["lines"]) == price
    assert RatePlan.get("FLEX").payment == "prepay"

    settings.HOTEL_CANCELLATION_POLICY = "1:100"  # the hotel changes its policy later
    second = rates_migrate(now=NOW)
    assert not second.default_plan_stored and second.bookings_migrated == 0
    assert second.bookings_already == 2
    assert Booking.get(old.bookingId).terms["cancellation"] == "7:100,2:50,0:0"
    assert Booking.get(new.bookingId).version == new.version  # untouched
