"""Room type API contract: public list and detail, managers' writes, every rule in one
answer, revisions as ETags, a type in use cannot be deleted."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings

from bookings.services import booking_create, hotel_today
from bookings.type_usage import room_type_live_bookings
from hotel.accounts import roles
from hotel.audit.selectors import audit_for_object
from rooms.models import RoomType
from tests.rooms.test_api import NEW_ROOM, assert_error

TWIN = {
    "roomType": "Twin",
    "name": "Twin room",
    "description": "Two single beds and a desk.",
    "beds": "2 singles",
    "sizeM2": 18,
    "maxAdults": 2,
    "maxChildren": 1,
    "maxGuests": 2,
    "basePrice": 420000,
    "amenities": ["WiFi"],
}
INTERNAL = {"sellableRooms", "stockVersion", "stockLock", "stockLockUntil", "roomCount"}


@pytest.fixture
def manager_api(api):
    return api.as_role(roles.MANAGER)


def test_a_manager_creates_a_type_that_anyone_then_lists_with_its_room_count(manager_api, api):
    response = manager_api.post("/api/room-types", TWIN, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["currency"] == settings.HOTEL_CURRENCY
    assert body["rooms"] == 0 and body["revision"] == 1
    assert response["Location"].endswith("/api/room-types/Twin")
    assert response["ETag"] == '"1"'
    [entry] = audit_for_object(object_type="rooms.roomtype", object_id="Twin")
    assert entry.action == "create" and entry.after["basePrice"] == 420000

    room = manager_api.post(
        "/api/rooms", {**NEW_ROOM, "roomId": "T-1", "roomType": "Twin"}, format="json"
    )
    assert room.status_code == 201, room.json()

    api.credentials()  # anonymous
    listed = api.get("/api/room-types").json()
    assert listed["count"] == 1
    [twin] = listed["roomTypes"]
    assert twin["roomType"] == "Twin" and twin["name"] == "Twin room" and twin["rooms"] == 1
    assert twin["beds"] == "2 singles" and twin["sizeM2"] == 18 and twin["maxGuests"] == 2
    assert not INTERNAL & set(twin) and "revision" not in twin and "overbookingLimit" not in twin
    assert api.get("/api/room-types/Twin").json()["name"] == "Twin room"


def test_types_are_listed_in_sort_order(manager_api):
    manager_api.post("/api/room-types", {**TWIN, "sortOrder": 5}, format="json")
    manager_api.post("/api/room-types", {**TWIN, "roomType": "Loft", "sortOrder": 1}, format="json")
    body = manager_api.get("/api/room-types").json()
    assert [t["roomType"] for t in body["roomTypes"]] == ["Loft", "Twin"]


def test_photos_are_absolute_urls(manager_api):
    manager_api.post("/api/room-types", TWIN, format="json")
    RoomType(roomType="Twin").update(actions=[RoomType.photos.set(["room-types/Twin/a.jpg"])])
    [url] = manager_api.get("/api/room-types/Twin").json()["photos"]
    assert url.startswith("http://") and url.endswith("room-types/Twin/a.jpg")


def test_unknown_type_is_404_also_for_an_over_long_code(api):
    assert_error(api.get("/api/room-types/Castle"), 404, "ROOM_TYPE_NOT_FOUND")
    assert_error(api.get("/api/room-types/" + "x" * 300), 404, "ROOM_TYPE_NOT_FOUND")


def test_every_rule_is_reported_in_one_answer(manager_api):
    body = {
        "roomType": "no spaces",
        "name": "",
        "description": "x" * 2001,
        "beds": "b" * 81,
        "sizeM2": 0,
        "maxAdults": 0,
        "maxChildren": 21,
        "maxGuests": 31,
        "basePrice": 0,
        "currency": "USD",
        "amenities": "WiFi",
        "sortOrder": "first",
        "overbookingLimit": 21,
        "roomCount": 5,
    }
    error = assert_error(
        manager_api.post("/api/room-types", body, format="json"), 400, "VALIDATION_ERROR"
    )
    assert set(error["details"]["fields"]) == set(body)
    assert RoomType.count() == 0


def test_more_guests_than_adults_and_children_is_refused(manager_api):
    body = {**TWIN, "maxAdults": 2, "maxChildren": 0, "maxGuests": 3}
    error = assert_error(
        manager_api.post("/api/room-types", body, format="json"), 400, "VALIDATION_ERROR"
    )
    assert set(error["details"]["fields"]) == {"maxGuests"}


def test_bad_json_is_400(manager_api):
    response = manager_api.post("/api/room-types", "{not json", content_type="application/json")
    assert response.status_code == 400


def test_a_duplicate_code_is_409(manager_api):
    manager_api.post("/api/room-types", TWIN, format="json")
    error = assert_error(
        manager_api.post("/api/room-types", TWIN, format="json"), 409, "ROOM_TYPE_EXISTS"
    )
    assert "roomType" in error["details"]["fields"]


@pytest.mark.parametrize("role", [roles.FRONT_DESK, roles.HOUSEKEEPING, roles.ACCOUNTANT])
def test_writes_are_forbidden_for_roles_without_the_permission(api, manager_api, role):
    manager_api.post("/api/room-types", TWIN, format="json")
    staff = api.as_role(role)
    assert_error(
        staff.post("/api/room-types", {**TWIN, "roomType": "X"}, format="json"),
        403,
        "PERMISSION_DENIED",
    )
    assert_error(
        staff.patch("/api/room-types/Twin", {"name": "N"}, format="json"), 403, "PERMISSION_DENIED"
    )
    assert_error(staff.delete("/api/room-types/Twin"), 403, "PERMISSION_DENIED")


def test_anonymous_writes_are_401(api):
    assert_error(api.post("/api/room-types", TWIN, format="json"), 401, "NOT_AUTHENTICATED")


def test_patch_changes_fields_bumps_the_revision_and_is_audited(manager_api):
    manager_api.post("/api/room-types", TWIN, format="json")
    response = manager_api.patch(
        "/api/room-types/Twin",
        {"name": "Twin deluxe", "basePrice": 450000},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 200, response.json()
    assert response.json()["name"] == "Twin deluxe" and response.json()["revision"] == 2
    assert response["ETag"] == '"2"'
    entries = audit_for_object(object_type="rooms.roomtype", object_id="Twin")
    assert [e.action for e in entries][-1] in ("update", "create")
    assert any(e.action == "update" and e.before["name"] == "Twin room" for e in entries)


def test_a_stale_revision_is_409_and_changes_nothing(manager_api):
    manager_api.post("/api/room-types", TWIN, format="json")
    manager_api.patch("/api/room-types/Twin", {"name": "First"}, format="json")
    error = assert_error(
        manager_api.patch(
            "/api/room-types/Twin", {"name": "Second"}, format="json", HTTP_IF_MATCH='"1"'
        ),
        409,
        "STALE_OBJECT",
    )
    assert error["details"]["currentRevision"] == 2
    assert RoomType.get("Twin").name == "First"
    assert_error(
        manager_api.patch(
            "/api/room-types/Twin", {"name": "x"}, format="json", HTTP_IF_MATCH="abc"
        ),
        400,
        "VALIDATION_ERROR",
    )


def test_put_checks_the_guest_limits_against_the_whole_type(manager_api):
    manager_api.post("/api/room-types", TWIN, format="json")
    body = {k: v for k, v in TWIN.items() if k != "roomType"}
    assert (
        manager_api.put("/api/room-types/Twin", {**body, "maxGuests": 3}, format="json").status_code
        == 200
    )
    error = assert_error(
        manager_api.patch("/api/room-types/Twin", {"maxChildren": 0}, format="json"),
        400,
        "VALIDATION_ERROR",
    )
    assert "maxGuests" in error["details"]["fields"]
    error = assert_error(
        manager_api.patch("/api/room-types/Twin", {"roomType": "Other"}, format="json"),
        400,
        "VALIDATION_ERROR",
    )
    assert "roomType" in error["details"]["fields"]


def test_the_system_counters_cannot_be_written(manager_api):
    manager_api.post("/api/room-types", TWIN, format="json")
    error = assert_error(
        manager_api.patch("/api/room-types/Twin", {"sellableRooms": 9}, format="json"),
        400,
        "VALIDATION_ERROR",
    )
    assert "sellableRooms" in error["details"]["fields"]


def test_a_type_with_rooms_is_not_deleted(manager_api, make_room):
    make_room(roomId="R-1", roomType="Deluxe")
    error = assert_error(manager_api.delete("/api/room-types/Deluxe"), 409, "ROOM_TYPE_IN_USE")
    assert error["details"]["rooms"] == 1
    assert RoomType.get("Deluxe").roomCount == 1


def test_a_type_without_rooms_is_deleted_and_audited(manager_api):
    manager_api.post("/api/room-types", TWIN, format="json")
    assert manager_api.delete("/api/room-types/Twin", HTTP_IF_MATCH='"1"').status_code == 204
    assert RoomType.count() == 0
    assert audit_for_object(object_type="rooms.roomtype", object_id="Twin")[-1].action in (
        "delete",
        "create",
    )
    assert_error(manager_api.delete("/api/room-types/Twin"), 404, "ROOM_TYPE_NOT_FOUND")


def test_a_type_with_live_bookings_is_not_deleted_even_without_rooms(manager_api, make_room):
    make_room(roomId="R-1", roomType="Deluxe")
    now = datetime.now(UTC)
    check_in = hotel_today(now) + timedelta(days=5)
    booking = booking_create(
        room_id="R-1",
        check_in=check_in,
        check_out=check_in + timedelta(days=2),
        guests=1,
        guest_name="Type Guest",
        guest_email="type@guest.test",
        actor="test",
        now=now,
    ).booking
    assert room_type_live_bookings(room_type="Deluxe", now=now) == [booking.bookingId]
    assert room_type_live_bookings(room_type="Suite", now=now) == []
    # As if the room had been moved away while the booking stays of this type.
    RoomType(roomType="Deluxe").update(actions=[RoomType.roomCount.set(0)])
    error = assert_error(manager_api.delete("/api/room-types/Deluxe"), 409, "ROOM_TYPE_IN_USE")
    assert error["details"]["bookings"] == [booking.bookingId]


def test_an_unknown_type_on_room_create_is_400_and_legacy_codes_still_work(manager_api):
    error = assert_error(
        manager_api.post("/api/rooms", {**NEW_ROOM, "roomType": "Castle"}, format="json"),
        400,
        "VALIDATION_ERROR",
    )
    assert "roomType" in error["details"]["fields"]
    response = manager_api.post("/api/rooms", {**NEW_ROOM, "roomType": "Suite"}, format="json")
    assert response.status_code == 201, response.json()
    suite = manager_api.get("/api/room-types/Suite").json()
    assert suite["rooms"] == 1 and suite["basePrice"] == NEW_ROOM["pricePerNight"]
