"""Bad input to the room API: one 4xx in the error shape with every field's problem, never 500."""

from __future__ import annotations

import pytest

from hotel.accounts import roles
from rooms.models import Room
from tests.rooms.test_api import NEW_ROOM, assert_error


def test_type_errors_and_rule_errors_come_in_one_answer(api):
    staff = api.as_role(roles.MANAGER)
    body = {**NEW_ROOM, "capacity": -3, "pricePerNight": "lots", "floorNumber": "x"}

    response = staff.post("/api/rooms", body, format="json")

    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert set(error["details"]["fields"]) == {"capacity", "pricePerNight", "floorNumber"}
    assert Room.count() == 0


def test_a_bad_room_id_is_reported_with_the_type_errors(api):
    staff = api.as_role(roles.MANAGER)
    body = {**NEW_ROOM, "roomId": "no spaces", "capacity": 99, "roomType": "Castle"}

    error = assert_error(staff.post("/api/rooms", body, format="json"), 400, "VALIDATION_ERROR")

    assert set(error["details"]["fields"]) == {"roomId", "capacity", "roomType"}


def test_a_patch_reports_every_field_at_once(api, make_room):
    make_room(roomId="R-1")
    staff = api.as_role(roles.MANAGER)

    response = staff.patch(
        "/api/rooms/R-1", {"capacity": 0, "floorNumber": "x", "bogus": 1}, format="json"
    )

    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert set(error["details"]["fields"]) == {"capacity", "floorNumber", "bogus"}
    assert Room.get("R-1").version == 1


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_an_over_long_room_id_is_404(api, method):
    staff = api.as_role(roles.MANAGER)

    response = getattr(staff, method)("/api/rooms/" + "A" * 3000, {"capacity": 2}, format="json")

    assert_error(response, 404, "ROOM_NOT_FOUND")


def test_a_put_to_an_over_long_room_id_is_400_on_the_id(api):
    staff = api.as_role(roles.MANAGER)
    body = {k: v for k, v in NEW_ROOM.items() if k != "roomId"}

    response = staff.put("/api/rooms/" + "A" * 3000, body, format="json")

    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert list(error["details"]["fields"]) == ["roomId"]


@pytest.mark.parametrize("depth", [100_000, 2_000, 40])
def test_deeply_nested_json_is_400(api, depth):
    staff = api.as_role(roles.MANAGER)

    response = staff.post("/api/rooms", "[" * depth + "]" * depth, content_type="application/json")

    assert_error(response, 400, "MALFORMED_REQUEST")


def test_an_unclosed_deep_nesting_is_400(api):
    response = api.post("/api/rooms/availability", "[" * 100_000, content_type="application/json")

    assert_error(response, 400, "MALFORMED_REQUEST")
