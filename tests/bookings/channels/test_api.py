"""The channels API as integrators and acceptance tests call it (the issue's contract)."""

from __future__ import annotations

import pytest

from bookings.models import Booking
from hotel.accounts import roles
from tests.invariants import assert_inventory_consistent

from .conftest import ics


@pytest.fixture
def deluxe(make_room):
    make_room(roomId="R-1", roomType="Deluxe")


def test_register_and_sync_a_calendar(api, calendars, deluxe):
    client = api.as_role(roles.MANAGER)
    url = calendars.put("/airbnb.ics", ics(("HMA1@airbnb.com", 4, 2, "Reserved")))
    made = client.post(
        "/api/channels", {"name": "Airbnb", "url": url, "roomType": "Deluxe"}, format="json"
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["channelId"].startswith("CH-") and body["channel"] == "airbnb"
    assert body["roomType"] == "Deluxe" and body["lastSyncAt"] is None and body["events"] == []
    synced = client.post(f"/api/channels/{body['channelId']}/sync", format="json")
    assert synced.status_code == 200, synced.content
    result = synced.json()
    assert (result["created"], result["updated"], result["released"]) == (1, 0, 0)
    assert result["errors"] == []
    detail = client.get(f"/api/channels/{body['channelId']}").json()
    assert detail["lastError"] is None and detail["lastCounts"]["created"] == 1
    [event] = detail["events"]
    booking = Booking.get(event["bookingId"], consistent_read=True)
    assert booking.source == "channel" and booking.status == "confirmed"
    listed = client.get("/api/channels").json()
    assert listed["count"] == 1 and listed["channels"][0]["channelId"] == body["channelId"]
    assert_inventory_consistent()


def test_every_field_problem_in_one_answer(api, deluxe):
    client = api.as_role(roles.MANAGER)
    answer = client.post(
        "/api/channels",
        {"name": "", "url": "file:///etc/passwd", "roomType": "Nope", "channel": "x"},
        format="json",
    )
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert {"name", "channel"} <= set(error["details"]["fields"])
    again = client.post(
        "/api/channels", {"name": "Airbnb", "url": "ftp://x.test/a.ics", "roomType": "Nope"},
        format="json",
    )  # fmt: skip
    assert again.status_code == 400
    assert set(again.json()["error"]["details"]["fields"]) == {"url", "roomType"}
    assert client.get("/api/channels").json()["count"] == 0


def test_a_failed_fetch_answers_its_error_and_imports_nothing(api, calendars, deluxe):
    client = api.as_role(roles.MANAGER)
    url = calendars.put("/down.ics", "maintenance", status=503)
    channel = client.post(
        "/api/channels", {"name": "Booking.com", "url": url, "roomType": "Deluxe"}, format="json"
    ).json()
    assert channel["channel"] == "booking"
    result = client.post(f"/api/channels/{channel['channelId']}/sync").json()
    assert result["created"] == 0 and "503" in result["errors"][0]
    assert client.get(f"/api/channels/{channel['channelId']}").json()["lastError"]


def test_switched_off_channels_and_unknown_ones(api, calendars, deluxe):
    client = api.as_role(roles.MANAGER)
    url = calendars.put("/a.ics", ics())
    channel = client.post(
        "/api/channels", {"name": "VRBO", "url": url, "roomType": "Deluxe"}, format="json"
    ).json()
    off = client.patch(f"/api/channels/{channel['channelId']}", {"active": False}, format="json")
    assert off.status_code == 200 and off.json()["active"] is False
    refused = client.post(f"/api/channels/{channel['channelId']}/sync")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "CHANNEL_INACTIVE"
    missing = client.post("/api/channels/CH-NOPE/sync")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "CHANNEL_NOT_FOUND"


def test_the_desk_syncs_but_does_not_register(api, calendars, deluxe, make_staff):
    manager = api.as_role(roles.MANAGER)
    url = calendars.put("/a.ics", ics(("x", 3, 1, "Reserved")))
    channel = manager.post(
        "/api/channels", {"name": "Airbnb", "url": url, "roomType": "Deluxe"}, format="json"
    ).json()
    desk = api.as_role(roles.FRONT_DESK)
    assert desk.post(f"/api/channels/{channel['channelId']}/sync").status_code == 200
    again = desk.post("/api/channels", {"name": "A", "url": url, "roomType": "Deluxe"})
    assert again.status_code == 403
    housekeeping = api.as_role(roles.HOUSEKEEPING)
    assert housekeeping.get("/api/channels").status_code == 403


def test_only_a_manager_releases_what_an_empty_calendar_dropped(api, calendars, deluxe):
    manager = api.as_role(roles.MANAGER)
    url = calendars.put("/a.ics", ics(("x", 3, 1, "Reserved")))
    channel = manager.post(
        "/api/channels", {"name": "Airbnb", "url": url, "roomType": "Deluxe"}, format="json"
    ).json()
    manager.post(f"/api/channels/{channel['channelId']}/sync")
    calendars.put("/a.ics", ics())
    desk = api.as_role(roles.FRONT_DESK)
    path = f"/api/channels/{channel['channelId']}/sync"
    assert desk.post(path, {"confirmEmpty": True}, format="json").status_code == 403
    held = desk.post(path, format="json")
    assert held.status_code == 200, held.content
    assert held.json()["heldBack"] is True and held.json()["released"] == 0
    manager = api.as_role(roles.MANAGER)  # the fixture's one client, signed in again
    released = manager.post(path, {"confirmEmpty": True}, format="json")
    assert released.status_code == 200, released.content
    assert released.json()["released"] == 1


def test_an_event_too_long_for_one_booking_is_answered_as_flagged(api, calendars, deluxe):
    client = api.as_role(roles.MANAGER)
    url = calendars.put("/a.ics", ics(("long", 5, 120, "Reserved")))
    channel = client.post(
        "/api/channels", {"name": "Airbnb", "url": url, "roomType": "Deluxe"}, format="json"
    ).json()
    path = f"/api/channels/{channel['channelId']}"
    result = client.post(f"{path}/sync", format="json").json()
    assert (result["tooLong"], result["created"], result["errors"]) == (1, 0, [])
    assert client.post(f"{path}/sync", format="json").json()["tooLong"] == 0
    detail = client.get(path).json()
    assert detail["tooLong"] == 1 and detail["lastCounts"]["tooLong"] == 0
    [event] = detail["events"]
    assert event["bookingId"] is None
    assert (event["tooLong"]["nights"], event["tooLong"]["maxNights"]) == (120, 30)
    assert "resolvedAt" not in event["tooLong"]
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    sync_output = schema["components"]["schemas"]["ChannelSyncOutput"]
    assert "tooLong" in sync_output["required"]
