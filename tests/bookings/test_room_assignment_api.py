"""The API of selling types and assigning rooms, as the issue's contract spells it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from bookings.clock import hotel_today
from bookings.models import Booking
from tests.invariants import assert_inventory_consistent


def d(n: int) -> str:
    return (hotel_today(timezone.now()) + timedelta(days=10 + n)).isoformat()


@pytest.fixture
def desk(api):
    return api.as_role("front_desk")


@pytest.fixture
def twin_rooms(api):
    manager = api.as_role("manager")
    created = manager.post(
        "/api/room-types",
        {
            "roomType": "Twin",
            "name": "Twin room",
            "description": "Two beds.",
            "beds": "2 singles",
            "sizeM2": 18,
            "maxAdults": 2,
            "maxChildren": 1,
            "maxGuests": 2,
            "basePrice": 420000,
            "amenities": ["WiFi"],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    for room_id in ("T-1", "T-2"):
        response = manager.post(
            "/api/rooms",
            {
                "roomId": room_id,
                "roomType": "Twin",
                "floorNumber": 1,
                "capacity": 2,
                "pricePerNight": 420000,
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
    listed = manager.get("/api/room-types").json()
    assert [(t["roomType"], t["rooms"]) for t in listed["roomTypes"]] == [("Twin", 2)]


def book(client, start: int, nights: int) -> dict:
    response = client.post(
        "/api/bookings",
        {
            "roomType": "Twin",
            "checkIn": d(start),
            "checkOut": d(start + nights),
            "guests": 2,
            "guestName": "Ada",
            "guestEmail": "ada@guest.test",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["roomType"], body["roomId"], body["status"]) == ("Twin", None, "pending")
    assert body["guestToken"] and body["totalPrice"] > 0
    return body


def test_type_bookings_assignment_and_the_fragmentation_case(api, desk, twin_rooms):
    availability = api.post(
        "/api/rooms/availability", {"checkIn": d(1), "checkOut": d(3)}, format="json"
    ).json()
    [twin] = availability["roomTypes"]
    assert (twin["roomType"], twin["available"], twin["currency"]) == ("Twin", 2, "INR")
    assert twin["totalPrice"] > 0 and len(twin["nightly"]) == 2

    a, b = book(api, 1, 2), book(api, 3, 2)
    assert (
        desk.put(
            f"/api/bookings/{a['bookingId']}/room", {"roomId": "T-1"}, format="json"
        ).status_code
        == 200
    )
    assert (
        desk.put(
            f"/api/bookings/{b['bookingId']}/room", {"roomId": "T-2"}, format="json"
        ).status_code
        == 200
    )
    c = book(api, 2, 2)  # the type has a unit each night though no single room is free

    result = desk.post("/api/room-assignments", {"from": d(1), "to": d(4)}, format="json")

    assert result.status_code == 200, result.json()
    body = result.json()
    assert body["unplaced"] == [] and len(body["moved"]) == 1
    assert [x["bookingId"] for x in body["assigned"]] == [c["bookingId"]]
    rooms = {
        x: desk.get(f"/api/bookings/{x}").json()["roomId"]
        for x in (a["bookingId"], b["bookingId"], c["bookingId"])
    }
    assert set(rooms.values()) <= {"T-1", "T-2"} and None not in rooms.values()
    assert_inventory_consistent()


def test_the_last_unit_then_409_and_room_errors(api, desk, twin_rooms):
    first, _second = book(api, 0, 1), book(api, 0, 1)
    full = api.post(
        "/api/bookings",
        {
            "roomType": "Twin",
            "checkIn": d(0),
            "checkOut": d(1),
            "guests": 1,
            "guestName": "Bo",
            "guestEmail": "bo@guest.test",
        },
        format="json",
    )
    assert full.status_code == 409 and full.json()["error"]["code"] == "ROOM_UNAVAILABLE"
    unknown = api.post(
        "/api/bookings",
        {
            "roomType": "Castle",
            "checkIn": d(0),
            "checkOut": d(1),
            "guests": 1,
            "guestName": "Bo",
            "guestEmail": "bo@guest.test",
        },
        format="json",
    )
    assert unknown.status_code == 400
    url = f"/api/bookings/{first['bookingId']}/room"
    assert desk.put(url, {"roomId": "T-1", "pinned": True}, format="json").json()["roomPinned"]
    other = f"/api/bookings/{_second['bookingId']}/room"
    taken = desk.put(other, {"roomId": "T-1"}, format="json")
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "ROOM_UNAVAILABLE"
    freed = desk.delete(url)
    assert freed.status_code == 200 and freed.json()["roomId"] is None
    assert Booking.get(first["bookingId"]).roomId is None
    assert api.as_role("housekeeping").put(url, {"roomId": "T-1"}, format="json").status_code == 403
    assert_inventory_consistent()
