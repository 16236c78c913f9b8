"""bookings.selectors called directly, on rooms and bookings made through the services.

Stays are placed from the real clock: a hold's night carries a TTL, and one dated at the
fixed NOW (months ago) could be deleted by DynamoDB Local mid-test.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bench.capacity import CapacityMeter
from bookings import availability, selectors
from bookings.clock import hotel_today
from bookings.exceptions import BookingNotFound
from bookings.models import Booking
from bookings.rates import rate_rule_save
from bookings.services import booking_transition
from rooms.selectors import room_get
from rooms.services import room_set_housekeeping, room_set_status
from tests.factories import booking_made

T = datetime.now(UTC)
TODAY = hotel_today(T)
LATER = T + timedelta(days=3)  # after the 2-day staff hold has run out


def day(n: int):
    return TODAY + timedelta(days=n)


def book(room_id, start=7, nights=2, *, email="ada@guest.test", now=T, to=()):
    return booking_made(
        room_id=room_id,
        check_in=day(start),
        check_out=day(start + nights),
        now=now,
        to=to,
        guest_email=email,
    )


def room_ids(search) -> list[str]:
    return [room.roomId for room, _quote in search.rooms]


@pytest.fixture
def hotel(make_room, settings):
    settings.HOTEL_TAX_PERCENT = "10"
    for room_id, price, capacity in (("R-1", 9000, 2), ("R-2", 7000, 2), ("R-3", 8000, 4)):
        make_room(roomId=room_id, roomType="Deluxe", pricePerNight=price, capacity=capacity)


def test_rooms_search_lists_free_rooms_cheapest_first(hotel):
    search = availability.rooms_search(check_in=day(7), check_out=day(9), now=T)

    assert room_ids(search) == ["R-2", "R-3", "R-1"]
    assert [quote.total for _room, quote in search.rooms] == [15400, 17600, 19800]


def test_rooms_search_leaves_out_closed_and_too_small_rooms_and_counts_units(hotel, make_room):
    make_room(roomId="R-4", pricePerNight=1000)
    make_room(roomId="R-5", pricePerNight=1000)
    book("R-2", start=8, nights=1)  # one unit of one night of the stay is sold
    room_set_housekeeping(room_id="R-4", state="out_of_order", actor="t", now=T)
    room_set_status(room_id="R-5", status="maintenance", actor="t", now=T)

    search = availability.rooms_search(check_in=day(7), check_out=day(9), now=T)
    # The type still has a unit every night, so its rooms are listed (whether one given room
    # is free is known when it is booked: a search never reads per-room nights); rooms out
    # of order or in maintenance are not.
    assert room_ids(search) == ["R-2", "R-3", "R-1"]
    [offer] = search.types
    assert (offer.room_type.roomType, offer.available) == ("Deluxe", 2)  # 3 in service - 1
    assert room_ids(
        availability.rooms_search(check_in=day(7), check_out=day(9), now=T, guest_count=3)
    ) == ["R-3"]


def test_a_type_with_every_unit_sold_is_left_out(hotel):
    for room_id in ("R-1", "R-2", "R-3"):
        book(room_id, start=8, nights=1)

    search = availability.rooms_search(check_in=day(7), check_out=day(9), now=T)

    assert (search.types, search.rooms) == ([], [])
    assert availability.rooms_search(check_in=day(9), check_out=day(10), now=T).types


def test_rooms_search_says_which_min_stay_rule_left_rooms_out(hotel):
    rule = {"name": "Festival", "kind": "percent", "value": 0, "minStay": 3}
    rate_rule_save(rule_id=None, data={**rule, "startDate": day(8)}, actor="t", now=T)

    search = availability.rooms_search(check_in=day(7), check_out=day(9), now=T)

    assert search.rooms == []
    [restriction] = search.restrictions
    assert (restriction["code"], restriction["minNights"]) == ("MIN_STAY", 3)
    assert restriction["roomTypes"] == ["Deluxe"]


def test_booking_quote_nightly_breakdown_sums_to_the_total(hotel):
    weekend = {"name": "Weekend", "kind": "percent", "value": 50, "weekdays": [5, 6]}
    rate_rule_save(rule_id=None, data=weekend, actor="t", now=T)
    room = room_get(room_id="R-1")

    quote = selectors.booking_quote(room=room, check_in=day(1), check_out=day(8))

    assert quote.nights == 7
    assert sum(n.amount for n in quote.nightly) == quote.subtotal
    assert quote.subtotal == 5 * 9000 + 2 * 13500
    assert [n.rule for n in quote.nightly].count("Weekend") == 2
    assert quote.total == quote.subtotal + quote.tax == quote.subtotal * 110 // 100


def test_arrivals_on_and_in_house_read_the_status_index(hotel):
    arriving = book("R-1", start=0, to=["confirmed"])
    book("R-2", start=0)  # pending: not an arrival
    staying = book("R-3", start=0, to=["confirmed", "checked-in"])

    assert [b.bookingId for b in selectors.arrivals_on(day=TODAY)] == [arriving.bookingId]
    assert [b.bookingId for b in selectors.in_house()] == [staying.bookingId]


def test_booking_get_and_the_nights_a_booking_holds(hotel):
    booking = book("R-1", nights=3)

    assert selectors.booking_get(booking_id=booking.bookingId).roomId == "R-1"
    assert sorted(n.night for n in selectors.booking_nights(booking=booking)) == [
        day(7).isoformat(),
        day(8).isoformat(),
        day(9).isoformat(),
    ]
    booking_transition(booking_id=booking.bookingId, to_status="cancelled", actor="t", now=T)
    assert selectors.booking_nights(booking=booking) == []
    for missing in ("BK-NOPE", "x" * 65):
        with pytest.raises(BookingNotFound):
            selectors.booking_get(booking_id=missing)


def test_rack_bookings_has_the_stays_in_the_range_but_not_expired_holds(hotel):
    inside = book("R-1", start=7, to=["confirmed"])
    book("R-2", start=20, to=["confirmed"])  # after the range
    held = book("R-3", start=8)

    rack = selectors.rack_bookings(start=day(7), end=day(10), now=T)
    later = selectors.rack_bookings(start=day(7), end=day(10), now=LATER)

    assert [b.bookingId for b in rack] == [inside.bookingId, held.bookingId]
    assert [b.bookingId for b in later] == [inside.bookingId]


def test_bookings_list_pages_filters_and_never_repeats(hotel):
    made = [book("R-1", start=2 * i, nights=1) for i in range(3)]
    other = book("R-2", email="bo@guest.test", to=["confirmed"])

    seen, cursor = [], None
    while True:
        page, cursor = selectors.bookings_list(limit=2, cursor=cursor)
        seen += [b.bookingId for b in page]
        if cursor is None:
            break
    pending, _ = selectors.bookings_list(status="pending")
    by_guest, _ = selectors.bookings_list(guest_email=" BO@guest.test ")
    early, _ = selectors.bookings_list(check_in_to=day(2))

    assert sorted(seen) == sorted(b.bookingId for b in [*made, other])
    assert [b.bookingId for b in pending] == [b.bookingId for b in made]
    assert [b.bookingId for b in by_guest] == [other.bookingId]
    assert {b.bookingId for b in early} == {made[0].bookingId, made[1].bookingId}


def test_a_guests_list_filters_on_status_and_dates_and_pages_by_cursor(hotel):
    """The guest index projects only its keys: status and dates are filtered on the whole
    bookings it reads, `limit` counts the bookings that pass, the cursors resume after the
    last one listed, and confirming a booking does not write the index."""
    made = [
        book(f"R-{1 + i % 3}", start=2 * i, nights=1, now=T + timedelta(seconds=i))
        for i in range(6)
    ]
    book("R-3", start=20, email="bo@guest.test", to=["confirmed"])
    guest_index = f"{Booking.Meta.table_name}/guestEmail-createdAt-keys-index"
    with CapacityMeter() as meter:
        for booking in made[::2]:
            booking_transition(
                booking_id=booking.bookingId, to_status="confirmed", actor="t", now=T
            )
    assert meter.by_target[guest_index] == 0
    assert meter.by_target[Booking.Meta.table_name] > 0

    pages, cursor = [], None
    while True:
        page, cursor = selectors.bookings_list(
            guest_email="ada@guest.test", status="confirmed", limit=1, cursor=cursor
        )
        pages.append([b.bookingId for b in page])
        if cursor is None:
            break
    later, _ = selectors.bookings_list(
        guest_email="ada@guest.test", status="pending", check_in_from=day(4)
    )

    confirmed = [b.bookingId for b in reversed(made[::2])]  # newest first
    assert pages == [[confirmed[0]], [confirmed[1]], [confirmed[2]]]
    assert [b.bookingId for b in later] == [made[5].bookingId, made[3].bookingId]


def test_a_booking_paid_between_two_status_reads_is_listed_once(make_room, monkeypatch):
    """The status partitions are read one after another: a hold confirmed between the
    pending and the confirmed reads is in both answers, and the assigner refused the run
    (500 'booking ids must be unique', found by the reliability storm)."""
    room = make_room().roomId
    held = book(room)
    confirmed = booking_transition(
        booking_id=held.bookingId, to_status="confirmed", actor="test", now=T
    )
    real_query = type(confirmed).by_status.query

    def both_partitions(status, **kwargs):
        if status == "pending":  # the pending read came first and still saw the hold
            yield held
        else:
            yield from real_query(status, **kwargs)

    monkeypatch.setattr(type(confirmed).by_status, "query", both_partitions)
    found = selectors.live_bookings_between(start=day(7), end=day(9), now=T)
    assert [(b.bookingId, b.status) for b in found] == [(held.bookingId, "confirmed")]
    assert selectors.bookings_of_type_on(room_type="Deluxe", night=day(7)) == [held.bookingId]
