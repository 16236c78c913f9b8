"""bookings.quotes: what new dates would cost a booking, and why the lifecycle may keep a
guest from moving it. Real clock: hold expiry matters here (see tests/conftest.py NOW)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bookings.clock import hotel_today
from bookings.quotes import (
    CHANGE_HOLD_EXPIRED,
    CHANGE_NOT_CHANGEABLE,
    booking_restay_quote,
    guest_change_refusal,
)
from bookings.rates import rate_rule_save
from hotel.errors import ValidationFailed
from tests.factories import booking_made

T = datetime.now(UTC)
TODAY = hotel_today(T)
LATER = T + timedelta(days=3)  # after the 2-day staff hold


def day(n: int):
    return TODAY + timedelta(days=n)


def book(*, start=7, to=()):
    return booking_made(room_id="R-1", check_in=day(start), check_out=day(start + 2), now=T, to=to)


@pytest.fixture(autouse=True)
def room(make_room, settings):
    settings.HOTEL_TAX_PERCENT = "10"
    return make_room(roomId="R-1", pricePerNight=10000)


def test_a_live_hold_and_a_confirmed_booking_may_be_moved():
    assert guest_change_refusal(book(), T) is None
    assert guest_change_refusal(book(start=20, to=["confirmed"]), T) is None


def test_a_pending_booking_whose_hold_ran_out_is_refused_as_hold_expired():
    assert guest_change_refusal(book(), LATER) == CHANGE_HOLD_EXPIRED


@pytest.mark.parametrize(
    "path", [["cancelled"], ["confirmed", "checked-in"], ["confirmed", "no-show"]]
)
def test_a_booking_past_confirmed_or_ended_is_not_changeable(path):
    assert guest_change_refusal(book(to=path), T) == CHANGE_NOT_CHANGEABLE


def test_restay_quote_prices_the_new_stay_in_the_bookings_room():
    booking = book()

    quote = booking_restay_quote(booking=booking, check_in=day(10), check_out=day(13), now=T)

    assert (quote.check_in, quote.check_out, quote.nights) == (day(10), day(13), 3)
    assert (quote.subtotal, quote.tax, quote.total) == (30000, 3000, 33000)


def test_restay_quote_applies_the_rate_rules_of_the_new_nights():
    rule = {
        "name": "Gala",
        "kind": "fixed",
        "value": 25000,
        "startDate": day(11),
        "endDate": day(11),
    }
    rate_rule_save(rule_id=None, data=rule, actor="t", now=T)

    quote = booking_restay_quote(booking=book(), check_in=day(10), check_out=day(12), now=T)

    assert [(n.amount, n.rule) for n in quote.nightly] == [(10000, None), (25000, "Gala")]


def test_restay_quote_refuses_dates_in_the_past():
    with pytest.raises(ValidationFailed):
        booking_restay_quote(booking=book(), check_in=day(-2), check_out=day(1), now=T)
