"""bookings.night_locks on bookings made through the services: what the room-night table
says about each night (held, on hold until when, hold expired, released, sold to another).

The real clock, not the fixed NOW: a hold's nights carry a TTL that DynamoDB Local may act on.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bookings.clock import hotel_today
from bookings.night_locks import (
    HELD,
    HOLD_EXPIRED,
    NOT_HELD,
    ON_HOLD,
    RELEASED,
    booking_night_locks,
)
from tests.factories import booking_made

T = datetime.now(UTC)
LATER = T + timedelta(days=3)  # after the 2-day staff hold


def book(*, now=T, to=()):
    check_in = hotel_today(T) + timedelta(days=7)
    return booking_made(
        room_id="R-1", check_in=check_in, check_out=check_in + timedelta(days=2), now=now, to=to
    )


def states(booking, now=T) -> list[tuple[str, bool]]:
    return [(lock.state, lock.warning) for lock in booking_night_locks(booking=booking, now=now)]


@pytest.fixture(autouse=True)
def room(make_room):
    return make_room(roomId="R-1")


def test_a_confirmed_booking_holds_its_nights_for_good():
    locks = booking_night_locks(booking=book(to=["confirmed"]), now=T)

    assert [(lock.state, lock.until, lock.warning) for lock in locks] == [(HELD, None, False)] * 2
    assert [lock.night for lock in locks] == [
        hotel_today(T) + timedelta(days=7),
        hotel_today(T) + timedelta(days=8),
    ]
    assert {lock.room_id for lock in locks} == {"R-1"}


def test_a_pending_booking_is_on_hold_until_its_hold_ends():
    booking = book()

    locks = booking_night_locks(booking=booking, now=T)

    assert states(booking) == [(ON_HOLD, False)] * 2
    assert {lock.until for lock in locks} == {booking.expiresAt.replace(microsecond=0)}


def test_a_hold_past_its_end_is_reported_as_expired_with_a_warning():
    assert states(book(), now=LATER) == [(HOLD_EXPIRED, True)] * 2


def test_a_cancelled_booking_has_released_its_nights_without_warning():
    assert states(book(to=["cancelled"])) == [(RELEASED, False)] * 2


def test_nights_sold_to_another_booking_after_the_hold_expired_are_not_held():
    lapsed = book(now=T - timedelta(days=3))  # its hold ended yesterday; still pending
    book(to=["confirmed"])  # takes the same nights

    assert lapsed.status == "pending"
    assert states(lapsed) == [(NOT_HELD, True)] * 2
