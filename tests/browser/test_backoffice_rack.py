"""The room rack in chromium: room types with their Unassigned lanes, the month view and the
move control, on a desktop (1280 px) and a small phone (360 px). Screenshots land in
artifacts/screenshots/<test>/."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from bookings.models import Booking
from bookings.services import booking_create, hotel_today
from hotel.accounts import roles
from rooms.demo import demo_rooms
from rooms.services import room_create
from tests.browser.test_backoffice import sign_in

SMALL_PHONE = {"width": 360, "height": 800}


@pytest.fixture
def typed_hotel():
    """The demo hotel's rooms and two overlapping bookings of its first type without a room."""
    now = timezone.now()
    rooms = [room_create(data=data, actor="test", now=now) for data in demo_rooms()]
    kind = rooms[0].roomType
    today = hotel_today(now)
    made = [
        booking_create(
            room_type=kind,
            check_in=today + timedelta(days=start),
            check_out=today + timedelta(days=start + nights),
            guests=1,
            guest_name=name,
            guest_email="typed@guest.test",
            actor="test",
            now=now,
        ).booking
        for start, nights, name in ((1, 3, "Una Typed"), (2, 2, "Val Typed"))
    ]
    free = next(r for r in rooms if r.roomType == kind)
    return made, free


def test_the_rack_shows_types_lanes_and_moves_a_stay(page, typed_hotel, make_staff, screenshot):
    (una, _), room = typed_hotel
    sign_in(page, make_staff(roles.FRONT_DESK))
    page.goto("/admin/rack/")
    lane = page.locator(".bo-rack-row.unassigned", has_text="Una Typed")
    assert lane.locator(".bo-stay").count() == 2
    screenshot(page, "01-rack-desktop")

    bar = lane.locator(".bo-stay", has_text="Una Typed")
    bar.locator("summary").click()
    bar.locator("input[name=room_id]").fill(room.roomId)
    screenshot(page, "02-move-open")
    bar.locator("input[type=submit]").click()
    page.wait_for_selector(".messagelist")

    assert f"is in room {room.roomId}, pinned" in page.locator(".messagelist").inner_text()
    assert Booking.get(una.bookingId, consistent_read=True).roomId == room.roomId
    page.goto("/admin/rack/?days=31")
    assert page.locator(".bo-rack-head .bo-rack-day").count() == 31
    screenshot(page, "03-rack-month")
    assert page.js_errors == []


def test_the_rack_scrolls_inside_itself_on_a_small_phone(
    browser, live_app, typed_hotel, make_staff, screenshot
):
    context = browser.new_context(viewport=SMALL_PHONE, base_url=live_app)
    page = context.new_page()
    try:
        sign_in(page, make_staff(roles.FRONT_DESK))
        for days in (14, 31):
            page.goto(f"/admin/rack/?days={days}")
            page.wait_for_selector(".bo-rack-row.unassigned")
            screenshot(page, f"01-rack-360-{days}")
            widths = page.evaluate(
                "() => [document.documentElement.scrollWidth,"
                " document.querySelector('.bo-rack-scroll').scrollWidth,"
                " document.querySelector('.bo-rack-scroll').clientWidth]"
            )
            page_width, rack_width, rack_box = widths
            assert page_width <= SMALL_PHONE["width"] + 1, widths  # no sideways page scroll
            assert rack_width > rack_box  # the rack scrolls inside its box
        assert re.search(r"Unassigned", page.locator(".bo-rack").inner_text())
    finally:
        context.close()
