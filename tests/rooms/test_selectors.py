"""rooms.selectors called directly, on rooms made through rooms.services: one room by id,
filtered and paged lists, the whole hotel in floor order, the room-type cards."""

from __future__ import annotations

import pytest

from hotel.dynamo import InvalidCursor
from hotel.errors import NotFound
from rooms import selectors
from rooms.services import room_set_status
from tests.conftest import NOW


@pytest.fixture
def hotel(make_room):
    """Five rooms on two floors, three types; R-202 is in maintenance."""
    make_room(roomId="R-201", roomType="Standard", floorNumber=2, pricePerNight=4000)
    make_room(roomId="R-101", roomType="Standard", floorNumber=1, pricePerNight=3000)
    make_room(roomId="R-102", roomType="Deluxe", floorNumber=1, pricePerNight=6000, capacity=3)
    make_room(roomId="R-202", roomType="Deluxe", floorNumber=2, pricePerNight=5000, capacity=2)
    make_room(roomId="R-301", roomType="Suite", floorNumber=3, pricePerNight=9000, capacity=4)
    room_set_status(room_id="R-202", status="maintenance", actor="t", now=NOW)


def ids(rooms) -> list[str]:
    return sorted(room.roomId for room in rooms)


def test_room_get_returns_the_stored_room(hotel):
    room = selectors.room_get(room_id="R-102")

    assert (room.roomId, room.roomType, room.pricePerNight) == ("R-102", "Deluxe", 6000)


@pytest.mark.parametrize("room_id", ["R-999", "R-" + "9" * 80, ""])
def test_room_get_of_an_unknown_or_impossible_id_is_room_not_found(hotel, room_id):
    with pytest.raises(NotFound) as caught:
        selectors.room_get(room_id=room_id)

    assert caught.value.code == "ROOM_NOT_FOUND"


def test_rooms_list_filters_by_type_floor_and_status(hotel):
    by_type, _ = selectors.rooms_list(room_type="Standard")
    by_type_and_floor, _ = selectors.rooms_list(room_type="Deluxe", floor_number=1)
    by_status, _ = selectors.rooms_list(status="maintenance")
    by_floor, _ = selectors.rooms_list(floor_number=2)
    everything, _ = selectors.rooms_list()

    assert ids(by_type) == ["R-101", "R-201"]
    assert ids(by_type_and_floor) == ["R-102"]
    assert ids(by_status) == ["R-202"]
    assert ids(by_floor) == ["R-201", "R-202"]
    assert len(everything) == 5


def test_rooms_list_pages_through_every_room_once(hotel):
    seen, cursor, pages = [], None, 0
    while True:
        page, cursor = selectors.rooms_list(limit=2, cursor=cursor)
        seen += [room.roomId for room in page]
        pages += 1
        assert len(page) <= 2
        if cursor is None:
            break

    assert sorted(seen) == ["R-101", "R-102", "R-201", "R-202", "R-301"]
    assert pages == 3


def test_a_cursor_is_refused_for_other_filters(hotel):
    _, cursor = selectors.rooms_list(limit=1)
    assert cursor is not None

    with pytest.raises(InvalidCursor):
        selectors.rooms_list(room_type="Standard", limit=1, cursor=cursor)


def test_rooms_all_orders_by_floor_then_room_id(hotel):
    assert [room.roomId for room in selectors.rooms_all()] == [
        "R-101",
        "R-102",
        "R-201",
        "R-202",
        "R-301",
    ]


def test_room_id_plausible_rejects_empty_over_long_and_non_strings():
    assert selectors.room_id_plausible("R-101")
    assert not selectors.room_id_plausible("")
    assert not selectors.room_id_plausible("x" * 65)
    assert not selectors.room_id_plausible(101)
