"""Extras over HTTP: the catalog (managers write, staff read, guests see what is bookable
online), booking with extras (every problem in one answer, 409 EXTRA_SOLD_OUT), adding an
extra to a booking (the guest's token before arrival, staff), and the extras on the bill."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from bookings.clock import hotel_today
from bookings.extras.booking import ExtrasClosed, booking_extras_add
from bookings.extras.catalog import extra_create
from bookings.services import booking_create, booking_transition
from hotel.accounts import roles
from tests.conftest import NOW

START = hotel_today(timezone.now()) + timedelta(days=30)  # the API books with the real clock


def day(n: int):
    return START + timedelta(days=n)


@pytest.fixture
def catalog():
    for data in (
        {"code": "BREAKFAST", "name": "Breakfast", "price": 1500, "unit": "per_person_per_night"},
        {"code": "PARKING", "name": "Parking", "price": 2000, "unit": "per_night", "dailyStock": 1},
        {"code": "MINIBAR", "name": "Minibar pack", "price": 900, "bookableOnline": False},
        {"code": "OLD", "name": "Old", "price": 100, "active": False},
    ):
        extra_create(data=data, actor="test", now=NOW)


def stay(**kw):
    body = {
        "roomType": "Deluxe",
        "checkIn": day(0).isoformat(),
        "checkOut": day(2).isoformat(),
        "adults": 2,
        "guestName": "Ada Guest",
        "guestEmail": "ada@guest.test",
    }
    return {**body, **kw}


def test_managers_write_the_catalog_staff_read_it_guests_see_the_online_part(api, catalog):
    assert api.post("/api/extras", {"code": "X1", "name": "X", "price": 1}).status_code == 401
    guest = api.get("/api/extras").json()
    assert [e["code"] for e in guest["extras"]] == ["BREAKFAST", "PARKING"]
    assert "dailyStock" not in guest["extras"][0]

    desk = api.as_role(roles.FRONT_DESK)
    assert desk.get("/api/extras").json()["count"] == 4
    detail = desk.get("/api/extras/parking")
    assert detail.json().get("dailyStock") == 1, detail.content
    refused = desk.post("/api/extras", {"code": "X1", "name": "X", "price": 1}, format="json")
    assert refused.status_code == 403

    manager = api.as_role(roles.MANAGER)
    bad = manager.post(
        "/api/extras",
        {"code": "x", "price": -1, "unit": "per_week", "includedIn": ["NOPE"], "color": 1},
        format="json",
    )
    assert bad.status_code == 400, bad.content
    assert set(bad.json()["error"]["details"]["fields"]) == {
        "code",
        "name",
        "price",
        "unit",
        "includedIn",
        "color",
    }
    made = manager.post(
        "/api/extras",
        {"code": "shuttle", "name": "Airport shuttle", "price": 3500, "dailyStock": 8},
        format="json",
    )
    assert made.status_code == 201, made.content
    assert (made.json()["code"], made.json()["unit"], made["ETag"]) == (
        "SHUTTLE",
        "per_item",
        '"1"',
    )
    put = manager.put(
        "/api/extras/SHUTTLE",
        {"name": "Shuttle", "price": 4000},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert put.status_code == 200, put.content
    assert (put.json()["price"], put.json()["dailyStock"], put.json()["revision"]) == (
        4000,
        None,
        2,
    )
    stale = manager.delete("/api/extras/SHUTTLE", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 409
    assert manager.delete("/api/extras/SHUTTLE").status_code == 204
    assert manager.get("/api/extras/SHUTTLE").status_code == 404


def test_a_guest_books_extras_and_pays_rooms_and_extras_together(api, make_room, catalog):
    make_room(roomId="R-1", pricePerNight=10000)
    made = api.post(
        "/api/bookings",
        stay(extras=[{"code": "breakfast"}, {"code": "PARKING", "quantity": 1}]),
        format="json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert [(e["code"], e["quantity"], e["unitPrice"]) for e in body["extras"]] == [
        ("BREAKFAST", 4, 1500),
        ("PARKING", 2, 2000),
    ]
    assert body["extrasTotal"] == 6000 + 4000
    assert body["totalPrice"] == 22400  # the room stay, as without extras
    assert body["dueNow"] == body["payment"]["dueNow"] == 22400 + 10000
    assert body["payment"]["balanceDue"] == 32400


def test_every_extra_problem_in_one_answer(api, make_room, catalog):
    make_room(roomId="R-1", pricePerNight=10000)
    answer = api.post(
        "/api/bookings",
        stay(
            guestName="",
            extras=[
                {"code": "NOPE"},
                {"code": "MINIBAR"},
                {"code": "BREAKFAST", "quantity": 3},
                {"code": "OLD"},
                {"code": "PARKING", "quantity": 0},
            ],
        ),
        format="json",
    )
    assert answer.status_code == 400, answer.content
    fields = answer.json()["error"]["details"]["fields"]
    assert "guestName" in fields
    assert fields["extras.4.quantity"] == ["Ensure this value is greater than or equal to 1."]
    answer = api.post(
        "/api/bookings",
        stay(guestName="", extras=[{"code": "NOPE"}, {"code": "BREAKFAST", "quantity": 3}]),
        format="json",
    )
    assert set(answer.json()["error"]["details"]["fields"]) == {
        "guestName",
        "extras.0.code",
        "extras.1.quantity",
    }
    answer = api.post(
        "/api/bookings",
        stay(
            extras=[
                {"code": "NOPE"},
                {"code": "MINIBAR"},
                {"code": "BREAKFAST", "quantity": 3},
                {"code": "OLD"},
            ]
        ),
        format="json",
    )
    assert answer.status_code == 400, answer.content
    fields = answer.json()["error"]["details"]["fields"]
    assert fields == {
        "extras.0.code": ["No extra NOPE exists."],
        "extras.1.code": ["Minibar pack cannot be booked online; ask the hotel."],
        "extras.2.quantity": ["At most 2: one per guest of the booking."],
        "extras.3.code": ["No extra OLD exists."],
    }
    # Staff may sell what guests cannot book online.
    desk = api.as_role(roles.FRONT_DESK)
    ok = desk.post("/api/bookings", stay(extras=[{"code": "MINIBAR"}]), format="json")
    assert ok.status_code == 201, ok.content


def test_sold_out_is_a_409_with_the_dates(api, make_room, catalog):
    make_room(roomId="R-1", pricePerNight=10000)
    make_room(roomId="R-2", pricePerNight=10000)
    first = api.post("/api/bookings", stay(extras=[{"code": "PARKING"}]), format="json")
    assert first.status_code == 201, first.content
    second = api.post(
        "/api/bookings",
        stay(checkIn=day(1).isoformat(), checkOut=day(3).isoformat(), extras=[{"code": "PARKING"}]),
        format="json",
    )
    assert second.status_code == 409, second.content
    error = second.json()["error"]
    assert error["code"] == "EXTRA_SOLD_OUT"
    assert error["details"]["extras"] == [
        {"code": "PARKING", "dates": [day(1).isoformat()], "left": 0}
    ]


def test_the_guest_adds_an_extra_before_arrival_and_the_bill_shows_it(api, make_room, catalog):
    make_room(roomId="R-1", pricePerNight=10000)
    created = booking_create(
        room_type="Deluxe",
        check_in=day(0),
        check_out=day(2),
        guests=2,
        guest_name="Ada",
        guest_email="ada@guest.test",
        actor="test",
        now=timezone.now(),
        extras=[{"code": "BREAKFAST", "quantity": 1}],
    )
    booking_id, token = created.booking.bookingId, created.guest_token
    url = f"/api/bookings/{booking_id}/extras"
    assert api.post(url, {"code": "PARKING"}, format="json").status_code == 404  # no token
    added = api.post(url, {"code": "parking"}, format="json", HTTP_X_BOOKING_TOKEN=token)
    assert added.status_code == 201, added.content
    body = added.json()
    assert body["extra"]["key"] == "PARKING" and body["extra"]["quantity"] == 2
    assert body["booking"]["extrasTotal"] == 3000 + 4000
    assert body["booking"]["dueNow"] == body["booking"]["totalPrice"] + 7000
    again = api.post(url, {"code": "BREAKFAST"}, format="json", HTTP_X_BOOKING_TOKEN=token)
    assert again.status_code == 201, again.content
    assert again.json()["extra"]["key"] == "BREAKFAST#2"
    full = api.post(url, {"code": "PARKING"}, format="json", HTTP_X_BOOKING_TOKEN=token)
    assert full.status_code == 409 and full.json()["error"]["code"] == "EXTRA_SOLD_OUT"

    booking_transition(
        booking_id=booking_id, to_status="confirmed", actor="test", now=timezone.now()
    )
    desk = api.as_role(roles.FRONT_DESK)
    bill = desk.get(f"/api/bookings/{booking_id}/folio")
    assert bill.status_code == 200, bill.content
    lines = [x for f in bill.json()["folios"] for x in f["lines"]]
    extras = sorted((x["description"], x["amount"]) for x in lines if x["category"] == "extra")
    assert extras == [("Breakfast", 3000), ("Breakfast", 6000), ("Parking", 4000)]
    assert bill.json()["balance"] == created.booking.totalPrice + 13000


def test_the_guest_cannot_add_on_the_arrival_day_staff_can(api, make_room, catalog, settings):
    make_room(roomId="R-1", pricePerNight=10000)
    created = booking_create(
        room_type="Deluxe",
        check_in=day(0),
        check_out=day(2),
        guests=2,
        guest_name="Ada",
        guest_email="ada@guest.test",
        actor="test",
        now=timezone.now(),
    )
    booking_id = created.booking.bookingId
    booking_transition(
        booking_id=booking_id, to_status="confirmed", actor="test", now=timezone.now()
    )

    arrival = timezone.now() + timedelta(days=30)
    with pytest.raises(ExtrasClosed):
        booking_extras_add(
            booking_id=booking_id,
            code="BREAKFAST",
            quantity=None,
            staff=False,
            actor="guest",
            now=arrival,
        )
    booking, item = booking_extras_add(
        booking_id=booking_id, code="MINIBAR", quantity=2, staff=True, actor="desk", now=arrival
    )
    assert item["amount"] == 1800
    assert booking.dueNow == booking.totalPrice  # confirmed: the bill collects the rest
    desk = api.as_role(roles.FRONT_DESK)
    staff_add = desk.post(
        f"/api/bookings/{booking_id}/extras", {"code": "BREAKFAST", "quantity": 5}, format="json"
    )
    assert staff_add.status_code == 400
    assert staff_add.json()["error"]["details"]["fields"] == {
        "quantity": ["At most 2: one per guest of the booking."]
    }
