"""Group blocks in chromium: the desk creates a block, sees its pickup, and the rack and
rates grid show it — on a desktop and a small phone (360 px). Screenshots land in
artifacts/screenshots/<test>/."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from bookings.blocks.models import Block
from bookings.services import booking_create, hotel_today
from hotel.accounts import roles
from rooms.services import room_create
from tests.browser.test_backoffice import sign_in

SMALL_PHONE = {"width": 360, "height": 800}


def _hotel():
    now = timezone.now()
    for n in range(6):
        room_create(
            data={
                "roomId": f"S-{n}",
                "roomType": "Suite",
                "floorNumber": 1,
                "capacity": 3,
                "pricePerNight": 20000,
            },
            actor="test",
            now=now,
        )
    return hotel_today(now)


def test_the_desk_creates_a_block_and_sees_its_pickup(page, make_staff, screenshot):
    today = _hotel()
    sign_in(page, make_staff(roles.FRONT_DESK))
    page.goto("/admin/blocks/")
    page.fill("#id_code", "wed26")
    page.fill("#id_name", "Smith–Jones wedding")
    page.select_option("#id_roomType", "Suite")
    page.fill("#id_start", (today + timedelta(days=3)).isoformat())
    page.fill("#id_end", (today + timedelta(days=5)).isoformat())
    page.fill("#id_unitsPerNight", "4")
    page.fill("#id_rate", "12000")
    page.fill("#id_releaseDate", (today + timedelta(days=1)).isoformat())
    screenshot(page, "01-create")
    page.click("#block-create input[type=submit]")
    page.wait_for_selector(".messagelist")
    assert "Block WED26 holds its rooms." in page.locator(".messagelist").inner_text()
    assert Block.get("WED26").unitsPerNight == 4
    booking_create(
        check_in=today + timedelta(days=3),
        check_out=today + timedelta(days=4),
        guests=2,
        guest_name="Ann Picked",
        guest_email="ann@w.test",
        actor="t",
        now=timezone.now(),
        block_code="WED26",
    )
    page.reload()
    assert "1 of 8 room nights picked" in page.inner_text("#block")
    screenshot(page, "02-block")
    page.goto(f"/admin/rack/?start={(today + timedelta(days=2)).isoformat()}")
    cells = page.locator(".bo-block-row .bo-block-cell")
    assert cells.count() == 2
    assert cells.first.locator("[aria-hidden=true]").inner_text() == "1/4"
    screenshot(page, "03-rack")
    page.goto(f"/admin/rates/?start={(today + timedelta(days=2)).isoformat()}")
    assert page.locator(".bo-rate-block").first.inner_text().startswith("WED26 1/4")
    screenshot(page, "04-rates-grid")
    assert page.js_errors == []


def test_the_block_pages_fit_a_small_phone(browser, live_app, make_staff, screenshot):
    today = _hotel()
    from bookings.blocks.services import block_create

    block_create(
        code="CONF27",
        name="Annual conference of the regional hoteliers' association",
        room_type="Suite",
        start=today + timedelta(days=3),
        end=today + timedelta(days=8),
        units_per_night=3,
        rate=9000,
        release_date=today + timedelta(days=1),
        actor="t",
        now=timezone.now(),
    )
    context = browser.new_context(viewport=SMALL_PHONE, base_url=live_app)
    page = context.new_page()
    try:
        sign_in(page, make_staff(roles.FRONT_DESK))
        for url, step in (
            ("/admin/blocks/", "01-list-360"),
            ("/admin/blocks/block/?code=CONF27", "02-block-360"),
        ):
            page.goto(url)
            screenshot(page, step)
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= SMALL_PHONE["width"] + 1, (url, width)
    finally:
        context.close()
