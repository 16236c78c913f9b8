"""Promo codes over HTTP (managers only), and the rule that an edit never touches the uses
the bookings count."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from pynamodb.exceptions import TransactWriteError
from rest_framework.test import APIClient

from bookings.clock import hotel_today
from bookings.models import PROMO_ITEM, PromoCode
from bookings.promo_codes import promo_code_update
from bookings.promo_uses import promo_take
from bookings.services import booking_create
from hotel.accounts.services import api_token_issue
from hotel.audit.selectors import audit_for_object
from hotel.dynamo import commit
from hotel.errors import StaleObject

SPRING10 = {"code": "SPRING10", "percent": 10, "maxUses": 1}


@pytest.fixture
def manager(api, make_room):
    make_room(roomId="101", roomType="Deluxe")
    return api.as_role("manager")


def client_as(make_staff, role: str) -> APIClient:
    client = APIClient()
    token = api_token_issue(user=make_staff(role), now=datetime.now(UTC)).token
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def fields_of(response) -> dict:
    assert response.status_code == 400, response.json()
    return response.json()["error"]["details"]["fields"]


def book_with(code: str, n: int = 0):
    now = timezone.now()
    start = hotel_today(now) + timedelta(days=10 + 3 * n)
    return booking_create(
        room_type="Deluxe",
        check_in=start,
        check_out=start + timedelta(days=2),
        guests=1,
        guest_name="Ada Guest",
        guest_email=f"ada{n}@guest.test",
        promo_code=code,
        actor="test",
        now=now,
    ).booking


def test_the_contracts_code_is_created_and_listed_with_its_uses(manager):
    created = manager.post("/api/promo-codes", SPRING10, format="json")

    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["code"], body["percent"], body["amount"], body["maxUses"]) == (
        "SPRING10",
        10,
        None,
        1,
    )
    assert (body["uses"], body["active"], body["ratePlans"]) == (0, True, [])
    listed = manager.get("/api/promo-codes").json()
    assert listed["count"] == 1
    assert [(p["code"], p["uses"]) for p in listed["promoCodes"]] == [("SPRING10", 0)]
    assert manager.get("/api/promo-codes/spring10").json()["code"] == "SPRING10"


def test_a_duplicate_code_is_a_conflict(manager):
    manager.post("/api/promo-codes", SPRING10, format="json")

    response = manager.post("/api/promo-codes", {"code": "spring10", "amount": 500}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "PROMO_CODE_EXISTS"


def test_every_fields_problem_comes_in_one_answer(manager):
    response = manager.post(
        "/api/promo-codes",
        {
            "code": "a!",
            "percent": 150,
            "bookFrom": "2027-05-01",
            "bookTo": "2027-04-01",
            "stayFrom": "soon",
            "ratePlans": ["NOPE"],
            "maxUses": 0,
            "perGuest": 0,
            "active": "maybe",
        },
        format="json",
    )

    assert set(fields_of(response)) == {
        "code",
        "percent",
        "bookTo",
        "stayFrom",
        "ratePlans",
        "maxUses",
        "perGuest",
        "active",
    }


def test_a_code_takes_exactly_one_of_percent_and_amount(manager):
    both = manager.post(
        "/api/promo-codes", {"code": "BOTH", "percent": 10, "amount": 500}, format="json"
    )
    assert set(fields_of(both)) == {"percent", "amount"}
    neither = manager.post("/api/promo-codes", {"code": "NONE"}, format="json")
    assert set(fields_of(neither)) == {"percent"}
    manager.post("/api/promo-codes", SPRING10, format="json")

    switched = manager.patch("/api/promo-codes/SPRING10", {"amount": 5000}, format="json")

    assert switched.status_code == 200, switched.json()
    assert (switched.json()["percent"], switched.json()["amount"]) == (None, 5000)
    cleared = manager.patch("/api/promo-codes/SPRING10", {"amount": None}, format="json")
    assert set(fields_of(cleared)) == {"percent"}


def test_only_managers_see_or_change_codes(manager, make_staff):
    manager.post("/api/promo-codes", SPRING10, format="json")
    clerk = client_as(make_staff, "front_desk")

    assert clerk.get("/api/promo-codes").status_code == 403
    assert clerk.get("/api/promo-codes/SPRING10").status_code == 403
    assert (
        clerk.post("/api/promo-codes", {"code": "X10", "percent": 5}, format="json").status_code
        == 403
    )
    assert (
        clerk.patch("/api/promo-codes/SPRING10", {"percent": 50}, format="json").status_code == 403
    )
    assert clerk.put("/api/promo-codes/SPRING10", {"percent": 50}, format="json").status_code == 403
    assert clerk.delete("/api/promo-codes/SPRING10").status_code == 403
    assert APIClient().get("/api/promo-codes").status_code == 401
    assert manager.get("/api/promo-codes/SPRING10").json()["percent"] == 10


def test_an_edit_keeps_the_uses_bookings_counted(manager):
    manager.post("/api/promo-codes", {"code": "SPRING10", "percent": 10}, format="json")
    booking = book_with("SPRING10")
    assert booking.promoCode == "SPRING10"

    patched = manager.patch(
        "/api/promo-codes/SPRING10", {"maxUses": 5, "description": "Spring"}, format="json"
    )
    replaced = manager.put(
        "/api/promo-codes/SPRING10", {"percent": 20}, format="json", HTTP_IF_MATCH='"2"'
    )

    assert patched.status_code == 200 and patched.json()["uses"] == 1
    assert replaced.status_code == 200, replaced.json()
    body = replaced.json()
    assert (body["uses"], body["percent"], body["maxUses"], body["description"]) == (
        1,
        20,
        None,
        None,
    )
    assert PromoCode.get("SPRING10", PROMO_ITEM).uses == 1


def test_uses_taken_while_the_code_is_edited_are_all_kept(manager):
    manager.post("/api/promo-codes", {"code": "RACE", "percent": 10}, format="json")
    promo = PromoCode.get("RACE", PROMO_ITEM)
    taken, edits = [], []
    start = threading.Barrier(5)

    def take():
        start.wait()
        for _ in range(6):
            try:
                commit(lambda tx: promo_take(tx, promo=promo, guest_email=None))
            except TransactWriteError:  # conflicts that outlasted the retries: not taken
                continue
            taken.append(1)

    def edit():
        start.wait()
        for n in range(8):
            try:
                promo_code_update(
                    code="RACE",
                    data={"description": f"edit {n}", "percent": 10 + n},
                    actor="test",
                    now=datetime.now(UTC),
                )
            except (StaleObject, TransactWriteError):
                continue
            edits.append(n)

    threads = [threading.Thread(target=take) for _ in range(4)] + [threading.Thread(target=edit)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    stored = PromoCode.get("RACE", PROMO_ITEM, consistent_read=True)
    assert taken and edits
    assert stored.uses == len(taken)
    assert stored.percent == 10 + edits[-1]


def test_a_used_code_is_kept_and_an_unused_one_deleted_with_audit(manager):
    manager.post("/api/promo-codes", SPRING10, format="json")
    manager.post("/api/promo-codes", {"code": "USED5", "amount": 500}, format="json")
    book_with("USED5")
    manager.patch("/api/promo-codes/SPRING10", {"maxUses": 3}, format="json")

    in_use = manager.delete("/api/promo-codes/USED5")
    stale = manager.delete("/api/promo-codes/SPRING10", HTTP_IF_MATCH='"1"')
    deleted = manager.delete("/api/promo-codes/SPRING10", HTTP_IF_MATCH='"2"')

    assert in_use.status_code == 409
    assert in_use.json()["error"]["code"] == "PROMO_CODE_IN_USE"
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "STALE_OBJECT"
    assert deleted.status_code == 204
    missing = manager.get("/api/promo-codes/SPRING10")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "PROMO_CODE_NOT_FOUND"
    entries = audit_for_object(object_type="bookings.promocode", object_id="SPRING10")
    assert [e.action for e in entries] == ["delete", "update", "create"]
    assert (entries[1].before["maxUses"], entries[1].after["maxUses"]) == (1, 3)
    assert "uses" not in entries[1].after
    assert all(e.actor.startswith("manager") for e in entries)
