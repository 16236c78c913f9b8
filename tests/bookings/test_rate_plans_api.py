"""Rate plans over HTTP, as the issue's contract spells them: managers change them, any
staff member reads them, FLEX is always there and never goes away."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from bookings.rate_reads import rate_plans_all
from bookings.rate_terms import ChildBand, Occupancy, occupancy_from
from hotel.audit.selectors import audit_for_object

NONREF = {
    "ratePlan": "NONREF",
    "name": "Non-refundable",
    "roomTypes": ["Deluxe"],
    "adjustment": {"kind": "percent", "value": -15},
    "cancellation": "0:0",
    "payment": "prepay",
}


@pytest.fixture
def manager(api, make_room):
    make_room(roomId="101", roomType="Deluxe")
    make_room(roomId="201", roomType="Suite")
    return api.as_role("manager")


@pytest.fixture
def clerk(make_staff):
    from datetime import UTC, datetime

    from hotel.accounts.services import api_token_issue

    client = APIClient()
    token = api_token_issue(user=make_staff("front_desk"), now=datetime.now(UTC)).token
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def fields_of(response) -> dict:
    assert response.status_code == 400, response.json()
    return response.json()["error"]["details"]["fields"]


def test_the_contracts_non_refundable_plan_is_created_and_listed_beside_flex(manager):
    created = manager.post("/api/rate-plans", NONREF, format="json")

    assert created.status_code == 201, created.json()
    body = created.json()
    assert {k: body[k] for k in NONREF} == NONREF
    assert body["revision"] == 1 and created["ETag"] == '"1"'
    assert created["Location"].endswith("/api/rate-plans/NONREF")
    listed = manager.get("/api/rate-plans").json()
    assert listed["count"] == 2
    assert [p["ratePlan"] for p in listed["ratePlans"]] == ["FLEX", "NONREF"]
    assert manager.get("/api/rate-plans/nonref").json()["name"] == "Non-refundable"


def test_a_fixed_adjustment_is_minor_units_per_night_and_may_be_negative(manager):
    response = manager.post(
        "/api/rate-plans",
        {
            "ratePlan": "lastmin",
            "name": "Last minute",
            "adjustment": {"kind": "fixed", "value": -50000},
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["ratePlan"] == "LASTMIN"  # stored upper case
    assert response.json()["adjustment"] == {"kind": "fixed", "value": -50000}
    assert response.json()["roomTypes"] == []  # every type, also later ones


def test_every_fields_problem_comes_in_one_answer(manager):
    response = manager.post(
        "/api/rate-plans",
        {
            "ratePlan": "no way!",
            "name": "",
            "roomTypes": ["Nope"],
            "channels": ["fax"],
            "adjustment": {"kind": "percent", "value": 900},
            "cancellation": "soon",
            "noShowPercent": 101,
            "payment": "deposit",
            "occupancy": {
                "included": 0,
                "childBands": [
                    {"fromAge": 0, "toAge": 5, "price": 0},
                    {"fromAge": 4, "toAge": 10, "price": 1000},
                ],
            },
            "included": [{"code": "BF", "name": "Breakfast", "unit": "per_week", "value": 1}],
            "sortOrder": "first",
            "colour": "red",
        },
        format="json",
    )

    fields = fields_of(response)
    assert set(fields) == {
        "ratePlan",
        "name",
        "roomTypes",
        "channels",
        "adjustment",
        "cancellation",
        "noShowPercent",
        "depositPercent",
        "occupancy",
        "included",
        "sortOrder",
        "colour",
    }
    assert any("overlap" in m for m in fields["occupancy"])
    assert any("included" in m for m in fields["occupancy"])
    assert "Required with deposit" in fields["depositPercent"][0]


def test_payment_terms_take_a_deposit_percent_only_with_deposit(manager):
    refused = manager.post(
        "/api/rate-plans",
        {"ratePlan": "PAYNOW", "name": "Pay now", "payment": "prepay", "depositPercent": 30},
        format="json",
    )
    assert set(fields_of(refused)) == {"depositPercent"}

    created = manager.post(
        "/api/rate-plans",
        {"ratePlan": "DEP", "name": "Deposit", "payment": "deposit", "depositPercent": 30},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert (created.json()["payment"], created.json()["depositPercent"]) == ("deposit", 30)
    for bad in (0, 100):
        assert "depositPercent" in fields_of(
            manager.patch("/api/rate-plans/DEP", {"depositPercent": bad}, format="json")
        )

    changed = manager.patch("/api/rate-plans/DEP", {"payment": "at_hotel"}, format="json")

    assert changed.status_code == 200, changed.json()
    assert (changed.json()["payment"], changed.json()["depositPercent"]) == ("at_hotel", None)


def test_occupancy_is_stored_as_the_pricing_engine_reads_it(manager):
    occupancy = {
        "included": 2,
        "extraAdult": 3000,
        "childBands": [
            {"fromAge": 3, "toAge": 11, "price": 1500},
            {"fromAge": 0, "toAge": 2, "price": 0},
        ],
        "extraBed": 2000,
        "bedsFor": 2,
        "byType": {"Suite": {"included": 4}},
    }
    response = manager.post(
        "/api/rate-plans",
        {"ratePlan": "FAMILY", "name": "Family", "occupancy": occupancy},
        format="json",
    )

    assert response.status_code == 201, response.json()
    stored = response.json()["occupancy"]
    assert [b["fromAge"] for b in stored["childBands"]] == [0, 3]  # in age order
    assert occupancy_from(stored, "Deluxe") == Occupancy(
        included=2,
        extra_adult=3000,
        child_bands=(ChildBand(0, 2, 0), ChildBand(3, 11, 1500)),
        extra_bed=2000,
        beds_for=2,
    )
    assert occupancy_from(stored, "Suite").included == 4
    unknown_type = manager.patch(
        "/api/rate-plans/FAMILY", {"occupancy": {"byType": {"Attic": {}}}}, format="json"
    )
    assert "occupancy" in fields_of(unknown_type)


def test_a_clerk_reads_plans_but_changes_none(manager, clerk):
    manager.post("/api/rate-plans", NONREF, format="json")

    assert clerk.get("/api/rate-plans").status_code == 200
    assert clerk.get("/api/rate-plans/NONREF").status_code == 200
    assert (
        clerk.post("/api/rate-plans", {**NONREF, "ratePlan": "X"}, format="json").status_code == 403
    )
    assert clerk.patch("/api/rate-plans/NONREF", {"name": "X"}, format="json").status_code == 403
    assert clerk.put("/api/rate-plans/NONREF", {"name": "X"}, format="json").status_code == 403
    assert clerk.delete("/api/rate-plans/NONREF").status_code == 403
    assert APIClient().get("/api/rate-plans").status_code == 401
    assert manager.get("/api/rate-plans/NONREF").json()["name"] == "Non-refundable"


def test_flex_is_listed_before_anyone_stores_it_and_is_never_deleted(manager):
    listed = manager.get("/api/rate-plans").json()
    assert listed["count"] == 1
    assert listed["ratePlans"][0]["ratePlan"] == "FLEX"
    assert listed["ratePlans"][0]["isDefault"] is True

    deleted = manager.delete("/api/rate-plans/FLEX")
    assert deleted.status_code == 409
    assert deleted.json()["error"]["code"] == "DEFAULT_RATE_PLAN"
    again = manager.post("/api/rate-plans", {"ratePlan": "flex", "name": "Mine"}, format="json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "RATE_PLAN_EXISTS"
    refused = manager.patch(
        "/api/rate-plans/FLEX", {"active": False, "roomTypes": ["Deluxe"]}, format="json"
    )
    assert set(fields_of(refused)) == {"active", "roomTypes"}

    edited = manager.patch(
        "/api/rate-plans/FLEX",
        {"name": "Flexible rate", "cancellation": "2:100,0:50"},
        format="json",
    )
    assert edited.status_code == 200, edited.json()
    assert edited.json()["revision"] == 1  # its first edit stored it
    assert edited.json()["cancellation"] == "2:100,0:50"
    assert manager.delete("/api/rate-plans/FLEX").status_code == 409
    assert [p["name"] for p in manager.get("/api/rate-plans").json()["ratePlans"]] == [
        "Flexible rate"
    ]


def test_a_duplicate_code_is_a_conflict(manager):
    assert manager.post("/api/rate-plans", NONREF, format="json").status_code == 201

    response = manager.post("/api/rate-plans", {**NONREF, "ratePlan": "nonref"}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "RATE_PLAN_EXISTS"


def test_put_replaces_the_plan_and_if_match_refuses_a_stale_edit(manager):
    manager.post(
        "/api/rate-plans",
        {**NONREF, "description": "Cheapest", "channels": ["web"], "sortOrder": 5},
        format="json",
    )

    stale = manager.put(
        "/api/rate-plans/NONREF", {"name": "Saver"}, format="json", HTTP_IF_MATCH='"7"'
    )
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "STALE_OBJECT"

    replaced = manager.put(
        "/api/rate-plans/NONREF", {"name": "Saver"}, format="json", HTTP_IF_MATCH='"1"'
    )

    assert replaced.status_code == 200, replaced.json()
    body = replaced.json()
    assert (body["name"], body["description"], body["sortOrder"]) == ("Saver", "", 0)
    assert (body["roomTypes"], body["adjustment"], body["cancellation"]) == ([], None, None)
    assert body["channels"] == ["web", "api", "staff"]
    assert body["revision"] == 2 and replaced["ETag"] == '"2"'
    renamed = manager.patch("/api/rate-plans/NONREF", {"ratePlan": "OTHER"}, format="json")
    assert "ratePlan" in fields_of(renamed)


def test_every_write_is_audited_and_searches_see_it_at_once(manager):
    rate_plans_all(cached=True)  # a search's copy of the plans

    manager.post("/api/rate-plans", NONREF, format="json")
    assert "NONREF" in {p.ratePlan for p in rate_plans_all(cached=True)}
    manager.patch("/api/rate-plans/NONREF", {"noShowPercent": 50}, format="json")
    assert manager.delete("/api/rate-plans/NONREF").status_code == 204

    assert "NONREF" not in {p.ratePlan for p in rate_plans_all(cached=True)}
    entries = audit_for_object(object_type="bookings.rateplan", object_id="NONREF")
    assert [e.action for e in entries] == ["delete", "update", "create"]
    assert all(e.actor.startswith("manager") for e in entries)
    update = entries[1]
    assert (update.before["noShowPercent"], update.after["noShowPercent"]) == (100, 50)
    assert manager.get("/api/rate-plans/NONREF").json()["error"]["code"] == "RATE_PLAN_NOT_FOUND"
