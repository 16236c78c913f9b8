"""A search whose dates a min/max-stay rule refuses says why, in the API and on the page,
instead of "no rooms"."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bookings.rates import rate_rule_save

START = date.today() + timedelta(days=40)


def d(n: int) -> str:
    return (START + timedelta(days=n)).isoformat()


@pytest.fixture
def rooms(make_room):
    make_room(roomId="R-1", roomType="Standard", capacity=2, pricePerNight=10000)
    make_room(roomId="R-2", roomType="Suite", capacity=4, pricePerNight=20000)


def rule(**data):
    body = {"name": "Festival", "kind": "percent", "value": 20, "startDate": d(0)}
    body.update(data)
    return rate_rule_save(rule_id=None, data=body, actor="test", now=datetime.now(UTC))


def search(api, **body):
    response = api.post(
        "/api/rooms/availability", {"checkIn": d(0), "checkOut": d(1), **body}, format="json"
    )
    assert response.status_code == 200, response.json()
    return response.json()


def test_the_api_says_a_minimum_stay_hides_every_room(api, rooms):
    rule(endDate=d(5), minStay=3)
    body = search(api)
    assert body["rooms"] == [] and body["count"] == 0
    [restriction] = body["restrictions"]
    assert restriction["code"] == "MIN_STAY" and restriction["minNights"] == 3
    assert restriction["night"] == d(0) and restriction["roomTypes"] == ["Standard", "Suite"]
    assert "must be at least 3 nights" in restriction["message"]
    assert START.strftime("%-d %b %Y") in restriction["message"]

    longer = search(api, checkOut=d(3))
    assert [r["roomId"] for r in longer["rooms"]] == ["R-1", "R-2"]
    assert longer["restrictions"] == []


def test_the_api_names_each_limit_and_keeps_the_rooms_it_can_offer(api, rooms):
    rule(roomType="Suite", minStay=2)
    rule(name="Short only", roomType="Standard", startDate=d(0), endDate=d(0), maxStay=1)
    body = search(api, checkOut=d(3))  # the Suite fits; the Standard room takes one night only
    assert [r["roomId"] for r in body["rooms"]] == ["R-2"]
    assert [(r["code"], r.get("minNights"), r.get("maxNights")) for r in body["restrictions"]] == [
        ("MAX_STAY", None, 1)
    ]
    assert body["restrictions"][0]["roomTypes"] == ["Standard"]

    one_night = search(api)  # the Standard room fits; the Suite needs two nights
    assert [r["roomId"] for r in one_night["rooms"]] == ["R-1"]
    assert one_night["restrictions"][0]["code"] == "MIN_STAY"
    assert one_night["restrictions"][0]["roomTypes"] == ["Suite"]


def test_no_free_room_without_a_rule_has_no_restrictions(api, make_room):
    make_room(roomId="R-9", roomType="Standard", capacity=2)
    body = search(api, guestCount=5)
    assert body == {
        "checkIn": d(0),
        "checkOut": d(1),
        "nights": 1,
        "roomTypes": [],
        "rooms": [],
        "count": 0,
        "restrictions": [],
    }


def test_the_search_page_says_the_dates_need_a_longer_stay(client, rooms):
    rule(endDate=d(5), minStay=3)
    page = client.get("/search", {"check_in": d(0), "check_out": d(1), "guests": 2})
    text = page.content.decode()
    assert page.status_code == 200
    assert "No rooms are free" not in text
    assert "These dates need a different stay" in text
    assert "must be at least 3 nights" in text

    page = client.get("/search", {"check_in": d(0), "check_out": d(3), "guests": 2}).content
    assert b'data-testid="total"' in page and b"different stay" not in page


def test_the_search_page_notes_rooms_a_rule_left_out(client, rooms):
    rule(roomType="Suite", minStay=2)
    text = client.get("/search", {"check_in": d(0), "check_out": d(1), "guests": 2}).content
    text = text.decode()
    assert text.count('data-testid="refused"') == 1  # the Suite, with why
    assert "Not sold for these dates" in text
    assert "must be at least 2 nights" in text
