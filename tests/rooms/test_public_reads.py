"""Live occupancy and housekeeping state are staff's: anonymous room reads show what a guest
needs to choose a room, nothing that moves when a guest checks in or out."""

from datetime import date, timedelta

import pytest
from rest_framework.test import APIClient

from bookings.services import booking_create, booking_transition
from hotel.accounts import roles
from tests.conftest import NOW
from tests.rooms.test_api import assert_error

PUBLIC_FIELDS = {
    "roomId",
    "roomType",
    "floorNumber",
    "capacity",
    "pricePerNight",
    "currency",
    "amenities",
    "photos",
    "description",
}
STATE_FIELDS = {"status", "housekeeping", "lastUpdated", "version"}


@pytest.fixture
def occupied_room(make_room):
    """R-1 with a guest in house; R-2 free."""
    make_room(roomId="R-1", capacity=2)
    make_room(roomId="R-2", capacity=2)
    today = date.today()
    created = booking_create(
        room_id="R-1",
        check_in=today,
        check_out=today + timedelta(days=2),
        guests=1,
        guest_name="In House",
        guest_email="in@house.test",
        actor="test",
        now=NOW.replace(year=today.year, month=today.month, day=today.day),
    )
    for status in ("confirmed", "checked-in"):
        booking_transition(
            booking_id=created.booking.bookingId,
            to_status=status,
            actor="test",
            now=NOW.replace(year=today.year, month=today.month, day=today.day),
        )


def test_anonymous_room_list_and_detail_do_not_show_occupancy(occupied_room):
    anonymous = APIClient()
    listed = anonymous.get("/api/rooms")
    assert listed.status_code == 200
    rooms = {r["roomId"]: r for r in listed.json()["rooms"]}
    assert set(rooms) == {"R-1", "R-2"}
    for room in rooms.values():
        assert set(room) == PUBLIC_FIELDS
    # The occupied room and the free one look the same to a guest.
    assert {k: v for k, v in rooms["R-1"].items() if k != "roomId"} == {
        k: v for k, v in rooms["R-2"].items() if k != "roomId"
    }
    detail = anonymous.get("/api/rooms/R-1")
    assert detail.status_code == 200
    assert set(detail.json()) == PUBLIC_FIELDS
    assert "ETag" not in detail  # the version moves at every check-in and check-out


def test_anonymous_cannot_filter_rooms_by_status(occupied_room):
    response = APIClient().get("/api/rooms?status=occupied")
    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert "status" in error["details"]["fields"]


def test_anonymous_availability_shows_the_public_shape(occupied_room):
    start = date.today() + timedelta(days=30)
    response = APIClient().post(
        "/api/rooms/availability",
        {"checkIn": start.isoformat(), "checkOut": (start + timedelta(days=1)).isoformat()},
        format="json",
    )
    assert response.status_code == 200, response.json()
    for room in response.json()["rooms"]:
        assert not STATE_FIELDS & set(room)


@pytest.mark.parametrize("role", [roles.FRONT_DESK, roles.HOUSEKEEPING, roles.MANAGER])
def test_staff_see_occupancy_and_housekeeping(api, occupied_room, role):
    client = api.as_role(role)
    rooms = {r["roomId"]: r for r in client.get("/api/rooms").json()["rooms"]}
    assert rooms["R-1"]["status"] == "occupied" and rooms["R-2"]["status"] == "available"
    assert rooms["R-1"]["housekeeping"] == "clean"
    assert set(rooms["R-1"]) >= STATE_FIELDS
    detail = client.get("/api/rooms/R-1")
    assert detail.json()["status"] == "occupied"
    assert detail["ETag"] == f'"{detail.json()["version"]}"'
    assert [r["roomId"] for r in client.get("/api/rooms?status=occupied").json()["rooms"]] == [
        "R-1"
    ]
