"""Housekeeping states: the service, availability, and the board in the admin."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client

from bookings.availability import rooms_available
from bookings.exceptions import RoomUnavailable
from bookings.services import booking_create
from hotel.accounts import roles
from hotel.audit.selectors import audit_for_object
from hotel.errors import ValidationFailed
from rooms.models import Room
from rooms.services import room_set_housekeeping
from tests.conftest import NOW

BOARD = "/admin/housekeeping/"
STAY = {"check_in": date(2026, 3, 9), "check_out": date(2026, 3, 11)}


@pytest.fixture
def client_for(make_staff):
    """`client_for(role)`: a test client signed in as a new staff member with that role."""

    def make(role: str) -> Client:
        client = Client()
        client.user = make_staff(role)
        client.force_login(client.user)
        return client

    return make


def test_a_state_change_is_validated_and_audited(make_room):
    make_room(roomId="101")

    later = NOW + timedelta(minutes=5)
    room = room_set_housekeeping(room_id="101", state="inspected", actor="hk@staff.test", now=later)

    assert Room.get("101").housekeeping == "inspected" == room.housekeeping
    entry = audit_for_object(object_type="rooms.room", object_id="101")[0]
    assert entry.action == "housekeeping" and entry.actor == "hk@staff.test"
    assert entry.changes == {"housekeeping": ["clean", "inspected"]}
    with pytest.raises(ValidationFailed):
        room_set_housekeeping(room_id="101", state="sparkling", actor="hk@staff.test", now=later)


def test_rooms_written_before_the_new_states_still_read(make_room):
    room = make_room(roomId="101")
    room.update(actions=[Room.housekeeping.remove()])

    assert Room.get("101").housekeeping == "clean"


def test_out_of_order_rooms_leave_availability_and_cannot_be_booked(make_room):
    make_room(roomId="101")
    make_room(roomId="102")
    make_room(roomId="103")
    room_set_housekeeping(room_id="101", state="out_of_order", actor="t", now=NOW)
    room_set_housekeeping(room_id="102", state="out_of_service", actor="t", now=NOW)

    free = {room.roomId for room, _ in rooms_available(now=NOW, **STAY)}

    assert free == {"102", "103"}  # out of service is still sold
    with pytest.raises(RoomUnavailable):
        booking_create(
            room_id="101",
            guests=1,
            guest_name="Ada",
            guest_email="ada@guest.test",
            actor="t",
            now=NOW,
            **STAY,
        )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (roles.HOUSEKEEPING, 200),
        (roles.FRONT_DESK, 200),
        (roles.MANAGER, 200),
        (roles.ACCOUNTANT, 403),
    ],
)
def test_the_board_is_for_roles_that_change_room_status(client_for, make_room, role, status):
    make_room(roomId="101")

    assert client_for(role).get(BOARD).status_code == status


def test_housekeeping_marks_a_dirty_room_clean_on_the_board(client_for, make_room):
    make_room(roomId="101")
    room_set_housekeeping(room_id="101", state="dirty", actor="t", now=NOW)
    client = client_for(roles.HOUSEKEEPING)

    board = client.get(BOARD).content.decode()
    assert 'id="room-101"' in board and 'name="state" value="clean"' in board

    response = client.post(BOARD, {"room_id": "101", "state": "clean"})

    assert response.status_code == 302 and response["Location"].endswith("#room-101")
    assert Room.get("101").housekeeping == "clean"
    assert audit_for_object(object_type="rooms.room", object_id="101")[0].actor == client.user.email


def test_the_board_filters_by_state_and_reports_a_bad_state(client_for, make_room):
    make_room(roomId="101")
    make_room(roomId="102")
    room_set_housekeeping(room_id="102", state="dirty", actor="t", now=NOW)
    client = client_for(roles.HOUSEKEEPING)

    dirty = client.get(BOARD, {"state": "dirty"}).content.decode()
    assert 'id="room-102"' in dirty and 'id="room-101"' not in dirty

    response = client.post(BOARD, {"room_id": "101", "state": "sparkling"}, follow=True)
    assert "Choose one of" in response.content.decode()
    assert Room.get("101").housekeeping == "clean"
