"""Rate plans' and extras' `translations` over HTTP: taken and returned beside the fields
they always had, kept by a PUT that leaves them out, removed by null, audited, and a bad
one refused with 400 naming it (`translations.de.name`)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from bookings.extras.models import Extra
from bookings.models import RatePlan
from hotel.accounts import roles
from hotel.audit.selectors import audit_for_object
from tests.rooms.test_api import assert_error

NONREF = {"ratePlan": "NONREF", "name": "Non-refundable", "cancellation": "0:0"}
BREAKFAST = {"code": "BREAKFAST", "name": "Breakfast", "price": 1500, "unit": "per_stay"}


@pytest.fixture
def manager(api, make_room):
    make_room(roomId="101", roomType="Deluxe")
    return api.as_role(roles.MANAGER)


def test_a_plans_translations_round_trip_and_a_put_without_them_keeps_them(manager):
    given = {"de": {"name": "Nicht erstattbar"}, "fr": {"name": " "}}
    created = manager.post("/api/rate-plans", {**NONREF, "translations": given}, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["translations"] == {"de": {"name": "Nicht erstattbar"}}
    assert body["name"] == "Non-refundable"  # the default language's field is unchanged
    [entry] = audit_for_object(object_type="bookings.rateplan", object_id="NONREF")
    assert entry.after["translations"] == {"de": {"name": "Nicht erstattbar"}}

    put = manager.put("/api/rate-plans/NONREF", {"name": "No refund"}, format="json")
    assert put.status_code == 200, put.json()
    assert put.json()["translations"] == {"de": {"name": "Nicht erstattbar"}}
    patched = manager.patch(
        "/api/rate-plans/NONREF",
        {"translations": {"es": {"name": "No reembolsable"}}},
        format="json",
    )
    assert patched.json()["translations"] == {"es": {"name": "No reembolsable"}}
    listed = manager.get("/api/rate-plans").json()["ratePlans"]
    assert {p["ratePlan"]: p["translations"] for p in listed} == {
        "FLEX": {},
        "NONREF": {"es": {"name": "No reembolsable"}},
    }
    cleared = manager.patch("/api/rate-plans/NONREF", {"translations": None}, format="json")
    assert cleared.json()["translations"] == {}
    assert RatePlan.get("NONREF", consistent_read=True).translations is None


def test_an_extras_translations_round_trip_for_staff_and_guests(manager):
    given = {"de": {"name": "Frühstück", "description": "Vom Büfett."}}
    created = manager.post("/api/extras", {**BREAKFAST, "translations": given}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["translations"] == given
    public = APIClient().get("/api/extras").json()["extras"]
    assert [e["translations"] for e in public] == [given]

    put = manager.put("/api/extras/BREAKFAST", {**BREAKFAST, "price": 1600}, format="json")
    assert put.status_code == 200, put.json()
    assert put.json()["translations"] == given and put.json()["price"] == 1600
    patched = manager.patch(
        "/api/extras/BREAKFAST", {"translations": {"de": {"name": "Frühstück"}}}, format="json"
    )
    assert patched.json()["translations"] == {"de": {"name": "Frühstück"}}
    assert Extra.get("BREAKFAST", consistent_read=True).translations == {
        "de": {"name": "Frühstück"}
    }
    entry = audit_for_object(object_type="bookings.extra", object_id="BREAKFAST")[0]
    assert entry.before["translations"] == given
    assert entry.after["translations"] == {"de": {"name": "Frühstück"}}


@pytest.mark.parametrize(
    ("translations", "field"),
    [
        ({"de": {"name": "x" * 81}}, "translations.de.name"),
        ({"de": {"description": "Nur für Gäste."}}, "translations.de.description"),
        ({"it": {"name": "Non rimborsabile"}}, "translations.it"),
        ({"de": ["Nicht erstattbar"]}, "translations.de"),
        ([{"de": "Nicht erstattbar"}], "translations"),
    ],
)
def test_a_bad_plan_translation_is_refused_naming_it(manager, translations, field):
    response = manager.post(
        "/api/rate-plans", {**NONREF, "translations": translations}, format="json"
    )
    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert set(error["details"]["fields"]) == {field}
    assert RatePlan.count() == 0


@pytest.mark.parametrize(
    ("translations", "field"),
    [
        ({"de": {"name": "x" * 121}}, "translations.de.name"),
        ({"fr": {"description": "x" * 1001}}, "translations.fr.description"),
        ({"de": {"name": None, "price": "1"}}, "translations.de.price"),
        ({"es": {"description": 12}}, "translations.es.description"),
    ],
)
def test_a_bad_extra_translation_is_refused_naming_it(manager, translations, field):
    created = manager.post("/api/extras", BREAKFAST, format="json")
    assert created.status_code == 201
    response = manager.patch("/api/extras/BREAKFAST", {"translations": translations}, format="json")
    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert set(error["details"]["fields"]) == {field}
    assert Extra.get("BREAKFAST", consistent_read=True).translations is None
