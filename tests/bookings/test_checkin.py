"""Check-in takes a room only when nobody is in it and it is usable (API edge + the race).

A dirty or out-of-service room needs the clerk's explicit, audited "check in anyway"
(`overrideHousekeeping`); an occupied or out-of-order room is refused whatever is sent.
"""

import threading

import pytest

from bookings.models import Booking
from bookings.services import booking_transition
from hotel.accounts import roles
from hotel.audit.selectors import audit_for_object
from hotel.errors import Conflict
from rooms.models import Room
from rooms.services import room_set_housekeeping
from tests.conftest import NOW
from tests.rooms.test_api import assert_error


def confirmed(make_booking, **kw):
    booking = make_booking(**kw).booking
    booking_transition(booking_id=booking.bookingId, to_status="confirmed", actor="t", now=NOW)
    return booking


def status(client, booking, **body):
    return client.put(
        f"/api/bookings/{booking.bookingId}/status",
        {"status": "checked-in", **body},
        format="json",
    )


@pytest.fixture
def desk(api):
    return api.as_role(roles.FRONT_DESK)


def test_a_guest_cannot_be_checked_into_a_room_whose_guest_is_still_in_house(
    desk, room, make_booking
):
    leaving = confirmed(make_booking, start=0, nights=1)  # due out on day 1, still in house
    arriving = confirmed(make_booking, start=1, nights=2)
    assert status(desk, leaving).status_code == 200

    error = assert_error(status(desk, arriving), 409, "ROOM_OCCUPIED")
    assert leaving.bookingId in error["message"]
    assert error["details"]["occupantBookingId"] == leaving.bookingId
    # "check in anyway" is for housekeeping, never for a room with a guest in it
    assert_error(status(desk, arriving, overrideHousekeeping=True), 409, "ROOM_OCCUPIED")
    assert Booking.get(arriving.bookingId).status == "confirmed"
    assert Room.get("R-1").occupantBookingId == leaving.bookingId

    checked_out = desk.put(
        f"/api/bookings/{leaving.bookingId}/status", {"status": "checked-out"}, format="json"
    )
    assert checked_out.status_code == 200
    room_set_housekeeping(room_id="R-1", state="clean", actor="hk", now=NOW)
    assert status(desk, arriving).status_code == 200
    room = Room.get("R-1")
    assert (room.status, room.occupantBookingId) == ("occupied", arriving.bookingId)


def test_a_dirty_room_needs_check_in_anyway_which_is_audited(desk, room, make_booking):
    booking = confirmed(make_booking)
    room_set_housekeeping(room_id="R-1", state="dirty", actor="hk", now=NOW)

    error = assert_error(status(desk, booking), 409, "ROOM_NOT_READY")
    assert "dirty" in error["message"]
    assert error["details"] == {
        "housekeeping": "dirty",
        "housekeepingLabel": "Dirty",
        "overridable": True,
    }
    assert Booking.get(booking.bookingId).status == "confirmed"

    response = status(desk, booking, overrideHousekeeping=True)
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "checked-in"
    entry = audit_for_object(object_type="bookings.booking", object_id=booking.bookingId)[0]
    assert entry.action == "status:checked-in"
    assert entry.after["checkedInAnyway"] is True and entry.after["roomHousekeeping"] == "dirty"


@pytest.mark.parametrize("state", ["out_of_order"])
def test_an_out_of_order_room_is_refused_even_with_check_in_anyway(
    desk, room, make_booking, make_room, state
):
    booking = confirmed(make_booking)
    make_room(roomId="R-2")  # a spare room of the type: taking R-1 out of order is allowed
    room_set_housekeeping(room_id="R-1", state=state, actor="hk", now=NOW)
    for body in ({}, {"overrideHousekeeping": True}):
        error = assert_error(status(desk, booking, **body), 409, "ROOM_NOT_READY")
        assert error["details"]["overridable"] is False
    assert Booking.get(booking.bookingId).status == "confirmed"
    assert Room.get("R-1").status == "available"


def test_override_must_be_a_boolean(desk, room, make_booking):
    booking = confirmed(make_booking)
    error = assert_error(
        status(desk, booking, overrideHousekeeping="maybe"), 400, "VALIDATION_ERROR"
    )
    assert "overrideHousekeeping" in str(error["details"])


def test_concurrent_check_ins_into_one_room_let_exactly_one_guest_in(room, make_booking):
    """Six stays of one room (nights 0-5, each confirmed) checked in at the same moment."""
    bookings = [confirmed(make_booking, start=n, nights=1) for n in range(6)]
    barrier = threading.Barrier(len(bookings))
    results: dict[str, str] = {}

    def check_in(booking):
        barrier.wait()
        try:
            booking_transition(
                booking_id=booking.bookingId, to_status="checked-in", actor="desk", now=NOW
            )
            results[booking.bookingId] = "in"
        except Conflict:  # ROOM_OCCUPIED
            results[booking.bookingId] = "occupied"

    threads = [threading.Thread(target=check_in, args=(b,)) for b in bookings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    winners = [b for b, outcome in results.items() if outcome == "in"]
    assert len(results) == 6 and len(winners) == 1, results
    assert Room.get("R-1").occupantBookingId == winners[0]
    statuses = sorted(Booking.get(b.bookingId).status for b in bookings)
    assert statuses == ["checked-in"] + ["confirmed"] * 5
