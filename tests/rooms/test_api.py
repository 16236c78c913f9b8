"""Room API contract: shapes, filters, paging, staff-only writes, error shapes."""

import pytest

from hotel.accounts import roles
from hotel.audit.selectors import audit_for_object
from rooms.models import Room

NEW_ROOM = {
    "roomId": "R-901-SUITE",
    "roomType": "Suite",
    "floorNumber": 9,
    "capacity": 4,
    "pricePerNight": 1250000,
    "amenities": ["WiFi", "Balcony"],
}


def assert_error(response, status, code):
    body = response.json()
    assert response.status_code == status, body
    assert set(body) == {"error"}
    error = body["error"]
    assert error["code"] == code
    assert error["statusCode"] == status
    assert error["requestId"] == response["X-Request-Id"]
    assert isinstance(error["message"], str) and error["message"]
    return error


def test_room_list_starts_empty(api):
    response = api.get("/api/rooms")
    assert response.status_code == 200
    assert response.json() == {"rooms": [], "count": 0}


def test_get_room_has_the_seed_contract_shape(api, make_room):
    make_room(roomId="R-101-DELUXE", roomType="Deluxe", floorNumber=1)
    body = api.as_role(roles.FRONT_DESK).get("/api/rooms/R-101-DELUXE").json()
    assert body["roomId"] == "R-101-DELUXE"
    assert body["roomType"] == "Deluxe"
    assert body["floorNumber"] == 1
    assert body["capacity"] == 2
    assert body["status"] == "available"
    assert body["pricePerNight"] == 5000 and isinstance(body["pricePerNight"], int)
    assert body["currency"] == "INR"
    assert body["amenities"] == ["AC", "WiFi"]
    assert body["photos"] == []
    assert body["lastUpdated"].endswith("Z")


def test_unknown_room_is_404_in_the_error_shape(api):
    assert_error(api.get("/api/rooms/R-NOPE"), 404, "ROOM_NOT_FOUND")


def test_filters_by_type_floor_and_status(api, make_room):
    make_room(roomId="R-101", roomType="Standard", floorNumber=1)
    make_room(roomId="R-201", roomType="Standard", floorNumber=2)
    make_room(roomId="R-202", roomType="Deluxe", floorNumber=2, status="maintenance")
    ids = lambda r: sorted(x["roomId"] for x in r.json()["rooms"])  # noqa: E731
    assert ids(api.get("/api/rooms?roomType=Standard")) == ["R-101", "R-201"]
    assert ids(api.get("/api/rooms?roomType=Standard&floorNumber=2")) == ["R-201"]
    assert ids(api.get("/api/rooms?floorNumber=2")) == ["R-201", "R-202"]
    staff = api.as_role(roles.HOUSEKEEPING)  # status is staff's (tests/rooms/test_public_reads)
    assert ids(staff.get("/api/rooms?status=maintenance")) == ["R-202"]
    assert ids(staff.get("/api/rooms?roomType=Deluxe&status=available")) == []


def test_paging_returns_every_room_once_and_next_token_only_when_more_remain(api, make_room):
    for n in range(7):
        make_room(roomId=f"R-{300 + n}")
    seen, token, pages = [], None, 0
    while True:
        url = "/api/rooms?limit=3" + (f"&nextToken={token}" if token else "")
        body = api.get(url).json()
        pages += 1
        seen += [r["roomId"] for r in body["rooms"]]
        assert body["count"] == len(body["rooms"])
        token = body.get("nextToken")
        if not token:
            break
    assert pages == 3
    assert sorted(seen) == [f"R-{300 + n}" for n in range(7)]


def test_exact_page_boundary_has_no_next_token(api, make_room):
    for n in range(3):
        make_room(roomId=f"R-{400 + n}")
    body = api.get("/api/rooms?limit=3").json()
    assert body["count"] == 3
    assert "nextToken" not in body


@pytest.mark.parametrize(
    "query",
    ["limit=0", "limit=abc", "limit=1000", "roomType=Penthouse", "floorNumber=-1"],
)
def test_bad_list_parameters_are_400(api, query):
    error = assert_error(api.get(f"/api/rooms?{query}"), 400, "VALIDATION_ERROR")
    assert error["details"]["fields"]


def test_tampered_next_token_is_400_not_500(api):
    assert_error(api.get("/api/rooms?nextToken=eyJ4IjoxfQ"), 400, "INVALID_CURSOR")
    assert_error(api.get("/api/rooms?nextToken=%%%"), 400, "INVALID_CURSOR")


def test_create_requires_credentials(api):
    response = api.post("/api/rooms", NEW_ROOM, format="json")
    assert_error(response, 401, "NOT_AUTHENTICATED")
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("role", [roles.FRONT_DESK, roles.HOUSEKEEPING, roles.ACCOUNTANT])
def test_create_is_forbidden_for_roles_without_the_permission(api, role):
    assert_error(
        api.as_role(role).post("/api/rooms", NEW_ROOM, format="json"), 403, "PERMISSION_DENIED"
    )
    assert Room.count() == 0


def test_manager_creates_a_room_and_the_change_is_audited(api):
    client = api.as_role(roles.MANAGER)
    response = client.post("/api/rooms", NEW_ROOM, format="json")
    assert response.status_code == 201, response.json()
    assert response["Location"].endswith("/api/rooms/R-901-SUITE")
    assert client.get("/api/rooms/R-901-SUITE").json()["pricePerNight"] == 1250000
    [entry] = audit_for_object(object_type="rooms.room", object_id="R-901-SUITE")
    assert entry.action == "create" and entry.actor == client.user.email
    assert entry.before is None and entry.after["capacity"] == 4


def test_duplicate_room_id_is_409(api, make_room):
    make_room(roomId="R-901-SUITE")
    error = assert_error(
        api.as_role(roles.MANAGER).post("/api/rooms", NEW_ROOM, format="json"), 409, "ROOM_EXISTS"
    )
    assert "roomId" in error["details"]["fields"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("roomId", "r 1 lower"),
        ("roomType", "Penthouse"),
        ("floorNumber", "three"),
        ("capacity", 0),
        ("pricePerNight", -5),
        ("pricePerNight", 49.99),
        ("amenities", "WiFi"),
        ("currency", "USD"),
        ("status", "sleeping"),
    ],
)
def test_invalid_values_are_400_with_the_field_named(api, field, value):
    body = {**NEW_ROOM, field: value}
    response = api.as_role(roles.MANAGER).post("/api/rooms", body, format="json")
    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert field in error["details"]["fields"]
    assert Room.count() == 0


def test_missing_required_fields_are_listed(api):
    response = api.as_role(roles.MANAGER).post("/api/rooms", {}, format="json")
    fields = assert_error(response, 400, "VALIDATION_ERROR")["details"]["fields"]
    assert {"roomId", "roomType", "floorNumber", "capacity", "pricePerNight"} <= set(fields)


def test_unknown_fields_are_rejected(api):
    response = api.as_role(roles.MANAGER).post(
        "/api/rooms", {**NEW_ROOM, "pricePerNite": 1}, format="json"
    )
    assert "pricePerNite" in assert_error(response, 400, "VALIDATION_ERROR")["details"]["fields"]


def test_malformed_json_is_400(api):
    response = api.as_role(roles.MANAGER).post(
        "/api/rooms", data='{"roomId": ', content_type="application/json"
    )
    assert_error(response, 400, "MALFORMED_REQUEST")


def test_json_that_is_not_an_object_is_400(api):
    response = api.as_role(roles.MANAGER).post(
        "/api/rooms", data="[1, 2]", content_type="application/json"
    )
    assert_error(response, 400, "VALIDATION_ERROR")


def test_wrong_content_type_is_415(api):
    response = api.as_role(roles.MANAGER).post(
        "/api/rooms", data="roomId=R-1", content_type="application/x-www-form-urlencoded"
    )
    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")


def test_oversized_body_is_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    big = {**NEW_ROOM, "description": "x" * 5000}
    response = api.as_role(roles.MANAGER).post("/api/rooms", big, format="json")
    assert_error(response, 413, "PAYLOAD_TOO_LARGE")


def test_patch_changes_only_given_fields(api, make_room):
    make_room(roomId="R-500", capacity=2)
    client = api.as_role(roles.MANAGER)
    response = client.patch("/api/rooms/R-500", {"capacity": 3}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["capacity"] == 3 and body["roomType"] == "Deluxe"
    assert body["version"] == 2


def test_put_replaces_the_room(api, make_room):
    make_room(roomId="R-500")
    client = api.as_role(roles.MANAGER)
    body = {k: v for k, v in NEW_ROOM.items() if k != "roomId"}
    response = client.put("/api/rooms/R-500", body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["roomType"] == "Suite"


def test_room_id_cannot_change(api, make_room):
    make_room(roomId="R-500")
    response = api.as_role(roles.MANAGER).patch(
        "/api/rooms/R-500", {"roomId": "R-501"}, format="json"
    )
    assert_error(response, 400, "VALIDATION_ERROR")


def test_stale_if_match_is_refused_and_nothing_changes(api, make_room):
    make_room(roomId="R-500", capacity=2)
    client = api.as_role(roles.MANAGER)
    etag = client.get("/api/rooms/R-500")["ETag"]
    assert (
        client.patch(
            "/api/rooms/R-500", {"capacity": 3}, format="json", HTTP_IF_MATCH=etag
        ).status_code
        == 200
    )
    stale = client.patch("/api/rooms/R-500", {"capacity": 4}, format="json", HTTP_IF_MATCH=etag)
    assert_error(stale, 409, "STALE_OBJECT")
    assert Room.get("R-500").capacity == 3


def test_front_desk_cannot_edit_or_delete(api, make_room):
    make_room(roomId="R-500")
    client = api.as_role(roles.FRONT_DESK)
    assert_error(
        client.patch("/api/rooms/R-500", {"capacity": 3}, format="json"), 403, "PERMISSION_DENIED"
    )
    assert_error(client.delete("/api/rooms/R-500"), 403, "PERMISSION_DENIED")


def test_manager_deletes_a_room(api, make_room):
    make_room(roomId="R-500")
    client = api.as_role(roles.MANAGER)
    assert client.delete("/api/rooms/R-500").status_code == 204
    assert_error(client.get("/api/rooms/R-500"), 404, "ROOM_NOT_FOUND")
    assert_error(client.delete("/api/rooms/R-500"), 404, "ROOM_NOT_FOUND")
    actions = [e.action for e in audit_for_object(object_type="rooms.room", object_id="R-500")]
    assert actions == ["delete", "create"]


def test_session_authenticated_writes_need_csrf(make_staff, make_room):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(make_staff(roles.MANAGER))
    response = client.post("/api/rooms", NEW_ROOM, content_type="application/json")
    assert_error(response, 403, "PERMISSION_DENIED")
    assert "CSRF" in response.json()["error"]["message"]
