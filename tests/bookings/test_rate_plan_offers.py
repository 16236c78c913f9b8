"""The rate-plan contract over HTTP: offers per plan for who stays, restrictions that say
what would work, a booking that takes the offer's price and keeps its terms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from bookings.clock import hotel_today
from bookings.models import PromoCode, RateDay, RatePlan
from hotel.stamps import stamp_bump
from rooms.room_types import CATALOG


def d(n: int) -> str:
    return (hotel_today(timezone.now()) + timedelta(days=20 + n)).isoformat()


def plan(code: str, **fields) -> RatePlan:
    item = RatePlan(
        ratePlan=code,
        name=fields.pop("name", code.title()),
        roomTypes=fields.pop("roomTypes", []),
        active=True,
        channels=fields.pop("channels", ["web", "api", "staff"]),
        lastUpdated=datetime.now(UTC),
        **fields,
    )
    item.save()
    stamp_bump(CATALOG)
    return item


@pytest.fixture
def family_rooms(api):
    manager = api.as_role("manager")
    created = manager.post(
        "/api/room-types",
        {
            "roomType": "Family",
            "name": "Family room",
            "beds": "1 king, 2 singles",
            "maxAdults": 3,
            "maxChildren": 2,
            "maxGuests": 5,
            "basePrice": 100000,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    for room_id in ("F-1", "F-2"):
        response = manager.post(
            "/api/rooms",
            {
                "roomId": room_id,
                "roomType": "Family",
                "floorNumber": 1,
                "capacity": 5,
                "pricePerNight": 100000,
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
    api.credentials()  # the rest of the test is a guest's
    return "Family"


OCCUPANCY = {
    "included": 2,
    "extraAdult": 20000,
    "childBands": [
        {"fromAge": 0, "toAge": 2, "price": 0},
        {"fromAge": 3, "toAge": 11, "price": 15000},
    ],
}


def search(api, **body):
    response = api.post(
        "/api/rooms/availability",
        {"checkIn": d(0), "checkOut": d(2), **body},
        format="json",
    )
    assert response.status_code == 200, response.json()
    return {t["roomType"]: t for t in response.json()["roomTypes"]}


def test_offers_per_plan_priced_by_who_stays_and_booked_at_that_price(api, family_rooms, settings):
    settings.HOTEL_TAX_PERCENT = "12"
    plan("FLEX", name="Flexible", occupancy=OCCUPANCY)
    plan(
        "NONREF",
        name="Non-refundable",
        roomTypes=["Family"],
        adjustment={"kind": "percent", "value": -15},
        cancellation="0:0",
        occupancy=OCCUPANCY,
    )
    PromoCode(code="SPRING10", percent=10, maxUses=1, uses=0).save()

    found = search(api, adults=3, childrenAges=[4, 1], promoCode="SPRING10")
    offers = found["Family"]["offers"]
    assert [o["ratePlan"] for o in offers] == ["NONREF", "FLEX"]  # cheapest first
    nonref, flex = offers
    # Per night: 100000 (−15 % for NONREF) + a third adult 20000 + a child of 4 15000; the
    # infant is free. Then 10 % off each night, 12 % tax on the rest.
    night = 85000 + 20000 + 15000
    net = night - night // 10
    assert [n["amount"] for n in nonref["nightly"]] == [net, net]
    assert nonref["discount"] == 2 * (night // 10)
    assert nonref["taxes"] == round(2 * net * 0.12)
    assert nonref["totalPrice"] == 2 * net + nonref["taxes"] + nonref["cityTax"]
    assert sum(line["amount"] for line in nonref["lines"]) == nonref["totalPrice"]
    assert nonref["cancellation"]["freeUntil"] is None
    assert flex["cancellation"]["freeUntil"] is not None  # 20 days ahead, 7:100 applies
    assert nonref["payment"] == {
        "terms": "prepay",
        "dueNow": nonref["totalPrice"],
        "dueAtHotel": 0,
        "depositPercent": None,
    }

    booked = api.post(
        "/api/bookings",
        {
            "roomType": "Family",
            "ratePlan": "NONREF",
            "checkIn": d(0),
            "checkOut": d(2),
            "adults": 3,
            "childrenAges": [4, 1],
            "promoCode": "SPRING10",
            "guestName": "Ada",
            "guestEmail": "ada@guest.test",
        },
        format="json",
    )
    assert booked.status_code == 201, booked.json()
    body = booked.json()
    assert (body["ratePlan"], body["promoCode"], body["totalPrice"]) == (
        "NONREF",
        "SPRING10",
        nonref["totalPrice"],
    )
    assert (body["adults"], body["childrenAges"], body["guests"]) == (3, [4, 1], 5)
    assert body["terms"]["cancellation"] == "0:0"

    # The code is used up (maxUses 1): the next search says so on the field.
    again = api.post(
        "/api/rooms/availability",
        {"checkIn": d(0), "checkOut": d(2), "promoCode": "SPRING10"},
        format="json",
    )
    assert again.status_code == 400
    assert "promoCode" in again.json()["error"]["details"]["fields"]

    # Editing the plan later does not change the booking.
    item = RatePlan.get("NONREF")
    item.cancellation = "30:100"
    item.adjustment = {"kind": "percent", "value": -50}
    item.save()
    stamp_bump(CATALOG)
    token = body["guestToken"]
    detail = api.get(f"/api/bookings/{body['bookingId']}", HTTP_X_BOOKING_TOKEN=token)
    assert detail.status_code == 200, detail.json()
    assert detail.json()["totalPrice"] == nonref["totalPrice"]
    assert detail.json()["terms"]["cancellation"] == "0:0"
    assert detail.json()["ratePlan"] == "NONREF"


def test_a_type_that_cannot_hold_the_guests_is_not_offered(api, family_rooms):
    found = search(api, adults=4, childrenAges=[5])  # 4 adults, the type takes 3
    assert "Family" not in found
    booked = api.post(
        "/api/bookings",
        {
            "roomType": "Family",
            "checkIn": d(0),
            "checkOut": d(2),
            "adults": 4,
            "childrenAges": [5],
            "guestName": "Ada",
            "guestEmail": "ada@guest.test",
        },
        format="json",
    )
    assert booked.status_code == 400, booked.json()
    assert booked.json()["error"]["code"] == "TOO_MANY_GUESTS", booked.json()


def test_restrictions_say_which_and_what_would_work(api, family_rooms):
    arrival = d(0)
    RateDay(
        month=arrival[:7],
        slot=f"{arrival}#Family#FLEX",
        date=arrival,
        roomType="Family",
        ratePlan="FLEX",
        closedToArrival=True,
        minStay=3,
    ).save()
    entry = search(api, adults=2)["Family"]
    assert entry["offers"] == []
    codes = {r["code"]: r for r in entry["restrictions"]}
    assert set(codes) == {"CLOSED_TO_ARRIVAL", "MIN_STAY"}
    assert codes["MIN_STAY"]["nights"] == 3 and codes["MIN_STAY"]["on"] == "arrival"
    assert codes["CLOSED_TO_ARRIVAL"]["date"] == arrival
    booked = api.post(
        "/api/bookings",
        {
            "roomType": "Family",
            "checkIn": arrival,
            "checkOut": d(2),
            "adults": 2,
            "guestName": "Ada",
            "guestEmail": "ada@guest.test",
        },
        format="json",
    )
    assert booked.status_code == 400
    error = booked.json()["error"]
    assert error["code"] == "STAY_RULE_VIOLATION"
    assert {r["code"] for r in error["details"]["restrictions"]} == set(codes)
    # The day after is open: a stay arriving then is offered.
    later = api.post(
        "/api/rooms/availability",
        {"checkIn": d(1), "checkOut": d(2), "adults": 2},
        format="json",
    ).json()
    assert [o["ratePlan"] for o in later["roomTypes"][0]["offers"]] == ["FLEX"]


def test_the_issue_contract_end_to_end(api, family_rooms):
    manager = api.as_role("manager")
    created = manager.post(
        "/api/rate-plans",
        {
            "ratePlan": "NONREF",
            "name": "Non-refundable",
            "roomTypes": ["Family"],
            "adjustment": {"kind": "percent", "value": -15},
            "cancellation": "0:0",
            "payment": "prepay",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    listed = manager.get("/api/rate-plans").json()
    assert {p["ratePlan"] for p in listed["ratePlans"]} == {"FLEX", "NONREF"}
    assert listed["count"] == 2
    assert (
        manager.post(
            "/api/promo-codes", {"code": "SPRING10", "percent": 10, "maxUses": 1}, format="json"
        ).status_code
        == 201
    )
    closed = manager.put(
        "/api/rate-calendar",
        {
            "roomType": "Family",
            "ratePlan": "FLEX",
            "from": d(0),
            "to": d(0),
            "closedToArrival": True,
        },
        format="json",
    )
    assert closed.status_code == 200, closed.json()
    days = manager.get(
        "/api/rate-calendar",
        {"roomType": "Family", "ratePlan": "FLEX", "from": d(0), "to": d(1)},
    ).json()["days"]
    assert [(x["date"], x["closedToArrival"]) for x in days] == [(d(0), True), (d(1), None)]
    api.credentials()

    entry = search(api, adults=2, childrenAges=[4], promoCode="SPRING10")["Family"]
    assert [o["ratePlan"] for o in entry["offers"]] == ["NONREF"]  # FLEX closed to arrival
    offer = entry["offers"][0]
    assert offer["cancellation"]["freeUntil"] is None
    assert offer["payment"] == {
        "terms": "prepay",
        "dueNow": offer["totalPrice"],
        "dueAtHotel": 0,
        "depositPercent": None,
    }
    booked = api.post(
        "/api/bookings",
        {
            "roomType": "Family",
            "ratePlan": "NONREF",
            "checkIn": d(0),
            "checkOut": d(2),
            "adults": 2,
            "childrenAges": [4],
            "promoCode": "SPRING10",
            "guestName": "Ada",
            "guestEmail": "ada@guest.test",
        },
        format="json",
    )
    assert booked.status_code == 201, booked.json()
    body = booked.json()
    assert (body["ratePlan"], body["totalPrice"], body["promoCode"]) == (
        "NONREF",
        offer["totalPrice"],
        "SPRING10",
    )
    flex = api.post(
        "/api/bookings",
        {
            "roomType": "Family",
            "checkIn": d(1),
            "checkOut": d(2),
            "adults": 2,
            "guestName": "Bea",
            "guestEmail": "bea@guest.test",
        },
        format="json",
    ).json()
    assert flex["ratePlan"] == "FLEX"
    quotes = {}
    for made in (body, flex):
        answer = api.get(
            f"/api/bookings/{made['bookingId']}/cancellation-quote",
            HTTP_X_BOOKING_TOKEN=made["guestToken"],
        )
        assert answer.status_code == 200, answer.json()
        quotes[made["ratePlan"]] = answer.json()
    assert [(r["daysBefore"], r["refundPercent"]) for r in quotes["NONREF"]["policy"]] == [(0, 0)]
    assert [r["refundPercent"] for r in quotes["FLEX"]["policy"]] == [100, 50, 0]
