"""Group blocks in the back office (hotel/backoffice/blocks.py): the list and create form,
a block's page with its pickup, release and rooming-list upload, and the pickup shown in
the rack and the rates grid."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bookings.blocks.models import RELEASED, Block
from bookings.blocks.services import block_create
from bookings.models import Booking
from bookings.services import booking_create, hotel_today
from hotel.accounts import roles
from tests.invariants import assert_inventory_consistent


def day(n: int):
    return hotel_today(timezone.now()) + timedelta(days=n)


@pytest.fixture
def block(make_room):
    for n in range(6):
        make_room(roomId=f"S-{n}", roomType="Suite", capacity=3, pricePerNight=20000)
    now = timezone.now()
    made = block_create(
        code="WED26",
        name="Smith wedding",
        room_type="Suite",
        start=day(3),
        end=day(5),
        units_per_night=5,
        rate=12000,
        release_date=day(1),
        actor="t",
        now=now,
    )
    booking_create(
        check_in=day(3),
        check_out=day(4),
        guests=2,
        guest_name="Ann Picked",
        guest_email="ann@w.test",
        actor="t",
        now=now,
        block_code="WED26",
    )
    return made


def test_pickup_shows_in_the_rack_per_night(client_for, block):
    page = client_for(roles.FRONT_DESK).get(f"/admin/rack/?start={day(2).isoformat()}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Block WED26" in text
    assert "Block WED26: 1/5 picked" in text
    assert "Block WED26: 0/5 picked" in text  # the second night


def test_pickup_shows_in_the_rates_grid(client_for, block):
    page = client_for(roles.FRONT_DESK).get(f"/admin/rates/?start={day(2).isoformat()}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Block WED26: 1/5 picked" in text
    assert "WED26 1/5" in text


def test_the_blocks_page_lists_and_creates_blocks(client_for, block):
    desk = client_for(roles.FRONT_DESK)
    listed = desk.get("/admin/blocks/")
    assert listed.status_code == 200
    assert "Smith wedding" in listed.content.decode()
    created = desk.post(
        "/admin/blocks/",
        {
            "code": "conf27",
            "name": "Conference",
            "roomType": "Suite",
            "start": day(10).isoformat(),
            "end": day(12).isoformat(),
            "unitsPerNight": 2,
            "rate": 9000,
            "releaseDate": day(3).isoformat(),
        },
    )
    assert created.status_code == 302, created.content.decode()[:2000]
    assert created["Location"].endswith("?code=CONF27")
    assert Block.get("CONF27").unitsPerNight == 2
    too_many = desk.post(
        "/admin/blocks/",
        {
            "code": "BIG",
            "name": "Too big",
            "roomType": "Suite",
            "start": day(3).isoformat(),
            "end": day(4).isoformat(),
            "unitsPerNight": 3,
            "rate": 9000,
            "releaseDate": day(2).isoformat(),
        },
    )
    assert too_many.status_code == 200
    assert "fewer than 3 free" in too_many.content.decode()
    assert_inventory_consistent()


def test_a_block_page_shows_pickup_and_imports_a_rooming_list(client_for, block):
    desk = client_for(roles.FRONT_DESK)
    page = desk.get("/admin/blocks/block/?code=WED26")
    assert page.status_code == 200
    assert "1 of 10 room nights picked" in page.content.decode()
    bad = SimpleUploadedFile("list.csv", b"guestName,adults\nBo,x\n,1\n", content_type="text/csv")
    refused = desk.post("/admin/blocks/block/?code=WED26", {"action": "rooming", "file": bad})
    text = refused.content.decode()
    assert "Line 2, adults" in text and "Line 3, guestName" in text
    assert len(list(Booking.scan())) == 1
    good = SimpleUploadedFile("list.csv", b"guestName,adults\nBo Two,2\nCy Three,1\n")
    done = desk.post("/admin/blocks/block/?code=WED26", {"action": "rooming", "file": good})
    assert done.status_code == 302
    assert [str(m) for m in get_messages(done.wsgi_request)] == [
        "Imported 2 stay(s) from the rooming list."
    ]
    assert "5 of 10 room nights picked" in desk.get(done["Location"]).content.decode()
    assert_inventory_consistent()


def test_staff_release_a_block_by_hand(client_for, block):
    desk = client_for(roles.FRONT_DESK)
    done = desk.post("/admin/blocks/block/?code=WED26", {"action": "release"})
    assert done.status_code == 302
    assert Block.get("WED26").status == RELEASED
    assert_inventory_consistent()


def test_housekeeping_cannot_open_blocks(client_for, block):
    assert client_for(roles.HOUSEKEEPING).get("/admin/blocks/").status_code == 403


def test_a_block_page_without_a_code_goes_back_to_the_list(client_for, block):
    page = client_for(roles.FRONT_DESK).get("/admin/blocks/block/")
    assert page.status_code == 302
    assert page["Location"] == "/admin/blocks/"


def test_the_block_page_shows_the_block_itself(client_for, block):
    text = client_for(roles.FRONT_DESK).get("/admin/blocks/block/?code=WED26").content.decode()
    assert "Smith wedding" in text
    assert f"Suite · {day(3).isoformat()} → {day(5).isoformat()} · 5 rooms per night" in text
