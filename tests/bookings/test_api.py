"""Booking API over HTTP: availability, create with idempotency, guest tokens, lifecycle."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from rest_framework.test import APIClient

from bookings.models import Booking, RoomNight
from hotel.accounts import roles
from hotel.accounts.services import api_token_issue
from hotel.idempotency import IdempotencyKey
from tests.rooms.test_api import assert_error

TODAY = date.today()


def d(n: int) -> str:
    return (TODAY + timedelta(days=30 + n)).isoformat()


def booking_body(**over):
    body = {
        "roomId": "R-1",
        "checkIn": d(0),
        "checkOut": d(2),
        "guests": 2,
        "guestName": "Ada Guest",
        "guestEmail": "ada@guest.test",
    }
    body.update(over)
    return body


@pytest.fixture
def rooms(make_room):
    make_room(roomId="R-1", roomType="Deluxe", capacity=2, pricePerNight=10000)
    make_room(roomId="R-2", roomType="Deluxe", capacity=3, pricePerNight=12000)
    make_room(roomId="R-3", roomType="Suite", capacity=4, pricePerNight=20000)
    make_room(roomId="R-4", roomType="Suite", capacity=4, pricePerNight=20000, status="maintenance")


def book(api, **over):
    response = api.post("/api/bookings", booking_body(**over), format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_availability_contract_and_exclusions(api, rooms, settings):
    settings.HOTEL_TAX_PERCENT = "0"
    book(api, roomId="R-2", checkIn=d(1), checkOut=d(3))
    response = api.post(
        "/api/rooms/availability",
        {"checkIn": d(0), "checkOut": d(2), "guestCount": 2},
        format="json",
    )
    body = response.json()
    assert response.status_code == 200, body
    assert (body["checkIn"], body["checkOut"], body["nights"]) == (d(0), d(2), 2)
    # Units: Deluxe 2 rooms - 1 sold (R-2 pinned) = 1 left; Suite 2 rooms - 1 in maintenance.
    assert [(t["roomType"], t["available"], t["totalPrice"]) for t in body["roomTypes"]] == [
        ("Deluxe", 1, 20000),
        ("Suite", 1, 40000),
    ]
    # Rooms of the types with a unit left (a search never reads per-room nights: whether R-2
    # itself is free is known when it is booked); R-4 is in maintenance.
    assert [r["roomId"] for r in body["rooms"]] == ["R-1", "R-2", "R-3"]
    assert body["count"] == 3
    first = body["rooms"][0]
    assert first["totalPrice"] == 20000 and first["currency"] == "INR"
    assert [n["amount"] for n in first["nightly"]] == [10000, 10000]
    assert first["roomType"] == "Deluxe" and "amenities" in first


def test_availability_filters_by_type_and_capacity(api, rooms):
    body = api.post(
        "/api/rooms/availability",
        {"checkIn": d(0), "checkOut": d(1), "roomType": "Deluxe", "guestCount": 3},
        format="json",
    ).json()
    assert [r["roomId"] for r in body["rooms"]] == ["R-2"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"checkIn": "2026-13-01", "checkOut": d(1)}, "checkIn"),
        ({"checkIn": "01/02/2027", "checkOut": d(1)}, "checkIn"),
        ({"checkIn": d(2), "checkOut": d(1)}, "checkOut"),
        ({"checkIn": d(1), "checkOut": d(1)}, "checkOut"),
        ({"checkIn": (TODAY - timedelta(days=1)).isoformat(), "checkOut": d(1)}, "checkIn"),
        ({"checkIn": d(0), "checkOut": d(1), "guestCount": 0}, "guestCount"),
        ({"checkIn": d(0), "checkOut": d(1), "roomType": "Castle"}, "roomType"),
        ({"checkOut": d(1)}, "checkIn"),
    ],
)
def test_availability_validation_is_400_with_the_field(api, body, field):
    error = assert_error(
        api.post("/api/rooms/availability", body, format="json"), 400, "VALIDATION_ERROR"
    )
    assert field in error["details"]["fields"]


def test_too_long_a_stay_is_400_stay_too_long(api):
    error = assert_error(
        api.post("/api/rooms/availability", {"checkIn": d(0), "checkOut": d(31)}, format="json"),
        400,
        "STAY_TOO_LONG",
    )
    assert error["details"]["maxNights"] == 30


def test_create_returns_a_pending_hold_with_a_guest_token(api, rooms):
    response = api.post("/api/bookings", booking_body(), format="json")
    body = response.json()
    assert response.status_code == 201, body
    assert body["status"] == "pending" and body["bookingId"].startswith("BK-")
    assert body["totalPrice"] == 22400 and body["currency"] == "INR"  # 2 x 10000 + 12 % tax
    assert body["expiresAt"].endswith("Z") and body["guestToken"]
    assert response["Location"].endswith(f"/api/bookings/{body['bookingId']}")
    assert Booking.get(body["bookingId"]).source == "api"


def test_room_taken_is_409_unknown_room_404_too_many_guests_400(api, rooms):
    book(api)
    assert_error(
        api.post("/api/bookings", booking_body(checkIn=d(1), checkOut=d(3)), format="json"),
        409,
        "ROOM_UNAVAILABLE",
    )
    assert_error(
        api.post("/api/bookings", booking_body(roomId="R-404"), format="json"),
        404,
        "ROOM_NOT_FOUND",
    )
    assert_error(
        api.post("/api/bookings", booking_body(roomId="R-2", guests=4), format="json"),
        400,
        "TOO_MANY_GUESTS",
    )
    assert Booking.count() == 1


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"guestEmail": "not-mail"}, "guestEmail"),
        ({"guestName": ""}, "guestName"),
        ({"guests": "two"}, "guests"),
        ({"checkIn": "tomorrow"}, "checkIn"),
        ({"roomId": None}, "roomId"),
        ({"extra": 1}, "extra"),
    ],
)
def test_create_validation_matrix(api, rooms, over, field):
    error = assert_error(
        api.post("/api/bookings", booking_body(**over), format="json"), 400, "VALIDATION_ERROR"
    )
    assert field in error["details"]["fields"]
    assert Booking.count() == 0


def test_guests_cannot_choose_the_source(api, rooms):
    body = book(api, source="front_desk")
    assert body["source"] == "api"


def test_same_idempotency_key_and_body_replays_without_a_second_booking(api, rooms):
    first = api.post("/api/bookings", booking_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-123")
    again = api.post("/api/bookings", booking_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-123")
    assert first.status_code == again.status_code == 201
    # The same booking; its guest token is handed out once (a replay comes without it).
    assert again.json() == {k: v for k, v in first.json().items() if k != "guestToken"}
    assert Booking.count() == 1


def test_a_replayed_key_never_hands_out_the_guest_token(api, rooms):
    first = api.post("/api/bookings", booking_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-77")
    token = first.json()["guestToken"]

    stranger = APIClient().post(
        "/api/bookings", booking_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-77"
    )

    assert stranger.status_code == 201
    assert "guestToken" not in stranger.json() and token not in stranger.content.decode()
    assert Booking.count() == 1


def test_the_stored_idempotency_item_holds_no_token_and_no_raw_key(api, rooms):
    token = api.post(
        "/api/bookings", booking_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-secret-1"
    ).json()["guestToken"]

    stored = list(IdempotencyKey.scan())
    items = [i for i in stored if i.key.startswith("bookings.create:")]

    assert len(items) == 1  # besides it: the client's hold slot (bookings.hold-slot:…)
    raw = json.dumps([i.to_simple_dict() for i in stored], default=str)
    assert token not in raw and "k-secret-1" not in raw
    assert items[0].body["bookingId"] and "guestToken" not in items[0].body


def test_staff_idempotency_keys_are_their_own(api, rooms, make_staff):
    desk = api.as_role(roles.FRONT_DESK)
    first = desk.post("/api/bookings", booking_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-5")
    again = desk.post("/api/bookings", booking_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-5")
    assert first.status_code == again.status_code == 201
    assert again.json()["bookingId"] == first.json()["bookingId"]
    assert "guestToken" not in again.json()

    colleague = APIClient()
    token = api_token_issue(user=make_staff(roles.FRONT_DESK), now=datetime.now(UTC)).token
    colleague.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    replay = colleague.post(
        "/api/bookings", booking_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-5"
    )
    # Not the first one's answer: the colleague's key is a new request (the room is taken).
    assert replay.status_code == 409
    assert first.json()["bookingId"] not in replay.content.decode()
    anonymous = APIClient().post(
        "/api/bookings", booking_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-5"
    )
    assert anonymous.status_code == 409
    assert Booking.count() == 1


def test_same_idempotency_key_with_another_body_is_422(api, rooms):
    api.post("/api/bookings", booking_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-9")
    other = api.post(
        "/api/bookings", booking_body(roomId="R-2"), format="json", HTTP_IDEMPOTENCY_KEY="k-9"
    )
    assert_error(other, 422, "IDEMPOTENCY_KEY_REUSED")
    assert Booking.count() == 1


def test_a_failed_request_does_not_burn_its_idempotency_key(api, rooms):
    assert (
        api.post(
            "/api/bookings", booking_body(roomId="R-404"), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
        ).status_code
        == 404
    )
    make = api.post(
        "/api/bookings", booking_body(roomId="R-404"), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert make.status_code == 404


def test_guest_token_reads_the_booking_and_nobody_else_can(api, rooms):
    body = book(api)
    booking_id, token = body["bookingId"], body["guestToken"]
    assert (
        api.get(f"/api/bookings/{booking_id}", HTTP_X_BOOKING_TOKEN=token).json()["status"]
        == "pending"
    )
    assert api.get(f"/api/bookings/{booking_id}?token={token}").status_code == 200
    assert_error(api.get(f"/api/bookings/{booking_id}"), 404, "BOOKING_NOT_FOUND")
    assert_error(
        api.get(f"/api/bookings/{booking_id}", HTTP_X_BOOKING_TOKEN="guess"),
        404,
        "BOOKING_NOT_FOUND",
    )
    assert_error(api.get("/api/bookings/BK-20260101-AAAAAAAA"), 404, "BOOKING_NOT_FOUND")
    assert "guestToken" not in api.get(f"/api/bookings/{booking_id}?token={token}").json()


def test_staff_read_any_booking_housekeeping_cannot(api, rooms, make_staff):
    booking_id = book(api)["bookingId"]
    assert (
        api.as_role(roles.FRONT_DESK, make_staff).get(f"/api/bookings/{booking_id}").status_code
        == 200
    )
    assert_error(
        api.as_role(roles.HOUSEKEEPING, make_staff).get(f"/api/bookings/{booking_id}"),
        404,
        "BOOKING_NOT_FOUND",
    )


def test_guest_cancels_with_the_token_and_the_nights_are_released(api, rooms):
    body = book(api)
    response = api.post(
        f"/api/bookings/{body['bookingId']}/cancel", HTTP_X_BOOKING_TOKEN=body["guestToken"]
    )
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert RoomNight.count("R-1") == 0
    assert_error(
        api.post(
            f"/api/bookings/{body['bookingId']}/cancel", HTTP_X_BOOKING_TOKEN=body["guestToken"]
        ),
        409,
        "INVALID_TRANSITION",
    )


def test_cancel_without_token_is_404(api, rooms):
    body = book(api)
    assert_error(api.post(f"/api/bookings/{body['bookingId']}/cancel"), 404, "BOOKING_NOT_FOUND")
    assert Booking.get(body["bookingId"]).status == "pending"


def test_staff_status_changes_follow_the_table(api, rooms):
    booking_id = book(api)["bookingId"]
    desk = api.as_role(roles.FRONT_DESK)
    url = f"/api/bookings/{booking_id}/status"
    error = assert_error(
        desk.put(url, {"status": "checked-in"}, format="json"), 409, "INVALID_TRANSITION"
    )
    assert error["details"]["allowed"] == ["cancelled", "confirmed"]
    for status in ("confirmed", "checked-in", "checked-out"):
        assert desk.put(url, {"status": status}, format="json").json()["status"] == status
    assert_error(desk.put(url, {"status": "expired"}, format="json"), 409, "INVALID_TRANSITION")
    assert_error(desk.put(url, {"status": "bogus"}, format="json"), 400, "VALIDATION_ERROR")


def test_status_changes_need_staff(api, rooms, make_staff):
    booking_id = book(api)["bookingId"]
    url = f"/api/bookings/{booking_id}/status"
    assert_error(api.put(url, {"status": "confirmed"}, format="json"), 401, "NOT_AUTHENTICATED")
    hk = api.as_role(roles.HOUSEKEEPING, make_staff)
    assert_error(hk.put(url, {"status": "confirmed"}, format="json"), 403, "PERMISSION_DENIED")


def test_guest_changes_dates_staff_moves_rooms(api, rooms):
    body = book(api)
    url = f"/api/bookings/{body['bookingId']}/change"
    moved = api.post(
        url,
        {"checkIn": d(5), "checkOut": d(8)},
        format="json",
        HTTP_X_BOOKING_TOKEN=body["guestToken"],
    )
    assert moved.status_code == 200, moved.json()
    assert moved.json()["checkIn"] == d(5) and moved.json()["totalPrice"] == 33600
    staff = api.as_role(roles.FRONT_DESK)
    assert staff.post(url, {"roomId": "R-2"}, format="json").json()["roomId"] == "R-2"
    assert RoomNight.count("R-1") == 0 and RoomNight.count("R-2") == 3
    assert_error(staff.post(url, {}, format="json"), 400, "VALIDATION_ERROR")


def test_guests_cannot_change_a_confirmed_booking_online_when_money_would_move(api, rooms):
    body = book(api, checkIn=d(20), checkOut=d(22))
    url = f"/api/bookings/{body['bookingId']}/change"
    token = {"HTTP_X_BOOKING_TOKEN": body["guestToken"]}
    staff = api.as_role(roles.FRONT_DESK)
    staff.put(f"/api/bookings/{body['bookingId']}/status", {"status": "confirmed"}, format="json")
    api.credentials()  # the guest again, with only the booking token
    longer = api.post(url, {"checkOut": d(25)}, format="json", **token)
    assert_error(longer, 409, "CHANGE_NOT_ALLOWED")
    assert longer.json()["error"]["details"]["reason"] == "price_differs"
    assert_error(api.post(url, {"roomId": "R-2"}, format="json", **token), 400, "VALIDATION_ERROR")
    assert RoomNight.count("R-1") == 2 and RoomNight.count("R-2") == 0
    same_price = api.post(url, {"checkIn": d(21), "checkOut": d(23)}, format="json", **token)
    assert same_price.status_code == 200, same_price.json()
    assert same_price.json()["checkIn"] == d(21)


def test_staff_list_filters_through_indexes_with_paging(api, rooms):
    for n in range(5):
        book(api, checkIn=d(n * 3), checkOut=d(n * 3 + 1), guestEmail=f"g{n % 2}@guest.test")
    staff = api.as_role(roles.FRONT_DESK)
    assert staff.get("/api/bookings").json()["count"] == 5
    assert staff.get("/api/bookings?guestEmail=g0@guest.test").json()["count"] == 3
    assert (
        staff.get(f"/api/bookings?status=pending&checkInFrom={d(3)}&checkInTo={d(9)}").json()[
            "count"
        ]
        == 3
    )
    assert staff.get(f"/api/bookings?checkIn={d(6)}").json()["count"] == 1
    seen, token = [], None
    while True:
        page = staff.get("/api/bookings?limit=2" + (f"&nextToken={token}" if token else "")).json()
        seen += [b["bookingId"] for b in page["bookings"]]
        token = page.get("nextToken")
        if not token:
            break
    assert len(seen) == len(set(seen)) == 5
    assert_error(APIClient().get("/api/bookings"), 401, "NOT_AUTHENTICATED")
    assert_error(staff.get("/api/bookings?nextToken=zzz"), 400, "INVALID_CURSOR")


def test_an_over_long_booking_id_is_404_not_500(api):
    assert_error(api.get("/api/bookings/BK-" + "X" * 3000), 404, "BOOKING_NOT_FOUND")
