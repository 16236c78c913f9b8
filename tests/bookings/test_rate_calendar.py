"""The rate calendar: bulk writes by range and weekday, clearing, validation in one answer,
concurrent edits of different fields, the effective prices read back, and what a search
makes of it (service and GET/PUT /api/rate-calendar)."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from bookings.availability import rooms_search
from bookings.models import RateDay, RatePlan
from bookings.rate_calendar import rate_calendar_days, rate_calendar_set
from bookings.rates import rate_rule_save
from bookings.services import booking_create, hotel_today
from hotel.accounts import roles
from hotel.audit.models import AuditEntry
from hotel.errors import ValidationFailed
from hotel.stamps import stamp_bump
from rooms.room_types import CATALOG
from tests.conftest import NOW

MON = date(2027, 3, 1)  # a Monday


def d(n: int) -> date:
    return MON + timedelta(days=n)


@pytest.fixture
def deluxe(make_room):
    """Two Deluxe rooms at 50.00 a night: the type sells two units."""
    make_room(roomId="D-1", roomType="Deluxe", pricePerNight=5000, capacity=2)
    make_room(roomId="D-2", roomType="Deluxe", pricePerNight=5000, capacity=2)
    make_room(roomId="S-1", roomType="Suite", pricePerNight=9000, capacity=4)


@pytest.fixture
def nonref(deluxe):
    """NONREF: FLEX − 15 %, Deluxe only."""
    RatePlan(
        ratePlan="NONREF",
        name="Non-refundable",
        roomTypes=["Deluxe"],
        active=True,
        channels=["web", "api", "staff"],
        adjustment={"kind": "percent", "value": -15},
        cancellation="0:100",
        payment="prepay",
        sortOrder=1,
        lastUpdated=NOW,
    ).save()
    stamp_bump(CATALOG)


def put(fields, *, room_type="Deluxe", plan="FLEX", start=MON, end=None, weekdays=None):
    return rate_calendar_set(
        room_type=room_type,
        rate_plan=plan,
        start=start,
        end=end or start,
        weekdays=weekdays or [],
        fields=fields,
        actor="manager@staff.test",
        now=NOW,
    )


def days(start=MON, end=None, *, room_type="Deluxe", plan="FLEX"):
    found = rate_calendar_days(
        room_type=room_type, rate_plan=plan, start=start, end=end or start, consistent=True
    )
    return {date.fromisoformat(day["date"]): day for day in found}


def errors(**kwargs) -> dict:
    args = {
        "room_type": "Deluxe",
        "rate_plan": "FLEX",
        "start": MON,
        "end": d(2),
        "weekdays": [],
        "fields": {"stopSell": True},
        "actor": "t",
        "now": NOW,
    }
    args.update(kwargs)
    with pytest.raises(ValidationFailed) as caught:
        rate_calendar_set(**args)
    return caught.value.details["fields"]


# --- writes ---------------------------------------------------------------------------------------


def test_a_bulk_edit_by_weekday_writes_only_those_dates(deluxe):
    written = put({"closedToArrival": True, "minStay": 2}, end=d(13), weekdays=[0, 4])

    assert written == 4  # Mon 1, Fri 5, Mon 8, Fri 12
    grid = days(MON, d(13))
    closed = sorted(day for day, entry in grid.items() if entry["closedToArrival"])
    assert closed == [d(0), d(4), d(7), d(11)]
    assert {grid[day]["minStay"] for day in closed} == {2}
    assert grid[d(1)]["closedToArrival"] is None and grid[d(1)]["minStay"] is None
    assert RateDay.get("2027-03", "2027-03-05#Deluxe#FLEX").closedToArrival is True


def test_null_clears_a_field_and_leaves_the_others(deluxe):
    put({"price": 8000, "stopSell": True, "maxStay": 7}, end=d(2))

    put({"price": None, "stopSell": None}, end=d(1))

    grid = days(MON, d(2))
    assert [grid[d(n)]["priceSource"] for n in range(3)] == ["derived", "derived", "calendar"]
    assert [grid[d(n)]["price"] for n in range(3)] == [5000, 5000, 8000]
    assert [grid[d(n)]["stopSell"] for n in range(3)] == [None, None, True]
    assert {grid[d(n)]["maxStay"] for n in range(3)} == {7}


def test_false_is_kept_as_false(deluxe):
    put({"closedToDeparture": False})

    assert days()[MON]["closedToDeparture"] is False


def test_one_audit_entry_per_bulk_call_with_the_range_and_fields(deluxe):
    put({"price": 7000, "minStay": None}, end=d(6), weekdays=[5, 6])

    [entry] = [e for e in AuditEntry.scan() if e.objectType == "bookings.ratecalendar"]
    assert (entry.objectType, entry.objectId, entry.actor) == (
        "bookings.ratecalendar",
        "Deluxe#FLEX",
        "manager@staff.test",
    )
    assert entry.after == {
        "from": "2027-03-01",
        "to": "2027-03-07",
        "weekdays": [5, 6],
        "days": 2,
        "price": 7000,
        "minStay": None,
    }


def test_every_problem_is_named_in_one_answer(deluxe):
    found = errors(
        room_type="Penthouse",
        rate_plan="NOPE",
        start=d(3),
        end=d(1),
        weekdays=[7],
        fields={
            "price": -1,
            "minStay": 0,
            "maxStay": "3",
            "minStayThrough": 366,
            "closedToArrival": "yes",
            "closedToDeparture": 1,
            "stopSell": None,
            "minAdvance": 731,
            "maxAdvance": 1.5,
            "colour": "red",
        },
    )

    assert set(found) == {
        "roomType",
        "ratePlan",
        "to",
        "weekdays",
        "price",
        "minStay",
        "maxStay",
        "minStayThrough",
        "closedToArrival",
        "closedToDeparture",
        "minAdvance",
        "maxAdvance",
        "colour",
    }


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"fields": {}}, "nonFieldErrors"),
        ({"fields": {"minStay": 5, "maxStay": 4}}, "maxStay"),
        ({"fields": {"minAdvance": 30, "maxAdvance": 10}}, "maxAdvance"),
        ({"end": MON + timedelta(days=366)}, "to"),
        ({"start": date(1999, 12, 31)}, "from"),
        ({"rate_plan": "NONREF", "room_type": "Suite"}, "ratePlan"),  # NONREF sells Deluxe only
        ({"fields": {"price": True}}, "price"),
    ],
)
def test_each_rule_is_checked(nonref, kwargs, field):
    assert field in errors(**kwargs)


def test_a_year_and_a_day_is_the_longest_range(deluxe):
    assert put({"minAdvance": 1}, end=MON + timedelta(days=365)) == 366


def test_an_inactive_plan_takes_no_calendar(nonref):
    plan = RatePlan.get("NONREF")
    plan.active = False
    plan.save()

    assert "inactive" in errors(rate_plan="NONREF")["ratePlan"][0]


def test_concurrent_edits_of_different_fields_never_lose_one(deluxe):
    """Each thread sets its own field on the same days at once, round after round: every day
    ends with every field (no read-modify-write to lose one)."""
    edits = [
        {"price": 6100},
        {"minStay": 2},
        {"maxStay": 9},
        {"closedToArrival": True},
        {"closedToDeparture": True},
        {"stopSell": False},
        {"minAdvance": 1},
        {"maxAdvance": 300},
    ]
    for round_ in range(3):
        start = MON + timedelta(days=40 * round_)
        barrier = threading.Barrier(len(edits))
        failures = []

        def edit(fields, start=start, barrier=barrier, failures=failures):
            try:
                barrier.wait(timeout=10)
                put(fields, start=start, end=start + timedelta(days=20))
            except Exception as exc:  # noqa: BLE001 - surfaced below: it must fail the test
                failures.append(exc)

        threads = [threading.Thread(target=edit, args=(f,)) for f in edits]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert failures == []
        grid = days(start, start + timedelta(days=20))
        expected = {k: v for f in edits for k, v in f.items()}
        for entry in grid.values():
            assert {k: entry[k] for k in expected} == expected, entry["date"]


# --- reads --------------------------------------------------------------------------------------


def test_prices_are_derived_or_from_the_calendar(nonref):
    rate_rule_save(
        rule_id=None,
        data={"name": "Weekend", "kind": "percent", "value": 20, "weekdays": [5, 6]},
        actor="t",
        now=NOW,
    )
    put({"price": 8000}, start=d(1))  # FLEX on Tuesday
    put({"price": 3900}, start=d(2), plan="NONREF")  # NONREF's own price on Wednesday

    flex, nonref_days = days(MON, d(6)), days(MON, d(6), plan="NONREF")

    assert [(flex[d(n)]["price"], flex[d(n)]["priceSource"]) for n in (0, 1, 5)] == [
        (5000, "derived"),
        (8000, "calendar"),
        (6000, "derived"),  # Saturday: the weekend rule
    ]
    assert [(nonref_days[d(n)]["price"], nonref_days[d(n)]["priceSource"]) for n in range(3)] == [
        (4250, "derived"),  # 5000 − 15 %
        (6800, "derived"),  # FLEX's calendar price − 15 %
        (3900, "calendar"),
    ]
    assert nonref_days[d(5)]["price"] == 5100  # (5000 + 20 %) − 15 %


def test_units_left_come_from_the_inventory(deluxe):
    booking_create(
        room_type="Deluxe",
        check_in=d(1),
        check_out=d(3),
        guests=1,
        guest_name="Ada Guest",
        guest_email="ada@guest.test",
        actor="t",
        now=NOW,
    )

    grid = days(MON, d(3))

    assert [grid[d(n)]["unitsLeft"] for n in range(4)] == [2, 1, 1, 2]


# --- the API ------------------------------------------------------------------------------------


def api_day(n: int) -> date:
    return hotel_today(timezone.now()) + timedelta(days=30 + n)


def test_put_answers_the_days_of_the_range(api, deluxe):
    client = api.as_role(roles.MANAGER)
    body = {
        "roomType": "Deluxe",
        "ratePlan": "FLEX",
        "from": api_day(0).isoformat(),
        "to": api_day(2).isoformat(),
        "closedToArrival": True,
        "price": 7700,
    }

    response = client.put("/api/rate-calendar", body, format="json")

    assert response.status_code == 200, response.json()
    answer = response.json()
    assert answer["updated"] == 3
    assert (answer["roomType"], answer["ratePlan"]) == ("Deluxe", "FLEX")
    assert answer["currency"] == settings.HOTEL_CURRENCY
    assert [day["date"] for day in answer["days"]] == [api_day(n).isoformat() for n in range(3)]
    assert all(day["closedToArrival"] is True and day["price"] == 7700 for day in answer["days"])
    assert set(answer["days"][0]) == {
        "date",
        "price",
        "priceSource",
        "minStay",
        "maxStay",
        "minStayThrough",
        "closedToArrival",
        "closedToDeparture",
        "stopSell",
        "minAdvance",
        "maxAdvance",
        "unitsLeft",
    }

    query = {"roomType": "Deluxe", "ratePlan": "FLEX", "from": body["from"], "to": body["to"]}
    read = api.as_role(roles.ACCOUNTANT).get("/api/rate-calendar", query)
    assert read.status_code == 200
    assert read.json()["days"] == answer["days"]


def test_put_names_every_bad_field(api, deluxe):
    client = api.as_role(roles.MANAGER)
    response = client.put(
        "/api/rate-calendar",
        {
            "roomType": "Penthouse",
            "ratePlan": "FLEX",
            "from": "2027-03-05",
            "to": "2027-03-01",
            "minStay": "2",
            "stopSell": "yes",
            "weekdays": [9],
            "extra": 1,
        },
        format="json",
    )

    assert response.status_code == 400
    fields = response.json()["error"]["details"]["fields"]
    assert set(fields) == {"roomType", "to", "minStay", "stopSell", "weekdays", "extra"}


def test_get_refuses_a_bad_query_with_field_errors(api, deluxe):
    client = api.as_role(roles.FRONT_DESK)

    response = client.get(
        "/api/rate-calendar",
        {"roomType": "Deluxe", "ratePlan": "NOPE", "from": "2027-03-01", "to": "2028-03-02"},
    )
    missing = client.get("/api/rate-calendar", {"roomType": "Deluxe"})

    assert response.status_code == 400
    assert set(response.json()["error"]["details"]["fields"]) == {"ratePlan", "to"}
    assert missing.status_code == 400
    assert set(missing.json()["error"]["details"]["fields"]) == {"ratePlan", "from", "to"}


@pytest.mark.parametrize(
    ("role", "get", "put_"),
    [
        (roles.MANAGER, 200, 200),
        (roles.FRONT_DESK, 200, 403),
        (roles.ACCOUNTANT, 200, 403),
        (roles.HOUSEKEEPING, 403, 403),
        (None, 401, 401),
    ],
)
def test_who_may_read_and_change_the_calendar(api, deluxe, role, get, put_):
    client = api.as_role(role) if role else api
    query = {"roomType": "Deluxe", "ratePlan": "FLEX", "from": "2027-03-01", "to": "2027-03-01"}

    assert client.get("/api/rate-calendar", query).status_code == get
    response = client.put("/api/rate-calendar", {**query, "stopSell": True}, format="json")
    assert response.status_code == put_
    if put_ != 200:
        assert not list(RateDay.scan())


def test_a_search_shows_what_a_put_set(api, deluxe):
    client = api.as_role(roles.MANAGER)
    now = timezone.now()

    def put_api(**fields):
        body = {"roomType": "Deluxe", "ratePlan": "FLEX", **fields}
        response = client.put("/api/rate-calendar", body, format="json")
        assert response.status_code == 200, response.json()

    def search(nights=1):
        return rooms_search(
            check_in=api_day(0), check_out=api_day(nights), now=now, room_type="Deluxe"
        )

    assert search().types[0].quote.total == 5000 + search().types[0].quote.tax

    put_api(**{"from": api_day(0).isoformat(), "to": api_day(0).isoformat()}, closedToArrival=True)
    refused = search()
    assert refused.types == []
    assert [r["code"] for r in refused.restrictions] == ["CLOSED_TO_ARRIVAL"]

    put_api(
        **{"from": api_day(0).isoformat(), "to": api_day(0).isoformat()},
        closedToArrival=None,
        minStay=3,
    )
    short = search(2)
    assert [(r["code"], r["nights"]) for r in short.restrictions] == [("MIN_STAY", 3)]

    put_api(**{"from": api_day(0).isoformat(), "to": api_day(2).isoformat()}, price=6600)
    [offer] = search(3).types[0].offers
    assert offer.plan.ratePlan == "FLEX"
    assert [n.amount for n in offer.quote.nightly] == [6600, 6600, 6600]
