"""The back office in chromium, as each role: dashboard and room rack on a desktop, the
housekeeping board on a phone. Screenshots land in artifacts/screenshots/<test>/.
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from bookings.demo import seed_demo_bookings
from bookings.models import Booking
from hotel.accounts import roles
from payments.folio.demo import demo_settle
from rooms.demo import demo_rooms
from rooms.models import Room
from rooms.services import room_create
from tests.conftest import PASSWORD


@pytest.fixture
def demo_hotel():
    """The demo hotel's 30 rooms (without photos) and its bookings around today."""
    now = timezone.now()
    for data in demo_rooms():
        room_create(data=data, actor="test", now=now)
    seed_demo_bookings(now=now, log=lambda _msg: None, settle=demo_settle)


def sign_in(page, user, landing=r"/admin/dashboard/$"):
    """Open /admin/ as a person would: the login form, then the landing page."""
    page.goto("/admin/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(landing))


@pytest.mark.parametrize("role", [roles.MANAGER, roles.FRONT_DESK, roles.ACCOUNTANT])
def test_dashboard_and_rack_by_role(page, demo_hotel, make_staff, screenshot, role):
    sign_in(page, make_staff(role))  # staff land on the dashboard, not the index
    page.wait_for_selector("#occupancy svg.bo-chart")
    screenshot(page, "02-dashboard")
    today = page.locator("#arrivals h2 .bo-count").inner_text()
    assert re.fullmatch(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} \d{4}", today)
    revenue = page.locator("#revenue")
    assert revenue.count() == (0 if role == roles.FRONT_DESK else 1)
    check_in = page.locator("#arrivals input[value='Check in']")
    assert check_in.count() == (0 if role == roles.ACCOUNTANT else 4)

    page.click(".bo-nav a:has-text('Room rack')")
    page.wait_for_selector(".bo-stay")
    screenshot(page, "03-rack")
    assert page.locator(".bo-stay").count() >= 20
    if role == roles.MANAGER:  # the admin's dark theme, through its own CSS variables
        page.emulate_media(color_scheme="dark")
        screenshot(page, "04-rack-dark")
        page.goto("/admin/dashboard/")
        screenshot(page, "05-dashboard-dark")
    assert page.js_errors == []


def test_the_front_desk_checks_a_guest_in_from_the_dashboard(
    page, demo_hotel, make_staff, screenshot
):
    sign_in(page, make_staff(roles.FRONT_DESK))
    page.goto("/admin/dashboard/")
    # The demo seed varies with the date: an arrival may be given a room whose guest leaves
    # today and has not checked out yet (that check-in is refused, as it should be), so the
    # clerk picks an arrival whose room is free, as they would at 7 am.
    leaving = set(page.locator("#departures tbody tr td:nth-child(2)").all_inner_texts())
    rows = page.locator("#arrivals tbody tr:has(input[value='Check in'])").all()
    row = next(r for r in rows if r.locator("td:nth-child(2)").inner_text() not in leaving)
    guest = row.locator("a").first.inner_text()
    before = Booking.by_status.count("checked-in")

    row.locator("input[value='Check in']").click()

    page.wait_for_selector(".messagelist .success")
    assert f"Checked in: {guest}" in page.locator(".messagelist").inner_text()
    screenshot(page, "01-checked-in")
    assert Booking.by_status.count("checked-in") == before + 1


def test_housekeeping_cleans_a_room_on_a_phone(phone_page, demo_hotel, make_staff, screenshot):
    page = phone_page
    sign_in(page, make_staff(roles.HOUSEKEEPING), landing=r"/admin/housekeeping/$")
    screenshot(page, "02-board")  # room attendants land on their board
    page.goto("/admin/")
    screenshot(page, "01-index")
    tiles = page.locator("#backoffice-module a strong").all_inner_texts()
    assert tiles == ["Housekeeping"]  # the only back-office page of the role

    page.click("#backoffice-module a:has-text('Housekeeping')")
    page.click(".bo-chips a:has-text('Dirty')")
    card = page.locator(".bo-hk > li").first
    room_id = card.get_attribute("id").removeprefix("room-")
    screenshot(page, "03-dirty")

    card.locator("button:has-text('Clean')").click()

    page.wait_for_selector(".messagelist .success")
    screenshot(page, "04-cleaned")
    assert Room.get(room_id).housekeeping == "clean"
    assert page.js_errors == []


def test_the_bookings_list_says_its_preset_and_clears_to_all(
    page, demo_hotel, make_staff, screenshot
):
    sign_in(page, make_staff(roles.FRONT_DESK))
    page.goto("/admin/bookings/booking/")
    banner = page.locator("#active-preset")
    assert "Arrivals today" in banner.inner_text() and "default" in banner.inner_text()
    arrivals = page.locator("#result_list tbody tr").count()
    screenshot(page, "01-arrivals-today")

    page.click("#changelist-filter-extra-actions a")

    page.wait_for_url(re.compile(r"\?all=1$"))
    assert banner.inner_text() == "Showing: All bookings"
    assert page.locator("#result_list tbody tr").count() > arrivals
    days = page.locator("#result_list td.field-checkIn").all_inner_texts()
    assert days and all(
        re.fullmatch(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} \d{4}", d) for d in days
    )
    screenshot(page, "02-all-bookings")
    assert page.js_errors == []
