"""Rate plans and promo codes in the admin: the same services as the API, their field
errors on the form; FLEX listed before it is stored and never deleted."""

from __future__ import annotations

import pytest

from bookings.models import PROMO_ITEM, PromoCode, RatePlan
from bookings.promo_uses import promo_take
from hotel.audit.selectors import audit_for_object
from hotel.dynamo import commit

PLANS = "/admin/bookings/rateplan/"
PROMOS = "/admin/bookings/promocode/"


def plan_form(**overrides) -> dict:
    data = {
        "ratePlan": "NONREF",
        "name": "Non-refundable",
        "description": "",
        "roomTypes": ["Deluxe"],
        "active": "on",
        "channels": ["web", "api", "staff"],
        "adjustment_kind": "percent",
        "adjustment_percent": "-15",
        "adjustment_amount": "",
        "cancellation": "0:0",
        "noShowPercent": "100",
        "payment": "prepay",
        "depositPercent": "",
        "occupancy": "",
        "included": "",
        "sortOrder": "1",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def promo_form(**overrides) -> dict:
    data = {
        "code": "spring10",
        "description": "",
        "kind": "percent",
        "percent": "10",
        "amount": "",
        "bookFrom": "",
        "bookTo": "",
        "stayFrom": "",
        "stayTo": "",
        "maxUses": "5",
        "perGuest": "",
        "active": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture(autouse=True)
def _deluxe(make_room):
    make_room(roomId="101", roomType="Deluxe")


def test_the_list_shows_flex_before_anyone_stored_it(admin_client):
    response = admin_client.get(PLANS)

    assert response.status_code == 200
    assert b"FLEX" in response.content and b"Flexible" in response.content
    page = admin_client.get(PLANS + "FLEX/change/")
    assert page.status_code == 200 and b"deletelink" not in page.content


def test_a_manager_adds_a_plan_and_its_errors_show_on_the_form(admin_client):
    refused = admin_client.post(
        PLANS + "add/",
        plan_form(
            ratePlan="bad code!",
            cancellation="soon",
            payment="deposit",
            occupancy='{"childBands": [{"fromAge": 5, "toAge": 2, "price": 0}]}',
        ),
    )

    assert refused.status_code == 200
    errors = refused.context["form"].errors
    assert {"ratePlan", "cancellation", "depositPercent", "occupancy"} <= set(errors)
    assert not list(RatePlan.scan())

    added = admin_client.post(PLANS + "add/", plan_form())

    assert added.status_code == 302
    plan = RatePlan.get("NONREF")
    assert plan.adjustment == {"kind": "percent", "value": -15}
    assert (plan.cancellation, plan.roomTypes, plan.sortOrder) == ("0:0", ["Deluxe"], 1)
    changed = admin_client.post(
        PLANS + "NONREF/change/",
        plan_form(ratePlan=None, adjustment_kind="fixed", adjustment_amount="-5.00", _version="1"),
    )
    assert changed.status_code == 302
    assert RatePlan.get("NONREF").adjustment == {"kind": "fixed", "value": -500}
    deleted = admin_client.post(PLANS + "NONREF/delete/", {"post": "yes", "_version": "2"})
    assert deleted.status_code == 302
    entries = audit_for_object(object_type="bookings.rateplan", object_id="NONREF")
    assert [e.action for e in entries] == ["delete", "update", "create"]


def test_flex_is_edited_but_not_deactivated_or_deleted(admin_client):
    refused = admin_client.post(
        PLANS + "FLEX/change/",
        plan_form(ratePlan=None, name="Flexible", active=None, _version="0"),
    )
    assert refused.status_code == 200
    assert {"active", "roomTypes"} <= set(refused.context["form"].errors)

    saved = admin_client.post(
        PLANS + "FLEX/change/",
        plan_form(ratePlan=None, name="Flexible rate", roomTypes=[], _version="0"),
    )

    assert saved.status_code == 302
    assert RatePlan.get("FLEX").name == "Flexible rate"
    assert admin_client.get(PLANS + "FLEX/delete/").status_code == 403


def test_the_front_desk_looks_at_plans_but_not_at_promo_codes(admin_client, client_for):
    admin_client.post(PLANS + "add/", plan_form())
    desk = client_for("front_desk")

    assert desk.get(PLANS).status_code == 200
    assert b'name="name"' not in desk.get(PLANS + "NONREF/change/").content
    assert desk.post(PLANS + "add/", plan_form(ratePlan="OTHER")).status_code == 403
    assert desk.get(PROMOS).status_code == 403


def test_a_manager_manages_promo_codes_and_an_edit_keeps_their_uses(admin_client):
    refused = admin_client.post(
        PROMOS + "add/", promo_form(code="x", bookFrom="2027-05-01", bookTo="2027-04-01")
    )
    assert refused.status_code == 200
    assert {"code", "bookTo"} <= set(refused.context["form"].errors)

    assert admin_client.post(PROMOS + "add/", promo_form()).status_code == 302
    promo = PromoCode.get("SPRING10", PROMO_ITEM)
    commit(lambda tx: promo_take(tx, promo=promo, guest_email=None))
    listed = admin_client.get(PROMOS)
    assert b"SPRING10" in listed.content and b"1 of 5" in listed.content

    changed = admin_client.post(
        PROMOS + "SPRING10/change/",
        promo_form(code=None, kind="amount", percent="", amount="20.00", _version="1"),
    )

    assert changed.status_code == 302
    stored = PromoCode.get("SPRING10", PROMO_ITEM)
    assert (stored.percent, stored.amount, stored.uses) == (None, 2000, 1)
    refused_delete = admin_client.post(
        PROMOS + "SPRING10/delete/", {"post": "yes", "_version": "2"}, follow=True
    )
    assert (
        b"PROMO_CODE_IN_USE" in refused_delete.content or b"Deactivate it" in refused_delete.content
    )
    assert PromoCode.get("SPRING10", PROMO_ITEM).uses == 1
