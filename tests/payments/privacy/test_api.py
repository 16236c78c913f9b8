"""`GET /api/guests/{id}/export` and `POST /api/guests/{id}/erase`, and the back office's
erase page: who may, the answers, the refusals' shape."""

from __future__ import annotations

import pytest

from bookings.guests.models import GuestProfile
from hotel.accounts import roles
from hotel.audit.selectors import audit_for_object

from .conftest import EMAIL, NAME, PROFILE_ID, _book, _move, traces


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (roles.MANAGER, 200),
        (roles.FRONT_DESK, 200),
        (roles.ACCOUNTANT, 403),
        (roles.HOUSEKEEPING, 403),
    ],
)
def test_export_is_for_the_desk_and_managers(guest_world, api, role, status):
    response = api.as_role(role).get(f"/api/guests/{PROFILE_ID}/export")

    assert response.status_code == status
    if status == 200:
        assert response.json()["profile"]["name"] == NAME


@pytest.mark.parametrize("role", [roles.FRONT_DESK, roles.ACCOUNTANT, roles.HOUSEKEEPING])
def test_only_managers_erase(guest_world, api, role):
    response = api.as_role(role).post(
        f"/api/guests/{PROFILE_ID}/erase", {"reason": "asked"}, format="json"
    )

    assert response.status_code == 403
    assert GuestProfile.get(PROFILE_ID).name == NAME


def test_anonymous_callers_get_401(guest_world, api):
    assert api.get(f"/api/guests/{PROFILE_ID}/export").status_code == 401
    assert (
        api.post(f"/api/guests/{PROFILE_ID}/erase", {"reason": "x"}, format="json").status_code
        == 401
    )


def test_a_manager_erases_with_a_reason_and_a_repeat_answers_the_same(guest_world, api):
    manager = api.as_role(roles.MANAGER)

    missing = manager.post(f"/api/guests/{PROFILE_ID}/erase", {}, format="json")
    first = manager.post(
        f"/api/guests/{PROFILE_ID}/erase", {"reason": "Email of 1 Dec"}, format="json"
    )
    again = manager.post(f"/api/guests/{PROFILE_ID}/erase", {"reason": "again"}, format="json")

    assert missing.status_code == 400 and "reason" in missing.json()["error"]["details"]["fields"]
    assert first.status_code == 200 and first.json()["alreadyErased"] is False
    assert first.json()["invoicesKept"] == [guest_world.invoice_number]
    assert again.status_code == 200 and again.json()["alreadyErased"] is True
    assert set(traces(NAME, EMAIL)) == {"Invoice"}
    assert (
        manager.get(f"/api/guests/{PROFILE_ID}/export").json()["profile"]["name"] == "Erased guest"
    )


def test_erasure_in_house_answers_409_with_its_code(guest_world, api):
    in_house = _move(_book("R-2", start=10), "confirmed", "checked-in")

    response = api.as_role(roles.MANAGER).post(
        f"/api/guests/{PROFILE_ID}/erase", {"reason": "asked"}, format="json"
    )

    error = response.json()["error"]
    assert response.status_code == 409 and error["code"] == "GUEST_IN_HOUSE"
    assert error["details"]["bookingId"] == in_house.bookingId


def test_an_unknown_guest_is_404(api):
    response = api.as_role(roles.MANAGER).get("/api/guests/GP-NOPE/export")

    assert response.status_code == 404 and response.json()["error"]["code"] == "GUEST_NOT_FOUND"


def test_the_erase_page_asks_for_a_reason_and_the_confirmation(guest_world, client_for):
    manager = client_for(roles.MANAGER)
    url = f"/admin/guests/{PROFILE_ID}/erase/"

    page = manager.get(url)
    unconfirmed = manager.post(url, {"reason": "asked"})
    assert GuestProfile.get(PROFILE_ID).erasedAt is None
    done = manager.post(url, {"reason": "Asked at the desk", "confirm": "yes"}, follow=True)

    assert page.status_code == 200 and NAME.encode() in page.content
    assert b"Invoices are legal records" in page.content
    assert unconfirmed.status_code == 302
    assert b"Guest data erased" in done.content and NAME.encode() not in done.content
    [entry] = [
        e
        for e in audit_for_object(object_type="guests.profile", object_id=PROFILE_ID)
        if e.action == "erase"
    ]
    assert entry.after["reason"] == "Asked at the desk"
    assert client_for(roles.FRONT_DESK).get(url).status_code == 403
