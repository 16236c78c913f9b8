"""Selling room types: units per (type, night) taken, moved and given back with the booking,
rooms assigned by the product, changes of the rooms a type can sell."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bookings import services
from bookings.exceptions import (
    InvalidTransition,
    RoomNotReady,
    RoomUnavailable,
    TooManyGuests,
)
from bookings.inventory import inventory_read, nights_ensure
from bookings.models import Booking, RoomNight
from hotel.errors import Conflict, ValidationFailed
from rooms.services import room_create, room_delete, room_set_housekeeping
from tests.conftest import NOW
from tests.invariants import assert_inventory_consistent

from .conftest import day


@pytest.fixture
def twins(make_room):
    """Two Deluxe rooms (the type is made from the first)."""
    make_room(roomId="R-1", capacity=2, pricePerNight=10000)
    make_room(roomId="R-2", capacity=2, pricePerNight=10000)


def sell(start=0, nights=2, room_type="Deluxe", now=NOW, **kw):
    fields = {"guests": 2, "guest_name": "Ada Guest", "guest_email": "ada@guest.test"}
    fields.update(kw)
    return services.booking_create(
        room_type=room_type,
        check_in=day(start),
        check_out=day(start + nights),
        actor="test",
        now=now,
        **fields,
    ).booking


def place(booking, room_id, *, pinned):
    return services.booking_room_set(
        booking_id=booking.bookingId, room_id=room_id, pinned=pinned, actor="t", now=NOW
    )


def sold(room_type="Deluxe", start=0, nights=4) -> list[int]:
    items = inventory_read(first=day(start), last=day(start + nights - 1), room_type=room_type)
    return [
        items[(room_type, day(n))].sold if (room_type, day(n)) in items else 0
        for n in range(start, start + nights)
    ]


def test_a_type_booking_takes_units_and_no_room(twins):
    booking = sell()

    assert (booking.roomType, booking.roomId, booking.status) == ("Deluxe", None, "pending")
    assert booking.totalPrice > 0
    assert sold() == [1, 1, 0, 0]
    assert list(RoomNight.scan()) == []
    assert_inventory_consistent()


def test_the_last_unit_goes_once_then_409(twins):
    sell()
    sell()
    with pytest.raises(RoomUnavailable):
        sell(start=1, nights=1)
    assert sold() == [2, 2, 0, 0]
    assert sell(start=2).roomType == "Deluxe"  # the next nights are free
    assert_inventory_consistent()


def test_a_pinned_booking_and_type_bookings_share_the_units(twins, make_booking):
    make_booking(room_id="R-1")  # the seed's body: a room, pinned
    sell()
    with pytest.raises(RoomUnavailable):
        sell()
    pinned = Booking.get(Booking.by_status.query("pending").next().bookingId)
    assert sold() == [2, 2, 0, 0]
    assert {b.roomPinned for b in Booking.scan()} == {True, None}
    assert pinned.roomType == "Deluxe"
    assert_inventory_consistent()


def test_unknown_type_and_too_many_guests_are_refused(twins):
    with pytest.raises(ValidationFailed) as unknown:
        sell(room_type="Castle")
    assert "roomType" in unknown.value.details["fields"]
    with pytest.raises(TooManyGuests):
        sell(guests=5)


def test_cancel_expire_no_show_and_check_out_give_the_units_back(twins):
    a, b = sell(), sell(start=2)
    services.booking_cancel(booking_id=a.bookingId, actor="t", now=NOW)
    assert sold() == [0, 0, 1, 1]
    assert services.holds_expire(now=b.expiresAt + timedelta(seconds=1)) == 1
    assert sold() == [0, 0, 0, 0]
    c = sell()
    services.booking_transition(booking_id=c.bookingId, to_status="confirmed", actor="t", now=NOW)
    services.booking_transition(booking_id=c.bookingId, to_status="no-show", actor="t", now=NOW)
    assert sold() == [0, 0, 0, 0]
    assert_inventory_consistent()


def test_check_in_assigns_a_room_and_check_out_frees_it(twins):
    booking = sell(start=0)
    services.booking_transition(
        booking_id=booking.bookingId, to_status="confirmed", actor="t", now=NOW
    )
    checked_in = services.booking_transition(
        booking_id=booking.bookingId, to_status="checked-in", actor="t", now=NOW
    )
    assert checked_in.roomId in {"R-1", "R-2"}
    assert_inventory_consistent()
    services.booking_transition(
        booking_id=booking.bookingId, to_status="checked-out", actor="t", now=NOW
    )
    assert sold() == [0, 0, 0, 0] and list(RoomNight.scan()) == []
    assert_inventory_consistent()


def test_a_date_change_moves_the_units_and_keeps_or_drops_the_room(twins):
    a = sell(start=0)
    b = sell(start=0)
    services.rooms_assign(start=day(0), end=day(2), actor="t", now=NOW)
    a = Booking.get(a.bookingId)
    moved = services.booking_change(
        booking_id=a.bookingId, check_in=day(1), check_out=day(3), actor="t", now=NOW
    )
    assert sold() == [1, 2, 1, 0]  # b keeps nights 0-1, a now 1-2
    assert moved.roomId == a.roomId  # its room was free for the new nights
    assert Booking.get(b.bookingId).roomId not in (None, moved.roomId)
    assert_inventory_consistent()


def test_a_change_of_type_moves_the_units_to_the_other_type(twins, make_room):
    make_room(roomId="S-1", roomType="Suite", capacity=4, pricePerNight=30000)
    booking = sell()
    upgraded = services.booking_change(
        booking_id=booking.bookingId, room_type="Suite", keep_rate=True, actor="t", now=NOW
    )
    assert (upgraded.roomType, upgraded.totalPrice) == ("Suite", booking.totalPrice)
    assert sold() == [0, 0, 0, 0] and sold("Suite") == [1, 1, 0, 0]
    repriced = services.booking_change(
        booking_id=booking.bookingId, check_in=day(1), check_out=day(3), actor="t", now=NOW
    )
    assert repriced.totalPrice > booking.totalPrice  # the Suite's price for the new dates
    assert_inventory_consistent()


def test_the_fragmentation_case_is_sold_and_assigned(twins):
    """A = nights 1-2 in one room, B = nights 3-4 in the other, then C = nights 2-3: the type
    has a free room every night, so C is sold and all three get rooms (one move)."""
    a = sell(start=1, nights=2)
    b = sell(start=3, nights=2)
    services.booking_room_set(
        booking_id=a.bookingId, room_id="R-1", pinned=False, actor="t", now=NOW
    )
    services.booking_room_set(
        booking_id=b.bookingId, room_id="R-2", pinned=False, actor="t", now=NOW
    )
    c = sell(start=2, nights=2)

    result = services.rooms_assign(start=day(1), end=day(5), actor="t", now=NOW)

    rooms = {x.bookingId: x.roomId for x in Booking.scan()}
    assert set(rooms) == {a.bookingId, b.bookingId, c.bookingId}
    assert None not in rooms.values()
    assert result.unplaced == [] and len(result.moved) == 1
    assert_inventory_consistent()
    again = services.rooms_assign(start=day(1), end=day(5), actor="t", now=NOW)
    assert again.as_dict() == {"assigned": [], "moved": [], "unplaced": []}


def test_pinned_bookings_are_not_moved_and_the_impossible_is_named(twins):
    a = sell(start=1, nights=2)
    b = sell(start=3, nights=2)
    services.booking_room_set(
        booking_id=a.bookingId, room_id="R-1", pinned=True, actor="t", now=NOW
    )
    services.booking_room_set(
        booking_id=b.bookingId, room_id="R-2", pinned=True, actor="t", now=NOW
    )
    c = sell(start=2, nights=2)  # sold: the type has a unit each night

    result = services.rooms_assign(start=day(1), end=day(5), actor="t", now=NOW)

    assert [u["bookingId"] for u in result.unplaced] == [c.bookingId]
    assert result.unplaced[0]["reason"]
    assert Booking.get(c.bookingId).roomId is None
    assert_inventory_consistent()


def test_setting_a_taken_room_is_409_and_unassign_frees_it(twins):
    a, b = sell(), sell()
    services.booking_room_set(
        booking_id=a.bookingId, room_id="R-1", pinned=True, actor="t", now=NOW
    )
    with pytest.raises(RoomUnavailable):
        services.booking_room_set(
            booking_id=b.bookingId, room_id="R-1", pinned=True, actor="t", now=NOW
        )
    services.booking_room_set(
        booking_id=a.bookingId, room_id=None, pinned=False, actor="t", now=NOW
    )
    assert Booking.get(a.bookingId).roomId is None
    services.booking_room_set(
        booking_id=b.bookingId, room_id="R-1", pinned=True, actor="t", now=NOW
    )
    assert Booking.get(b.bookingId).roomPinned is True
    assert_inventory_consistent()


def test_an_in_house_booking_cannot_be_unassigned(twins):
    booking = sell()
    for status in ("confirmed", "checked-in"):
        services.booking_transition(
            booking_id=booking.bookingId, to_status=status, actor="t", now=NOW
        )
    with pytest.raises(InvalidTransition):
        services.booking_room_set(
            booking_id=booking.bookingId, room_id=None, pinned=False, actor="t", now=NOW
        )


def test_a_new_room_raises_existing_nights_and_out_of_order_lowers_them(twins):
    sell()
    sell()
    nights_ensure(room_type="Deluxe", nights=[day(5)])
    room_create(
        data={
            "roomId": "R-3",
            "roomType": "Deluxe",
            "floorNumber": 1,
            "capacity": 2,
            "pricePerNight": 10000,
        },
        actor="t",
        now=NOW,
    )
    items = inventory_read(first=day(0), last=day(5), room_type="Deluxe")
    assert [items[("Deluxe", day(n))].sellable for n in (0, 1, 5)] == [3, 3, 3]
    assert sell().roomType == "Deluxe"  # the third room sells at once
    # Every room is sold on nights 0-1: none may go out of order, and nothing changes.
    with pytest.raises(Conflict) as refused:
        room_set_housekeeping(room_id="R-3", state="out_of_order", actor="t", now=NOW)
    assert refused.value.code == "ROOMS_SOLD" and len(refused.value.details["bookings"]) == 3
    items = inventory_read(first=day(0), last=day(5), room_type="Deluxe")
    assert [items[("Deluxe", day(n))].sellable for n in (0, 1, 5)] == [3, 3, 3]
    assert_inventory_consistent()


def test_a_room_out_of_order_leaves_the_unsold_nights(twins):
    sell()
    room_set_housekeeping(room_id="R-2", state="out_of_order", actor="t", now=NOW)
    items = inventory_read(first=day(0), last=day(1), room_type="Deluxe")
    assert [(i.sellable, i.ceiling, i.sold) for i in items.values()] == [(1, 1, 1)] * 2
    with pytest.raises(RoomUnavailable):
        sell()
    room_set_housekeeping(room_id="R-2", state="clean", actor="t", now=NOW)
    assert sell().roomType == "Deluxe"
    with pytest.raises(Conflict):
        room_delete(room_id="R-2", actor="t", now=NOW)  # both rooms are sold now
    assert_inventory_consistent()


def test_a_guest_in_house_moves_to_another_room_with_the_occupancy(twins):
    from rooms.models import Room

    booking = sell()
    place(booking, "R-1", pinned=False)
    for status in ("confirmed", "checked-in"):
        services.booking_transition(
            booking_id=booking.bookingId, to_status=status, actor="t", now=NOW
        )

    moved = place(booking, "R-2", pinned=True)

    assert (moved.roomId, moved.status) == ("R-2", "checked-in")
    old, new = Room.get("R-1"), Room.get("R-2")
    assert (old.status, old.housekeeping, old.occupantBookingId) == ("available", "dirty", None)
    assert (new.status, new.occupantBookingId) == ("occupied", booking.bookingId)
    assert {n.roomId for n in RoomNight.scan()} == {"R-2"}
    assert sold() == [1, 1, 0, 0]
    assert_inventory_consistent()
    with pytest.raises(RoomNotReady):  # R-1 is dirty now: not ready for a guest
        place(booking, "R-1", pinned=True)


def test_an_overbooked_night_sells_past_the_rooms_and_check_in_says_no_room(twins):
    from rooms.room_type_services import room_type_update

    room_type_update(code="Deluxe", data={"overbookingLimit": 1}, actor="m", now=NOW)
    bookings = [sell(start=0, nights=1) for _ in range(3)]  # two rooms, three sold
    with pytest.raises(RoomUnavailable):
        sell(start=0, nights=1)
    for booking in bookings:
        services.booking_transition(
            booking_id=booking.bookingId, to_status="confirmed", actor="t", now=NOW
        )
    for booking in bookings[:2]:
        services.booking_transition(
            booking_id=booking.bookingId, to_status="checked-in", actor="t", now=NOW
        )

    with pytest.raises(services.NoRoomAvailable) as refused:
        services.booking_transition(
            booking_id=bookings[2].bookingId, to_status="checked-in", actor="t", now=NOW
        )

    assert refused.value.code == "NO_ROOM_AVAILABLE"
    assert Booking.get(bookings[2].bookingId).status == "confirmed"
    assert_inventory_consistent()


def test_a_booking_cancelled_while_the_assigner_plans_gets_no_room(twins, monkeypatch):
    """The assigner plans from one read and writes each placement after it: a booking
    cancelled in between was given room nights that nothing ever released (found by the
    reliability storm: a room held for ever by a cancelled booking)."""
    from bookings.services import assign as assign_module

    gone, kept = sell(start=0), sell(start=0)
    real_assign = assign_module.assign

    def plan_then_cancel(**kwargs):
        plan = real_assign(**kwargs)
        services.booking_cancel(booking_id=gone.bookingId, actor="guest", now=NOW)
        return plan

    monkeypatch.setattr(assign_module, "assign", plan_then_cancel)
    result = services.rooms_assign(start=day(0), end=day(2), actor="t", now=NOW)

    assert [a["bookingId"] for a in result.assigned] == [kept.bookingId]
    assert result.unplaced == []
    assert Booking.get(gone.bookingId).roomId is None
    assert {n.bookingId for n in RoomNight.scan()} == {kept.bookingId}
    assert_inventory_consistent()
