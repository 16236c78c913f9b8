"""How long an external stay can be (bookings.channels.limits): pure arithmetic."""

from __future__ import annotations

from datetime import date, timedelta

from bookings.channels.limits import MAX_STAY_NIGHTS, TRANSACTION_LIMIT, move_items


def nights(first: int, count: int) -> list[date]:
    return [date(2027, 3, 1) + timedelta(days=first + i) for i in range(count)]


def test_a_stay_at_the_limit_can_be_cancelled_with_its_room_in_one_transaction():
    # The event, the booking, its audit entry, then a counter and a room night per night.
    assert 3 + 2 * MAX_STAY_NIGHTS <= TRANSACTION_LIMIT < 3 + 2 * (MAX_STAY_NIGHTS + 1)


def test_a_move_counts_only_the_nights_it_changes():
    old, new = nights(0, 40), nights(1, 40)  # one night left, one taken

    assert move_items(old=old, new=new, room_nights_left=0, room_nights_taken=0) == 5
    assert move_items(old=old, new=new, room_nights_left=1, room_nights_taken=1) == 8


def test_a_move_far_away_with_its_room_overflows_one_transaction():
    old, new = nights(0, 40), nights(40, 40)

    keeping_the_room = move_items(old=old, new=new, room_nights_left=40, room_nights_taken=40)
    giving_it_up = move_items(old=old, new=new, room_nights_left=40, room_nights_taken=0)
    without_a_room = move_items(old=old, new=new, room_nights_left=0, room_nights_taken=0)

    assert (keeping_the_room, giving_it_up, without_a_room) == (164, 123, 83)
