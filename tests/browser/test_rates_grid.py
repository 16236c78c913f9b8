"""The rates grid in chromium: a manager edits a range in bulk on a desktop (1280 px), and the
grid scrolls inside itself on a small phone (360 px). Screenshots land in
artifacts/screenshots/<test>/."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from bookings.models import RatePlan
from bookings.rate_calendar import rate_calendar_set
from bookings.services import booking_create, hotel_today
from hotel.accounts import roles
from hotel.stamps import stamp_bump
from rooms.demo import demo_rooms
from rooms.room_types import CATALOG
from rooms.services import room_create
from tests.browser.test_backoffice import sign_in

SMALL_PHONE = {"width": 360, "height": 800}


@pytest.fixture
def priced_hotel():
    """The demo hotel's rooms, a non-refundable plan and a booking that takes a unit."""
    now = timezone.now()
    rooms = [room_create(data=data, actor="test", now=now) for data in demo_rooms()]
    RatePlan(
        ratePlan="NONREF",
        name="Non-refundable",
        roomTypes=[],
        active=True,
        channels=["web", "api", "staff"],
        adjustment={"kind": "percent", "value": -15},
        cancellation="0:100",
        payment="prepay",
        sortOrder=1,
        lastUpdated=now,
    ).save()
    stamp_bump(CATALOG)
    today = hotel_today(now)
    booking_create(
        room_type=rooms[0].roomType,
        check_in=today + timedelta(days=2),
        check_out=today + timedelta(days=4),
        guests=1,
        guest_name="Una Grid",
        guest_email="grid@guest.test",
        actor="test",
        now=now,
    )
    return sorted({r.roomType for r in rooms}), today


def test_a_manager_edits_a_range_in_the_grid(page, priced_hotel, make_staff, screenshot):
    kinds, today = priced_hotel
    first = kinds[0]
    sign_in(page, make_staff(roles.MANAGER))
    page.goto("/admin/rates/")
    assert page.locator("table.bo-rates tbody tr").count() == len(kinds)
    assert page.locator("table.bo-rates .bo-rate-price.derived").count() == 14 * len(kinds)
    screenshot(page, "01-grid-desktop")

    start, last = today + timedelta(days=1), today + timedelta(days=5)
    page.check(f"input[name=room_types][value='{first}']")
    page.fill("#id_start", start.isoformat())
    page.fill("#id_last", last.isoformat())
    page.fill("#id_price", "123.00")
    page.fill("#id_min_stay", "2")
    page.select_option("#id_closed_to_arrival", "set")
    screenshot(page, "02-bulk-filled")
    page.click(".bo-bulk input[type=submit]")
    page.wait_for_selector(".messagelist")

    assert "5 days changed" in page.locator(".messagelist").inner_text()
    for n in range(1, 6):
        day = (today + timedelta(days=n)).isoformat()
        cell = page.locator(f"td[data-date='{day}'][data-type='{first}']")
        assert cell.locator(".bo-rate-price:not(.derived)").inner_text() == "123"
        assert cell.locator("abbr", has_text="CTA").count() == 1
        assert cell.locator("abbr", has_text="min 2").count() == 1
    untouched = page.locator(f"td[data-date='{today.isoformat()}'][data-type='{first}']")
    assert untouched.locator(".bo-rate-price.derived").count() == 1
    booked = page.locator(f"td[data-date='{(today + timedelta(days=2)).isoformat()}']")
    assert "left" in booked.first.inner_text()
    screenshot(page, "03-grid-after")

    page.select_option("#rates-plan", "NONREF")
    page.click(".bo-rates-pick input[type=submit]")
    page.wait_for_url("**plan=NONREF**")
    derived = page.locator(f"td[data-date='{start.isoformat()}'][data-type='{first}']")
    assert derived.locator(".bo-rate-price.derived").inner_text() == "104.55"  # 123 − 15 %
    screenshot(page, "04-grid-nonref")
    assert page.js_errors == []


def test_the_grid_scrolls_inside_itself_on_a_small_phone(
    browser, live_app, priced_hotel, make_staff, screenshot
):
    kinds, today = priced_hotel
    rate_calendar_set(
        room_type=kinds[0],
        rate_plan="FLEX",
        start=today,
        end=today + timedelta(days=3),
        fields={"price": 1234500, "closedToArrival": True, "minStay": 3, "stopSell": True},
        actor="test",
        now=timezone.now(),
    )
    context = browser.new_context(viewport=SMALL_PHONE, base_url=live_app)
    page = context.new_page()
    try:
        sign_in(page, make_staff(roles.MANAGER))
        page.goto("/admin/rates/")
        page.wait_for_selector("table.bo-rates")
        screenshot(page, "01-grid-360")
        badges = page.locator(f"td[data-type='{kinds[0]}'] abbr.bo-rate-badge")
        assert badges.count() == 12  # CTA, min 3, stop on 4 days
        cell = page.locator(f"td[data-date='{today.isoformat()}'][data-type='{kinds[0]}']")
        price = cell.locator(".bo-rate-price").bounding_box()
        box = cell.bounding_box()
        assert price["x"] >= box["x"] and price["x"] + price["width"] <= box["x"] + box["width"]
        page_width, grid_width, grid_box = page.evaluate(
            "() => [document.documentElement.scrollWidth,"
            " document.querySelector('.bo-rates-scroll').scrollWidth,"
            " document.querySelector('.bo-rates-scroll').clientWidth]"
        )
        assert page_width <= SMALL_PHONE["width"] + 1  # no sideways page scroll
        assert grid_width > grid_box  # the grid scrolls inside its box
        page.locator(".bo-rates-scroll").evaluate("el => el.scrollLeft = 400")
        page.locator(".bo-rates-scroll").scroll_into_view_if_needed()
        screenshot(page, "02-grid-360-scrolled")
        header = page.locator("tbody .bo-rates-type").first.bounding_box()
        assert header["x"] >= 0  # the type's column stays in view (sticky)
    finally:
        context.close()
