"""A `nextToken` the list did not hand out is a 400 INVALID_CURSOR, never a 500.

Cursors are signed for one list and its filters (hotel.dynamo.encode_cursor): a hand-made
one, a tampered one, or one taken from another list or another filter is refused before
DynamoDB sees it; the ones a list hands out still page through it.
"""

from __future__ import annotations

import base64
import json
from urllib.parse import urlencode

import pytest

from hotel.accounts import roles
from tests.rooms.test_api import assert_error


def hand_made(key: dict) -> str:
    """A token in the shape the API used to hand out (unsigned base64 JSON)."""
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


HAND_MADE = [
    hand_made({"roomId": {"S": "R-1"}, "nope": {"S": "x"}}),
    hand_made({"roomId": {"S": "R-1"}, "status": {"S": "available"}}),
    hand_made({"roomId": {"N": "not a number"}}),
    hand_made({"roomId": {"S": 5}}),
    hand_made({"roomId": {"S": "R-1"}, "_part": {"N": "99"}}),
    "%%%",
    "A" * 1999,
    "eyJ4IjoxfQ",
]


@pytest.fixture
def rooms(make_room):
    for n in range(4):
        make_room(roomId=f"R-{n}", roomType="Deluxe", floorNumber=1)


@pytest.mark.parametrize("token", HAND_MADE)
@pytest.mark.parametrize("path", ["/api/rooms", "/api/rooms?status=available"])
def test_a_hand_made_room_cursor_is_400_invalid_cursor(api, rooms, path, token):
    response = api.as_role(roles.MANAGER).get(path, {"nextToken": token})

    error = assert_error(response, 400, "INVALID_CURSOR")
    assert list(error["details"]["fields"]) == ["nextToken"]


@pytest.mark.parametrize("token", HAND_MADE)
@pytest.mark.parametrize("query", [{}, {"status": "pending"}, {"guestEmail": "a@b.test"}])
def test_a_hand_made_booking_cursor_is_400_invalid_cursor(api, query, token):
    response = api.as_role(roles.MANAGER).get("/api/bookings", {**query, "nextToken": token})

    assert_error(response, 400, "INVALID_CURSOR")


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("/api/rooms?limit=1", "/api/rooms?limit=1&status=available"),
        ("/api/rooms?limit=1&status=available", "/api/rooms?limit=1"),
        ("/api/rooms?limit=1&roomType=Deluxe", "/api/rooms?limit=1&status=available"),
        ("/api/rooms?limit=1&roomType=Deluxe", "/api/rooms?limit=1&roomType=Suite"),
        ("/api/rooms?limit=1", "/api/bookings?limit=1"),
        ("/api/rooms?limit=1&status=available", "/api/bookings?guestEmail=a@b.test"),
    ],
)
def test_a_cursor_from_another_list_is_400_invalid_cursor(api, rooms, first, second):
    client = api.as_role(roles.MANAGER)
    token = client.get(first).json()["nextToken"]

    response = client.get(f"{second}&{urlencode({'nextToken': token})}")

    assert_error(response, 400, "INVALID_CURSOR")


def test_the_cursors_a_list_hands_out_still_page_through_it(api, rooms):
    client = api.as_role(roles.MANAGER)
    seen, token = [], None
    while True:
        query = {"limit": 1, "status": "available", **({"nextToken": token} if token else {})}
        body = client.get("/api/rooms", query).json()
        seen += [room["roomId"] for room in body["rooms"]]
        token = body.get("nextToken")
        if not token:
            break

    assert sorted(seen) == ["R-0", "R-1", "R-2", "R-3"]
