"""Booking a reservation of several stays: one transaction, all or nothing."""

import threading
from datetime import UTC, datetime

import pytest

from bookings.clock import hotel_today
from bookings.exceptions import RoomUnavailable
from bookings.inventory import inventory_read
from bookings.models import Booking
from bookings.reservations.exceptions import ReservationTooLarge
from bookings.reservations.models import Reservation
from bookings.reservations.services import reservation_get
from bookings.reservations.size import MAX_ROOM_NIGHTS, MAX_STAYS, TRANSACTION_LIMIT
from bookings.services import booking_create, guest_token_matches
from hotel.errors import ValidationFailed
from tests.bookings.conftest import D, day
from tests.conftest import NOW
from tests.invariants import assert_inventory_consistent

from .conftest import BOOKER, stay


def sold(room_type, first, last):
    return {
        n: i.sold for (t, n), i in inventory_read(first=first, last=last).items() if t == room_type
    }


def test_a_family_books_two_rooms_in_one_reservation(hotel, reserve):
    created = reserve(
        stay("Deluxe", guestName="Kid Booker"), stay("Suite", adults=2, childrenAges=[4, 7])
    )
    reservation = created.reservation
    assert reservation.reservationId.startswith("RS-20260302-")
    assert [b.roomType for b in created.bookings] == ["Deluxe", "Suite"]
    assert reservation.totalPrice == sum(b.totalPrice for b in created.bookings) > 0
    first, second = created.bookings
    assert (first.guestName, second.guestName) == ("Kid Booker", "Ada Booker")
    for booking in created.bookings:
        stored = Booking.get(booking.bookingId)
        assert stored.reservationId == reservation.reservationId
        assert stored.guestEmail == "ada@guest.test"
        assert guest_token_matches(stored, created.guest_token)
    view = reservation_get(reservation.reservationId)
    assert [b.bookingId for b in view.bookings] == reservation.bookingIds
    assert view.token_matches(created.guest_token) and not view.token_matches("nope")
    assert sold("Deluxe", day(0), day(1)) == {day(0): 1, day(1): 1}
    assert_inventory_consistent()


def test_two_rooms_of_a_type_share_one_counter_update_by_two(hotel, reserve):
    reserve(stay("Deluxe"), stay("Deluxe", nights=3))
    assert sold("Deluxe", day(0), day(2)) == {day(0): 2, day(1): 2, day(2): 1}
    assert_inventory_consistent()


def test_two_rooms_of_a_type_with_one_left_are_refused_and_nothing_is_held(hotel, reserve):
    reserve(stay("Deluxe"), stay("Deluxe"))  # 2 of 3 sold: 1 left
    with pytest.raises(RoomUnavailable) as refused:
        reserve(stay("Suite"), stay("Deluxe"), stay("Deluxe"))
    assert refused.value.details["stays"] == [1, 2]
    assert Reservation.count() == 1 and Booking.count() == 2
    assert sold("Deluxe", day(0), day(1)) == {day(0): 2, day(1): 2}
    assert sold("Suite", day(0), day(1)) == {day(0): 0, day(1): 0}
    reserve(stay("Deluxe"))  # the one left still sells
    assert_inventory_consistent()


def test_every_stays_problems_come_in_one_answer(hotel, reserve):
    with pytest.raises(ValidationFailed) as bad:
        reserve(
            stay("Deluxe", start=-10),
            stay("Nope"),
            stay("Deluxe", adults=5),
            booker={"name": "", "email": "not-an-email"},
        )
    fields = bad.value.details["fields"]
    assert "stays[0].checkIn" in fields
    assert "stays[1].roomType" in fields
    assert "stays[2].guests" in fields
    assert {"booker.name", "booker.email"} <= set(fields)
    assert Booking.count() == 0


def test_too_large_is_refused_before_anything_is_read(hotel, reserve):
    with pytest.raises(ReservationTooLarge) as big:
        reserve(*[stay("Deluxe", nights=1) for _ in range(MAX_STAYS + 1)])
    assert big.value.status_code == 422 and big.value.code == "RESERVATION_TOO_LARGE"
    with pytest.raises(ReservationTooLarge):
        reserve(
            *[stay("Deluxe", start=10 * i, nights=10) for i in range(MAX_ROOM_NIGHTS // 10 + 1)]
        )
    assert Booking.count() == 0


def test_the_largest_reservation_fits_in_one_transaction(make_room, reserve, settings):
    settings.HOTEL_MAX_STAY_NIGHTS = 30
    for n in range(MAX_STAYS):
        make_room(roomId=f"B-{n}", roomType="Standard", capacity=2, pricePerNight=1000)
    nights = MAX_ROOM_NIGHTS // MAX_STAYS
    stays = [stay("Standard", start=i * nights, nights=nights) for i in range(MAX_STAYS)]
    created = reserve(*stays, guest_client="203.0.113.9")  # distinct nights: most counters
    assert len(created.bookings) == MAX_STAYS
    assert TRANSACTION_LIMIT == 100
    assert_inventory_consistent()


def test_two_reservations_racing_for_the_last_units_one_wins_the_other_holds_nothing(
    hotel, reserve
):
    reserve(stay("Deluxe"))  # 2 Deluxe left
    barrier = threading.Barrier(2)
    results = []

    def attempt(name):
        barrier.wait()
        try:
            results.append(
                reserve(
                    stay("Deluxe"), stay("Deluxe"), stay("Suite"), booker={**BOOKER, "name": name}
                )
            )
        except RoomUnavailable as exc:
            results.append(exc)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in ("One", "Two")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    won = [r for r in results if not isinstance(r, Exception)]
    assert len(won) == 1 and len(results) == 2
    assert Reservation.count() == 2 and Booking.count() == 4
    assert sold("Deluxe", day(0), day(1)) == {day(0): 3, day(1): 3}
    assert sold("Suite", day(0), day(1)) == {day(0): 1, day(1): 1}
    assert_inventory_consistent()


def test_a_booking_made_alone_reads_as_a_one_stay_reservation(hotel):
    created = booking_create(
        room_type="Deluxe",
        check_in=day(0),
        check_out=day(2),
        guests=2,
        guest_name="Solo",
        guest_email="solo@guest.test",
        actor="t",
        now=NOW,
    )
    view = reservation_get(created.booking.bookingId)
    assert view.single and view.reservation.reservationId == created.booking.bookingId
    assert view.token_matches(created.guest_token)
    assert [b.bookingId for b in view.bookings] == [created.booking.bookingId]
    assert Reservation.count() == 0


def test_a_guest_reservation_claims_one_hold_slot_per_room(hotel, reserve, settings):
    """The per-client cap counts rooms held: a reservation is no way around it."""
    from bookings.exceptions import TooManyHolds

    settings.HOTEL_GUEST_HOLDS_PER_CLIENT = 3
    # Real time: a slot lives until its hold ends (a TTL), and DynamoDB Local deletes an item
    # whose TTL has passed on the wall clock, so a slot claimed at the fixed NOW could vanish
    # mid-test.
    now = datetime.now(UTC)
    start = (hotel_today(now) - D).days + 30

    def guest(*stays):
        return reserve(*stays, guest_client="203.0.113.7", now=now)

    created = guest(stay("Deluxe", start=start), stay("Suite", start=start))
    slots = [b.holdSlot for b in created.bookings]
    assert all(slots) and len(set(slots)) == 2
    with pytest.raises(TooManyHolds):  # one slot left, two rooms asked
        guest(stay("Deluxe", start=start), stay("Suite", start=start))
    assert Booking.count() == 2
    guest(stay("Deluxe", start=start))  # the last slot still holds one


def test_a_promo_counts_one_use_per_stay_all_or_nothing(hotel, reserve):
    from bookings.models import PROMO_ITEM, PromoCode
    from bookings.promo_codes import promo_code_create
    from bookings.promo_uses import PromoUsedUp

    promo_code_create(data={"code": "TWO", "percent": 10, "maxUses": 3}, actor="t", now=NOW)
    created = reserve(stay("Deluxe"), stay("Suite"), promo_code="TWO")
    assert all(b.promoCode == "TWO" and b.discount for b in created.bookings)
    assert PromoCode.get("TWO", PROMO_ITEM, consistent_read=True).uses == 2
    with pytest.raises(PromoUsedUp):  # two more uses wanted, one left
        reserve(stay("Deluxe", start=5), stay("Deluxe", start=5), promo_code="TWO")
    assert PromoCode.get("TWO", PROMO_ITEM, consistent_read=True).uses == 2
    assert Booking.count() == 2
    assert_inventory_consistent()


def test_two_stays_pinning_one_room_night_after_night_check_the_room_once(hotel, reserve):
    """Two stays in the same room one after the other (e.g. under two plans): one condition
    check of the room in the transaction, not two (DynamoDB refuses two on one item)."""
    created = reserve(
        stay("Deluxe", start=0, nights=2, roomId="D-1"),
        stay("Deluxe", start=2, nights=1, roomId="D-1"),
    )
    assert [b.roomId for b in created.bookings] == ["D-1", "D-1"]
    assert sold("Deluxe", day(0), day(2)) == {day(0): 1, day(1): 1, day(2): 1}
    assert_inventory_consistent()
