"""An extra's daily stock is taken in the booking's transaction: never oversold under
concurrent bookings, given back when the stay ends unkept, taken again when an expired
booking is revived."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from bookings.extras.catalog import extra_create
from bookings.extras.models import ExtraStock
from bookings.extras.stock import ExtraSoldOut
from bookings.models import Booking
from bookings.services import (
    booking_cancel,
    booking_create,
    booking_revive_paid,
    booking_transition,
    holds_expire,
)
from tests.bookings.conftest import day
from tests.conftest import NOW


def extra(code="SHUTTLE", **fields):
    data = {"code": code, "name": code.title(), "price": 3500, "unit": "per_item", **fields}
    return extra_create(data=data, actor="test", now=NOW)


def sold(code: str, when) -> int:
    try:
        return ExtraStock.get(code, when.isoformat(), consistent_read=True).sold
    except ExtraStock.DoesNotExist:
        return 0


def book(n=0, *, extras, nights=2, **kw):
    return booking_create(
        room_type="Deluxe",
        check_in=day(0),
        check_out=day(nights),
        guests=2,
        guest_name=f"Guest {n}",
        guest_email=f"guest{n}@guest.test",
        extras=extras,
        actor="test",
        now=NOW,
        **kw,
    )


def test_a_stock_of_three_is_never_oversold_by_twenty_concurrent_bookings(make_room):
    for n in range(20):
        make_room(roomId=f"R-{n}", pricePerNight=10000)
    extra(dailyStock=3)

    def attempt(n):
        try:
            return book(n, extras=[{"code": "SHUTTLE", "quantity": 1}]).booking
        except ExtraSoldOut as exc:
            assert exc.status_code == 409
            assert exc.details["extras"][0]["dates"] == [day(0).isoformat()]
            return None

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(attempt, range(20)))
    won = [b for b in results if b is not None]
    assert len(won) == 3
    assert sold("SHUTTLE", day(0)) == 3
    # The losers left nothing behind: no booking, no room night, no unit.
    assert sum(1 for _ in Booking.scan()) == 3


def test_a_nightly_extra_takes_each_night_and_a_cancel_gives_it_back(make_room):
    make_room(roomId="R-1", pricePerNight=10000)
    extra("PARKING", unit="per_night", price=2000, dailyStock=10)
    created = book(extras=[{"code": "PARKING", "quantity": 2}], nights=3)
    booking = created.booking
    assert [sold("PARKING", day(i)) for i in range(4)] == [2, 2, 2, 0]
    assert booking.extrasTotal == 2000 * 2 * 3
    assert booking.totalPrice == sum(n["amount"] for n in booking.nightly) + booking.tax + (
        booking.cityTax or 0
    )
    assert booking.dueNow == booking.totalPrice + booking.extrasTotal  # FLEX: prepay

    booking_cancel(booking_id=booking.bookingId, actor="test", now=NOW)
    assert [sold("PARKING", day(i)) for i in range(3)] == [0, 0, 0]


def test_an_expired_hold_gives_its_stock_back_and_a_late_payment_takes_it_again(make_room):
    make_room(roomId="R-1", pricePerNight=10000)
    extra(dailyStock=8)
    booking = book(extras=[{"code": "SHUTTLE", "quantity": 3}]).booking
    assert sold("SHUTTLE", day(0)) == 3

    assert holds_expire(now=booking.expiresAt + timedelta(minutes=1)) == 1
    assert Booking.get(booking.bookingId).status == "expired"
    assert sold("SHUTTLE", day(0)) == 0

    booking_revive_paid(booking_id=booking.bookingId, actor="system", now=NOW)
    assert sold("SHUTTLE", day(0)) == 3


def test_a_no_show_frees_the_stock_a_stay_keeps_it(make_room):
    make_room(roomId="R-1", pricePerNight=10000)
    make_room(roomId="R-2", pricePerNight=10000)
    extra(dailyStock=8)
    one = book(1, extras=[{"code": "SHUTTLE", "quantity": 2}], room_id="R-1").booking
    two = book(2, extras=[{"code": "SHUTTLE", "quantity": 1}], room_id="R-2").booking
    for booking in (one, two):
        booking_transition(
            booking_id=booking.bookingId, to_status="confirmed", actor="test", now=NOW
        )
    arrival = NOW + timedelta(days=8)
    booking_transition(
        booking_id=one.bookingId, to_status="no-show", actor="test", now=arrival, system=True
    )
    assert sold("SHUTTLE", day(0)) == 1


def test_the_sold_out_answer_names_the_dates_and_what_is_left(make_room):
    make_room(roomId="R-1", pricePerNight=10000)
    make_room(roomId="R-2", pricePerNight=10000)
    extra("PARKING", unit="per_night", price=2000, dailyStock=2)
    book(1, extras=[{"code": "PARKING", "quantity": 2}], nights=1)  # night 0 full
    with pytest.raises(ExtraSoldOut) as caught:
        book(2, extras=[{"code": "PARKING", "quantity": 1}], nights=3)
    assert caught.value.details["extras"] == [
        {"code": "PARKING", "dates": [day(0).isoformat()], "left": 0}
    ]
    assert [sold("PARKING", day(i)) for i in range(3)] == [2, 0, 0]


def test_a_date_change_moves_the_extras_and_their_stock(make_room):
    from bookings.services import booking_change

    make_room(roomId="R-1", pricePerNight=10000)
    make_room(roomId="R-2", pricePerNight=10000)
    extra("PARKING", unit="per_night", price=2000, dailyStock=1)
    extra(dailyStock=8)
    booking = book(
        extras=[{"code": "PARKING"}, {"code": "SHUTTLE", "quantity": 2}], nights=2
    ).booking
    moved = booking_change(
        booking_id=booking.bookingId,
        check_in=day(1),
        check_out=day(4),
        actor="test",
        now=NOW,
    )
    assert [sold("PARKING", day(i)) for i in range(5)] == [0, 1, 1, 1, 0]
    assert (sold("SHUTTLE", day(0)), sold("SHUTTLE", day(1))) == (0, 2)
    parking = next(e for e in moved.extras if e["code"] == "PARKING")
    assert (parking["quantity"], parking["date"]) == (3, day(1).isoformat())
    assert moved.extrasTotal == 3 * 2000 + 2 * 3500
    assert moved.dueNow == moved.totalPrice + moved.extrasTotal

    # Night 0 is free again; another guest takes its only space, then a change back to it
    # is refused on the extra's stock and changes nothing.
    book(2, extras=[{"code": "PARKING"}], nights=1, room_id="R-2")
    with pytest.raises(ExtraSoldOut):
        booking_change(
            booking_id=booking.bookingId, check_in=day(0), check_out=day(2), actor="test", now=NOW
        )
    assert Booking.get(booking.bookingId).checkIn == day(1).isoformat()
    assert [sold("PARKING", day(i)) for i in range(5)] == [1, 1, 1, 1, 0]


def test_a_long_stay_takes_no_more_stocked_extra_days_than_one_transaction_holds():
    from bookings.extras.booking import extras_choose, stock_item_budget

    extra("PARKING", unit="per_night", price=300, dailyStock=10)
    extra("CHARGER", unit="per_night", price=300, dailyStock=10)
    start = day(3)
    end = start + timedelta(days=30)
    assert stock_item_budget(start, end) == 34
    one, _, fine = extras_choose(
        [{"code": "PARKING"}], plan=None, check_in=start, check_out=end, persons=1, staff=True
    )
    assert fine == {} and len(one[0]["stockDates"]) == 30
    _, _, refused = extras_choose(
        [{"code": "PARKING"}, {"code": "CHARGER"}],
        plan=None,
        check_in=start,
        check_out=end,
        persons=1,
        staff=True,
    )
    assert "at most 34 extra-days" in refused["extras"][0]
