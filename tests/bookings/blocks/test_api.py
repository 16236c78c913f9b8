"""Group blocks over HTTP: staff create, read, edit and release them and import rooming
lists; guests book from a block with its code. API views use the real clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from bookings.clock import hotel_today
from bookings.models import CONFIRMED, Booking
from tests.invariants import assert_inventory_consistent


@pytest.fixture
def first_night():
    return hotel_today(timezone.now()) + timedelta(days=40)


@pytest.fixture
def desk(api, make_room):
    for n in range(6):
        make_room(roomId=f"S-{n}", roomType="Suite", capacity=3, pricePerNight=20000)
    return api.as_role("front_desk")


def block_body(first, **over):
    body = {
        "code": "wed26",
        "name": "Smith wedding",
        "roomType": "Suite",
        "start": first.isoformat(),
        "end": (first + timedelta(days=2)).isoformat(),
        "unitsPerNight": 3,
        "rate": 15000,
        "releaseDate": (first - timedelta(days=10)).isoformat(),
    }
    body.update(over)
    return body


def test_staff_create_read_list_and_edit_a_block(desk, first_night):
    made = desk.post("/api/blocks", block_body(first_night), format="json")
    assert made.status_code == 201, made.content
    assert made.json()["code"] == "WED26"
    assert [n["units"] for n in made.json()["nights"]] == [3, 3]
    assert made["Location"].endswith("/api/blocks/WED26")
    listed = desk.get("/api/blocks").json()
    assert [b["code"] for b in listed["blocks"]] == ["WED26"]
    edited = desk.patch("/api/blocks/wed26", {"rate": 14000, "name": "S&J"}, format="json")
    assert edited.status_code == 200, edited.content
    assert (edited.json()["rate"], edited.json()["name"]) == (14000, "S&J")
    assert desk.get("/api/blocks/NOPE").json()["error"]["code"] == "BLOCK_NOT_FOUND"


def test_bad_block_input_names_every_field(desk, first_night):
    body = block_body(first_night, unitsPerNight=0, rate="x", code="")
    bad = desk.post("/api/blocks", body, format="json")
    assert bad.status_code == 400
    assert set(bad.json()["error"]["details"]["fields"]) >= {"unitsPerNight", "rate", "code"}


def test_a_block_whose_units_are_not_free_is_refused_with_the_nights(desk, first_night):
    too_many = desk.post("/api/blocks", block_body(first_night, unitsPerNight=7), format="json")
    assert too_many.status_code == 409
    error = too_many.json()["error"]
    assert error["code"] == "BLOCK_UNITS_UNAVAILABLE"
    assert [n["free"] for n in error["details"]["nights"]] == [6, 6]


def test_a_guest_books_from_the_block_with_its_code(desk, first_night, api):
    desk.post("/api/blocks", block_body(first_night), format="json")
    guest = type(api)()
    booked = guest.post(
        "/api/bookings",
        {
            "blockCode": "WED26",
            "checkIn": first_night.isoformat(),
            "checkOut": (first_night + timedelta(days=2)).isoformat(),
            "adults": 2,
            "guestName": "Ada Guest",
            "guestEmail": "ada@guest.test",
        },
        format="json",
    )
    assert booked.status_code == 201, booked.content
    assert booked.json()["blockCode"] == "WED26"
    assert booked.json()["roomType"] == "Suite"
    assert [n["amount"] for n in booked.json()["nightly"]] == [15000, 15000]
    assert [n["picked"] for n in desk.get("/api/blocks/WED26").json()["nights"]] == [1, 1]
    assert_inventory_consistent()


def test_release_by_hand_is_idempotent(desk, first_night):
    desk.post("/api/blocks", block_body(first_night), format="json")
    first = desk.post("/api/blocks/WED26/release")
    assert first.status_code == 200, first.content
    assert (first.json()["status"], first.json()["nightsReleased"]) == ("released", 2)
    again = desk.post("/api/blocks/WED26/release")
    assert (again.json()["status"], again.json()["nightsReleased"]) == ("released", 0)
    assert_inventory_consistent()


def _csv(first, rows):
    out = ["guestName,email,phone,checkIn,checkOut,adults,childrenAges,notes"]
    out += rows
    return "\n".join(out) + "\n"


def test_a_rooming_list_with_bad_lines_answers_every_line_and_creates_nothing(desk, first_night):
    desk.post("/api/blocks", block_body(first_night), format="json")
    a, b = first_night.isoformat(), (first_night + timedelta(days=2)).isoformat()
    text = _csv(
        first_night,
        [
            f"Ann One,ann@x.test,,{a},{b},2,,",
            f",bad-email,,{a},{b},2,,",  # line 3: no name, bad email
            f"Cy Three,cy@x.test,,2020-01-01,{b},9,4;x,",  # line 4: date, adults, ages
        ],
    )
    refused = desk.post("/api/blocks/WED26/rooming-list", text, content_type="text/csv")
    assert refused.status_code == 400, refused.content
    lines = refused.json()["error"]["details"]["lines"]
    assert {(p["line"], p["field"]) for p in lines} == {
        (3, "guestName"),
        (3, "email"),
        (4, "checkIn"),
        (4, "adults"),
        (4, "childrenAges"),
    }
    assert not list(Booking.scan())
    assert [n["picked"] for n in desk.get("/api/blocks/WED26").json()["nights"]] == [0, 0]


def test_a_rooming_list_over_the_block_names_the_line_that_does_not_fit(desk, first_night):
    desk.post("/api/blocks", block_body(first_night, unitsPerNight=1), format="json")
    text = _csv(first_night, ["Ann One,,,,,1,,", "Bo Two,,,,,1,,"])
    refused = desk.post("/api/blocks/WED26/rooming-list", text, content_type="text/csv")
    assert refused.status_code == 400
    assert [(p["line"], p["field"]) for p in refused.json()["error"]["details"]["lines"]] == [
        (3, "checkIn")
    ]
    assert not list(Booking.scan())


def test_a_good_rooming_list_creates_every_stay_confirmed(desk, first_night):
    desk.post("/api/blocks", block_body(first_night), format="json")
    a = first_night.isoformat()
    b = (first_night + timedelta(days=1)).isoformat()
    text = _csv(
        first_night,
        ["Ann One,ann@x.test,,,,2,,", f"Bo Two,,+44 20 7946 0000,{a},{b},1,5;8,cot", "Cy,,,,,1,,"],
    )
    upload = desk.post("/api/blocks/WED26/rooming-list", text, content_type="text/csv")
    assert upload.status_code == 201, upload.content
    assert upload.json()["count"] == 3
    stays = [Booking.get(i) for i in upload.json()["bookingIds"]]
    assert {s.status for s in stays} == {CONFIRMED}
    assert {s.blockCode for s in stays} == {"WED26"}
    assert sorted(s.guestName for s in stays) == ["Ann One", "Bo Two", "Cy"]
    assert [n["picked"] for n in desk.get("/api/blocks/WED26").json()["nights"]] == [3, 2]
    assert_inventory_consistent()


def test_a_rooming_list_uploads_as_a_multipart_file(desk, first_night):
    from django.core.files.uploadedfile import SimpleUploadedFile

    desk.post("/api/blocks", block_body(first_night), format="json")
    upload = SimpleUploadedFile("list.csv", b"guestName\nAnn One\n", content_type="text/csv")
    made = desk.post("/api/blocks/WED26/rooming-list", {"file": upload}, format="multipart")
    assert made.status_code == 201, made.content
    assert made.json()["count"] == 1


def test_blocks_are_for_front_desk_and_managers(api, make_staff, first_night):
    assert api.get("/api/blocks").status_code == 401
    accountant = api.as_role("accountant")
    assert accountant.get("/api/blocks").status_code == 403
