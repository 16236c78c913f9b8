"""Whatever arrives in the URL or a form, the admin answers with a page, never a 500."""

from __future__ import annotations

import pytest
from django.contrib.admin.utils import quote

from rooms.models import Room

LIST = "/admin/rooms/room/"


@pytest.mark.parametrize(
    "params",
    [
        {"floorNumber": "sNaN"},
        {"floorNumber": "Infinity"},
        {"floorNumber": "1e400"},
        {"floorNumber": "1.5"},
        {"roomType": ""},
        {"q": "x" * 5000},
        {"q": "\x00"},
        {"q": "ü∂ 🛏"},
        {"cursor": "🛏"},
        {"unknown": "param"},
    ],
)
def test_odd_list_parameters_render_a_page(admin_client, make_room, params):
    make_room(roomId="101")

    response = admin_client.get(LIST, params)

    assert response.status_code == 200


@pytest.mark.parametrize("object_id", ["x" * 3000, "%00", "a/b/c", "_ZZ", "ü" * 700, "101%2F..%2F"])
def test_odd_object_ids_redirect_with_a_message(admin_client, object_id):
    for view in ("change", "delete", "history"):
        response = admin_client.get(f"{LIST}{object_id}/{view}/")
        assert response.status_code == 302


def test_odd_selected_ids_for_an_action_change_nothing(admin_client, make_room):
    make_room(roomId="101")

    response = admin_client.post(
        LIST, {"action": "mark_maintenance", "_selected_action": ["x" * 3000, "", "NOPE"]}
    )

    assert response.status_code == 302
    assert Room.get("101").status == "available"


def test_huge_numbers_are_form_errors(admin_client, make_room):
    room = make_room(roomId="101")

    response = admin_client.post(
        f"{LIST}101/change/",
        {
            "roomType": "Deluxe",
            "floorNumber": "9" * 60,
            "capacity": "2",
            "status": "available",
            "pricePerNight": "9" * 40,
            "_version": str(room.version),
        },
    )

    assert response.status_code == 200
    assert {"floorNumber", "pricePerNight"} <= set(response.context["form"].errors)


def test_a_tampered_version_is_a_form_error(admin_client, make_room):
    make_room(roomId="101")

    response = admin_client.post(
        f"{LIST}101/change/",
        {
            "roomType": "Deluxe",
            "floorNumber": "1",
            "capacity": "2",
            "status": "available",
            "pricePerNight": "50",
            "_version": "abc",
        },
    )

    assert response.status_code == 200
    assert Room.get("101").version == 1


def test_delete_with_a_tampered_version_deletes_nothing(admin_client, make_room):
    make_room(roomId="101")

    response = admin_client.post(f"{LIST}101/delete/", {"post": "yes", "_version": "x"})

    assert response.status_code == 302
    assert Room.count() == 1


def test_staff_pages_work_for_emails_that_need_quoting(admin_client, make_staff):
    user = make_staff("front_desk", email="front_desk.one+night@hotel.test")
    base = f"/admin/accounts/staffuser/{quote(user.email)}"

    listing = admin_client.get("/admin/accounts/staffuser/")

    assert f'href="{base}/change/"'.encode() in listing.content
    for view in ("change", "password", "history"):
        assert admin_client.get(f"{base}/{view}/").status_code == 200, view
