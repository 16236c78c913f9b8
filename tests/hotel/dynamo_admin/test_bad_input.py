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


def _unsigned(key: dict) -> str:
    """A cursor in the shape page links used to carry (unsigned base64 JSON)."""
    import base64
    import json

    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        _unsigned({"roomId": {"S": 5}}),
        _unsigned({"roomId": {"N": "x"}}),
        _unsigned({"roomId": {"S": "101"}}),
        "A" * 5000,
    ],
)
@pytest.mark.parametrize("path", [LIST, "/admin/bookings/booking/"])
def test_a_hand_made_page_link_shows_the_first_page(admin_client, make_room, path, cursor):
    make_room(roomId="101")

    response = admin_client.get(path, {"cursor": cursor})

    assert response.status_code == 200
    assert b"That page link is not valid" in response.content


def test_a_page_link_from_another_list_shows_the_first_page(admin_client, make_room, monkeypatch):
    from hotel.admin_site import site

    monkeypatch.setattr(site.get_model_admin(Room), "list_per_page", 1)
    for n in range(3):
        make_room(roomId=f"10{n}", status="maintenance")
    cursor = admin_client.get(LIST).context["cl"].next_cursor
    assert cursor

    response = admin_client.get(LIST, {"status": "maintenance", "cursor": cursor})

    assert response.status_code == 200
    assert b"That page link is not valid" in response.content
    assert len(response.context["cl"].results) == 1


# --- dates at the edges of the calendar (date + timedelta would overflow) ------------------------


@pytest.mark.parametrize("start", ["9999-12-31", "9999-12-20", "0001-01-01", "1999-12-31"])
def test_the_room_rack_clamps_a_date_at_the_edge_of_the_calendar(admin_client, make_room, start):
    make_room(roomId="101")

    response = admin_client.get("/admin/rack/", {"start": start})

    assert response.status_code == 200
    assert response.context["start"].year in (2000, 2100)


@pytest.mark.parametrize(
    "period",
    [
        {"start": "9999-12-31", "last": "9999-12-31"},
        {"start": "9999-12-30", "last": "9999-12-31"},
        {"start": "0001-01-01", "last": "0001-01-02"},
        {"start": "2026-01-01", "last": "9999-12-31"},
    ],
)
@pytest.mark.parametrize("page", ["/admin/reports/", "/admin/dashboard/"])
def test_reports_and_dashboard_explain_a_period_at_the_edge_of_the_calendar(
    admin_client, page, period
):
    response = admin_client.get(page, period)

    assert response.status_code == 200
    assert b"Choose a date between 2000-01-01 and 2100-12-31" in response.content


def test_an_export_for_a_period_at_the_edge_of_the_calendar_is_400(admin_client):
    response = admin_client.get(
        "/admin/reports/bookings.csv", {"start": "9999-12-31", "last": "9999-12-31"}
    )

    assert response.status_code == 400


# --- photos: a decompression bomb is refused before anything is written --------------------------


def _png_header(width: int, height: int) -> bytes:
    """A PNG that declares width x height pixels in a few bytes (a decompression bomb)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("size", [(40_000, 40_000), (10_000, 10_000)])
def test_a_decompression_bomb_photo_is_a_field_error_and_nothing_is_saved(
    admin_client, make_room, media, size
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.rooms.test_admin_edit import change_form, change_url

    room = make_room(roomId="101", capacity=2)
    upload = SimpleUploadedFile("bomb.png", _png_header(*size), content_type="image/png")

    response = admin_client.post(
        change_url("101"), {**change_form(room, capacity="4"), "photo": upload}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["photo"] == [
        "The image has too many pixels for a room photo."
    ]
    saved = Room.get("101")
    assert (saved.capacity, saved.version, saved.photos) == (2, room.version, [])
    assert list(media.rglob("*.png")) == []
