"""OTA channels in chromium: a manager registers an Airbnb calendar served by a local HTTP
server, syncs it now, and finds the imported stay on the room rack — on a desktop and a small
phone (360 px). Screenshots land in artifacts/screenshots/<test>/."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bookings.channels.models import ChannelEvent
from bookings.channels.selectors import channels_list
from bookings.models import Booking
from bookings.services import booking_create, hotel_today
from hotel.accounts import roles
from rooms.services import room_create
from tests.bookings.channels.conftest import CalendarServer, ics
from tests.browser.test_backoffice import sign_in

SMALL_PHONE = {"width": 360, "height": 800}
NAME = "Airbnb – garden flat"


@pytest.fixture
def feeds():
    server = CalendarServer()
    yield server
    server.close()


def _hotel():
    now = timezone.now()
    for room_id in ("D-1", "D-2"):
        room_create(
            data={
                "roomId": room_id,
                "roomType": "Deluxe",
                "floorNumber": 1,
                "capacity": 2,
                "pricePerNight": 12000,
            },
            actor="test",
            now=now,
        )
    return hotel_today(now)


def test_a_manager_registers_a_calendar_syncs_it_and_sees_the_stay_on_the_rack(
    page, feeds, make_staff, screenshot
):
    _hotel()
    url = feeds.put("/airbnb.ics", ics(("ota-1@airbnb.com", 3, 2, "Reserved")))
    sign_in(page, make_staff(roles.MANAGER))
    page.click(".bo-nav a:has-text('Channels')")
    page.fill("#id_name", NAME)
    page.fill("#id_url", url)
    page.select_option("#id_roomType", "Deluxe")
    screenshot(page, "01-register")
    page.click("#channel-register input[type=submit]")
    page.wait_for_selector(".messagelist")
    assert "is registered" in page.locator(".messagelist").inner_text()
    [channel] = channels_list()
    assert channel.kind == "airbnb"  # guessed from the name

    page.click("#channel input[value='Sync now']")
    page.wait_for_selector("#channel-events table")
    assert "Synchronised: 1 created, 0 moved, 0 released" in page.inner_text(".messagelist")
    [event] = ChannelEvent.query(channel.channelId)
    row = page.locator("#channel-events tbody tr")
    assert row.count() == 1 and "Reserved" in row.inner_text()
    assert row.locator(f"a:has-text('{event.bookingId}')").count() == 1
    screenshot(page, "02-synced")

    page.click(".bo-nav a:has-text('Room rack')")
    lane = page.locator(".bo-rack-row.unassigned", has_text=f"{NAME}: Reserved")
    bar = lane.locator(".bo-stay", has_text=f"{NAME}: Reserved")
    expect(bar).to_have_count(1)  # the click does not wait for the rack to load
    screenshot(page, "03-rack-unassigned")
    # The desk places it like any booking: the rack's move control, into a room.
    bar.locator("summary").click()
    bar.locator("input[name=room_id]").fill("D-1")
    bar.locator("input[type=submit]").click()
    page.wait_for_selector(".messagelist")
    assert Booking.get(event.bookingId, consistent_read=True).roomId == "D-1"
    room_row = page.locator(".bo-rack-row:not(.unassigned)", has_text="D-1")
    assert room_row.locator(".bo-stay", has_text=f"{NAME}: Reserved").count() == 1
    screenshot(page, "04-rack-in-room")

    page.goto("/admin/channels/")
    assert page.locator(".bo-channels tbody tr").count() == 1
    assert "1 created · 0 moved" in page.inner_text(".bo-channels")
    screenshot(page, "05-list")
    assert page.js_errors == []


def test_the_channel_pages_fit_a_small_phone(browser, live_app, feeds, make_staff, screenshot):
    today = _hotel()
    for n in (1, 2):  # every Deluxe taken: the first Airbnb stay is sold twice
        booking_create(
            room_type="Deluxe",
            check_in=today + timedelta(days=4),
            check_out=today + timedelta(days=6),
            guests=1,
            guest_name=f"Web Guest {n}",
            guest_email=f"web{n}@guest.test",
            actor="guest",
            now=timezone.now(),
        )
    url = feeds.put(
        "/airbnb.ics",
        ics(("ota-1@airbnb.com", 4, 2, "Reserved"), ("ota-2@airbnb.com", 9, 3, "Reserved"),
            ("ota-3@airbnb.com", 20, 5, "Airbnb (Not available)")),
    )  # fmt: skip
    broken = feeds.put("/vrbo.ics", "<html>Sign in</html>", content_type="text/html")
    context = browser.new_context(viewport=SMALL_PHONE, base_url=live_app)
    page = context.new_page()
    try:
        sign_in(page, make_staff(roles.MANAGER))
        for name, link in ((NAME, url), ("Vrbo – the loft with a very long name indeed", broken)):
            page.goto("/admin/channels/")
            page.fill("#id_name", name)
            page.fill("#id_url", link)
            page.click("#channel-register input[type=submit]")
            page.click("#channel input[value='Sync now']")
            page.wait_for_selector(".messagelist")
        page.goto("/admin/channels/")
        page.fill("#id_name", "")
        page.fill("#id_url", "ftp://calendar.test/x.ics")
        page.click("#channel-register input[type=submit]")
        # the click does not wait for the answer: wait for the re-rendered form, then count
        expect(page.locator("#channel-register .errorlist")).to_have_count(2)
        screenshot(page, "01-list-360")
        airbnb = next(c for c in channels_list() if c.name == NAME)
        for address, step in (
            (f"/admin/channels/channel/?id={airbnb.channelId}", "02-channel-360"),
            ("/admin/dashboard/", "03-dashboard-360"),
        ):
            page.goto(address)
            screenshot(page, step)
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= SMALL_PHONE["width"] + 1, (address, width)
        assert page.locator("[data-testid=channel-conflict]").count() == 1
        assert page.locator("[data-testid=channel-failure]").count() == 1
        page.goto("/admin/channels/")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= SMALL_PHONE["width"] + 1, width
    finally:
        context.close()
