"""Who may do what in the admin: every role against every page and action."""

from __future__ import annotations

import pytest
from django.test import Client

from hotel.accounts import roles
from rooms.models import Room

MANAGER, FRONT_DESK, HOUSEKEEPING, ACCOUNTANT = (
    roles.MANAGER,
    roles.FRONT_DESK,
    roles.HOUSEKEEPING,
    roles.ACCOUNTANT,
)
ALL = (MANAGER, FRONT_DESK, HOUSEKEEPING, ACCOUNTANT)


def room_post(version: int = 1) -> dict:
    return {
        "roomType": "Deluxe",
        "floorNumber": "1",
        "capacity": "3",
        "status": "available",
        "pricePerNight": "50.00",
        "amenities": "",
        "description": "",
        "_version": str(version),
    }


# (name, method, url, data, expected status per role)
PAGES = [
    ("changelist", "get", "/admin/rooms/room/", None, dict.fromkeys(ALL, 200)),
    ("add form", "get", "/admin/rooms/room/add/", None, {**dict.fromkeys(ALL, 403), MANAGER: 200}),
    (
        "add",
        "post",
        "/admin/rooms/room/add/",
        {**room_post(), "roomId": "999"},
        {**dict.fromkeys(ALL, 403), MANAGER: 302},
    ),
    ("view", "get", "/admin/rooms/room/101/change/", None, dict.fromkeys(ALL, 200)),
    (
        "change",
        "post",
        "/admin/rooms/room/101/change/",
        room_post(),
        {**dict.fromkeys(ALL, 403), MANAGER: 302},
    ),
    (
        "delete form",
        "get",
        "/admin/rooms/room/101/delete/",
        None,
        {**dict.fromkeys(ALL, 403), MANAGER: 200},
    ),
    (
        "delete",
        "post",
        "/admin/rooms/room/101/delete/",
        {"post": "yes", "_version": "1"},
        {**dict.fromkeys(ALL, 403), MANAGER: 302},
    ),
    ("history", "get", "/admin/rooms/room/101/history/", None, dict.fromkeys(ALL, 200)),
    (
        "status action",
        "post",
        "/admin/rooms/room/",
        {"action": "mark_maintenance", "_selected_action": ["101"]},
        {**dict.fromkeys(ALL, 302), ACCOUNTANT: 403},
    ),
    (
        "staff list",
        "get",
        "/admin/accounts/staffuser/",
        None,
        {**dict.fromkeys(ALL, 403), MANAGER: 200},
    ),
    (
        "staff add",
        "get",
        "/admin/accounts/staffuser/add/",
        None,
        {**dict.fromkeys(ALL, 403), MANAGER: 200},
    ),
    (
        "audit log",
        "get",
        "/admin/audit/auditentry/",
        None,
        {**dict.fromkeys(ALL, 403), MANAGER: 200},
    ),
    ("staff app", "get", "/admin/accounts/", None, {**dict.fromkeys(ALL, 404), MANAGER: 200}),
]


@pytest.mark.parametrize("role", ALL)
@pytest.mark.parametrize(
    ("name", "method", "url", "data", "expected"), PAGES, ids=[p[0] for p in PAGES]
)
def test_role_matrix(client_for, make_room, role, name, method, url, data, expected):
    make_room(roomId="101")
    client = client_for(role)

    response = getattr(client, method)(url, data or {})

    assert response.status_code == expected[role]


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/rooms/room/",
        "/admin/rooms/room/add/",
        "/admin/rooms/room/101/change/",
        "/admin/accounts/staffuser/",
        "/admin/audit/auditentry/",
    ],
)
def test_anonymous_users_are_redirected_to_login(make_room, url):
    make_room(roomId="101")

    response = Client().get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_housekeeping_runs_status_actions_but_sees_the_room_read_only(client_for, make_room):
    make_room(roomId="101")
    client = client_for(HOUSEKEEPING)

    listing = client.get("/admin/rooms/room/")
    assert b'value="mark_maintenance"' in listing.content
    assert b"Add room" not in listing.content
    client.post("/admin/rooms/room/", {"action": "mark_maintenance", "_selected_action": ["101"]})
    assert Room.get("101").status == "maintenance"

    page = client.get("/admin/rooms/room/101/change/")
    assert b"View room" in page.content
    assert b'name="_save"' not in page.content
    assert b"deletelink" not in page.content


def test_the_accountant_has_no_actions(client_for, make_room):
    make_room(roomId="101")

    listing = client_for(ACCOUNTANT).get("/admin/rooms/room/")

    assert b'name="action"' not in listing.content
    assert b'name="_selected_action"' not in listing.content


@pytest.mark.parametrize(
    ("role", "visible", "hidden"),
    [
        (MANAGER, [b"/admin/rooms/room/", b"/admin/accounts/staffuser/", b"/admin/audit/"], []),
        (HOUSEKEEPING, [b"/admin/rooms/room/"], [b"/admin/accounts/", b"/admin/audit/"]),
        (ACCOUNTANT, [b"/admin/rooms/room/"], [b"/admin/accounts/", b"/admin/audit/"]),
    ],
)
def test_the_index_lists_only_what_the_role_may_see(client_for, role, visible, hidden):
    response = client_for(role).get("/admin/")

    assert response.status_code == 200
    for url in visible:
        assert url in response.content
    for url in hidden:
        assert url not in response.content
