"""The availability, rates and inventory feed (GET /api/ari), in full and with
changedSince, against DynamoDB Local."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from bookings import services
from bookings.clock import hotel_today
from bookings.models import InventoryNight
from bookings.rate_calendar import rate_calendar_set
from hotel.accounts import roles
from rooms.services import room_create
from tests.helpers import record_reads


def day(offset: int):
    return hotel_today(timezone.now()) + timedelta(days=offset)


@pytest.fixture
def hotel(make_room):
    make_room(roomId="R-1", capacity=2, pricePerNight=10000)
    make_room(roomId="R-2", capacity=2, pricePerNight=10000)


def sell(start: int, nights: int = 2):
    return services.booking_create(
        room_type="Deluxe", check_in=day(start), check_out=day(start + nights), guests=1,
        guest_name="Ada Guest", guest_email="ada@guest.test", actor="guest", now=timezone.now(),
    )  # fmt: skip


def poll(client, start=0, end=30, **params):
    query = {"from": day(start).isoformat(), "to": day(end).isoformat(), **params}
    answer = client.get("/api/ari", query)
    assert answer.status_code == 200, answer.content
    return answer.json()


def by_date(body, room_type="Deluxe"):
    [kind] = [t for t in body["roomTypes"] if t["roomType"] == room_type]
    return {d["date"]: d for d in kind["days"]}


def test_the_full_feed_lists_units_prices_and_restrictions(api, hotel):
    client = api.as_role(roles.MANAGER)
    sell(5)
    rate_calendar_set(
        room_type="Deluxe", rate_plan="FLEX", start=day(10), end=day(10),
        fields={"price": 12345, "minStay": 2}, actor="m@staff.test", now=timezone.now(),
    )  # fmt: skip
    body = poll(client)
    assert body["full"] is True and body["cursor"]
    days = by_date(body)
    assert len(days) == 31
    assert days[day(5).isoformat()]["available"] == 1
    assert days[day(7).isoformat()]["available"] == 2
    flex = {p["ratePlan"]: p for p in days[day(10).isoformat()]["ratePlans"]}["FLEX"]
    assert flex["price"] == 12345 and flex["minStay"] == 2 and flex["stopSell"] is None
    assert by_date(body)[day(11).isoformat()]["ratePlans"][0]["price"] > 0


def test_changed_since_returns_only_what_changed(api, hotel, monkeypatch):
    client = api.as_role(roles.MANAGER)
    first = poll(client)
    sell(12, nights=2)
    rate_calendar_set(
        room_type="Deluxe", rate_plan="FLEX", start=day(20), end=day(20),
        fields={"stopSell": True}, actor="m@staff.test", now=timezone.now(),
    )  # fmt: skip
    reads = record_reads(monkeypatch, InventoryNight)
    then = poll(client, changedSince=first["cursor"])
    assert then["full"] is False
    days = by_date(then)
    assert set(days) == {day(12).isoformat(), day(13).isoformat(), day(20).isoformat()}
    assert days[day(12).isoformat()]["available"] == 1
    assert days[day(20).isoformat()]["ratePlans"][0]["stopSell"] is True
    # The same reads as a full poll: one Query of the counters per month of the window.
    assert reads and all(call == ("query", None) for call in reads)
    quiet = poll(client, changedSince=then["cursor"])
    assert quiet["full"] is False
    # The overlap (CURSOR_OVERLAP) may repeat the last changes; nothing older comes back.
    assert set(d["date"] for t in quiet["roomTypes"] for d in t["days"]) <= set(days)


def test_a_change_of_what_prices_derive_from_answers_in_full(api, hotel):
    client = api.as_role(roles.MANAGER)
    first = poll(client)
    room_create(
        data={"roomId": "R-3", "roomType": "Deluxe", "floorNumber": 1, "capacity": 2,
              "pricePerNight": 10000, "amenities": []},
        actor="m@staff.test", now=timezone.now(),
    )  # fmt: skip
    then = poll(client, changedSince=first["cursor"])
    assert then["full"] is True
    assert by_date(then)[day(3).isoformat()]["available"] == 3


def test_every_field_problem_in_one_answer(api, hotel):
    client = api.as_role(roles.MANAGER)
    answer = client.get(
        "/api/ari",
        {"from": day(5).isoformat(), "to": day(1).isoformat(), "roomType": "Nope",
         "changedSince": "%%%"},
    )  # fmt: skip
    assert answer.status_code == 400
    fields = answer.json()["error"]["details"]["fields"]
    assert {"to", "roomType", "changedSince"} <= set(fields)
    too_long = client.get("/api/ari", {"from": day(0).isoformat(), "to": day(400).isoformat()})
    assert too_long.status_code == 400


def test_anonymous_callers_and_housekeeping_are_refused(api, hotel):
    assert (
        api.get("/api/ari", {"from": day(0).isoformat(), "to": day(1).isoformat()}).status_code
        == 401
    )
    housekeeping = api.as_role(roles.HOUSEKEEPING)
    assert (
        housekeeping.get(
            "/api/ari", {"from": day(0).isoformat(), "to": day(1).isoformat()}
        ).status_code
        == 403
    )
