"""An extra's price and the items a booking stores for it: pure, no database."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from bookings.extras.models import UNITS
from bookings.extras.pricing import (
    ExtraTerms,
    booking_item,
    due_now_with_extras,
    extra_price,
    extras_total,
    next_key,
    quantity_problem,
    stock_dates,
)

BREAKFAST = ExtraTerms("BREAKFAST", "Breakfast", 1500, "per_person_per_night")
PARKING = ExtraTerms("PARKING", "Parking", 2000, "per_night", dailyStock=10)
SHUTTLE = ExtraTerms("SHUTTLE", "Airport shuttle", 3500, "per_item", dailyStock=8)
LATE = ExtraTerms("LATE", "Late check-out", 4000, "per_stay")


def test_each_unit_is_charged_as_its_name_says():
    assert extra_price(BREAKFAST, 3, 2) == 1500 * 3 * 2  # the whole party by default
    assert extra_price(BREAKFAST, 3, 2, 1) == 1500 * 3
    assert extra_price(PARKING, 3, 2, 2) == 2000 * 3 * 2
    assert extra_price(SHUTTLE, 3, 2, 3) == 3500 * 3
    assert extra_price(LATE, 3, 2) == 4000


def test_stock_is_counted_per_night_or_on_arrival():
    arrive, leave = date(2027, 5, 1), date(2027, 5, 4)
    assert stock_dates(PARKING, arrive, leave) == ["2027-05-01", "2027-05-02", "2027-05-03"]
    assert stock_dates(SHUTTLE, arrive, leave) == ["2027-05-01"]
    assert stock_dates(BREAKFAST, arrive, leave) == []  # no stock: no counter


def test_quantity_limits():
    assert (
        quantity_problem(BREAKFAST, quantity=3, persons=2)
        == "At most 2: one per guest of the booking."
    )
    assert quantity_problem(SHUTTLE, quantity=9, persons=2) == "At most 8 a day."
    assert quantity_problem(LATE, quantity=21, persons=2) == "At most 20."
    assert quantity_problem(PARKING, quantity=2, persons=1) is None


def test_the_booking_item_is_what_the_bill_reads():
    item = booking_item(
        PARKING,
        key="PARKING",
        quantity=2,
        check_in=date(2027, 5, 1),
        check_out=date(2027, 5, 3),
        persons=2,
    )
    assert item["unitPrice"] * item["quantity"] == item["amount"] == 8000
    assert (item["key"], item["code"], item["taxCategory"], item["date"]) == (
        "PARKING",
        "PARKING",
        "standard",
        "2027-05-01",
    )
    assert item["stockDates"] == ["2027-05-01", "2027-05-02"] and item["count"] == 2
    assert next_key("PARKING", [item]) == "PARKING#2"


def test_due_now_covers_rooms_and_extras_under_the_terms():
    assert due_now_with_extras(total=10000, extras=3000, terms={"payment": "prepay"}) == 13000
    assert due_now_with_extras(total=10000, extras=3000, terms=None) == 13000
    deposit = {"payment": "deposit", "depositPercent": 30}
    assert due_now_with_extras(total=10000, extras=3000, terms=deposit) == 3900
    assert due_now_with_extras(total=10000, extras=3000, terms={"payment": "at_hotel"}) == 0


@given(
    unit=st.sampled_from(UNITS),
    price=st.integers(0, 1_000_000),
    nights=st.integers(1, 30),
    persons=st.integers(1, 12),
    quantity=st.integers(1, 20),
)
def test_price_is_unit_price_times_units_billed(unit, price, nights, persons, quantity):
    extra = ExtraTerms("X", "X", price, unit)
    item = booking_item(
        extra,
        key="X",
        quantity=quantity,
        check_in=date(2027, 1, 1),
        check_out=date.fromordinal(date(2027, 1, 1).toordinal() + nights),
        persons=persons,
    )
    total = extra_price(extra, nights, persons, quantity)
    assert total == item["amount"] == extras_total([item]) >= 0
    assert isinstance(total, int)
    # Linear in the quantity and, for nightly units, in the nights.
    assert extra_price(extra, nights, persons, quantity + 1) - total == extra_price(
        extra, nights, persons, 1
    )
    if unit in ("per_night", "per_person_per_night"):
        assert total == price * quantity * nights
    else:
        assert total == price * quantity
