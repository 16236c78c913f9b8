"""A guest's data in the admin, in chromium: the booking page's "Guest data" panel exports
the JSON and (for a manager) leads to the erase page, which asks for the reason and the
confirmation; after it, the booking page shows "Erased guest". Desktop and 360 px.
Screenshots land in artifacts/screenshots/<test>/.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from bookings.guests.models import GuestProfile
from bookings.models import Booking
from bookings.services import booking_create, booking_transition, hotel_today
from hotel.accounts import roles
from tests.browser.test_backoffice import sign_in

NAME, EMAIL = "Ada Lovelace", "ada.lovelace@guest.test"
OVERFLOWS = "document.documentElement.scrollWidth > window.innerWidth + 1"


@pytest.fixture
def cancelled_stay(make_room):
    make_room(roomId="101", roomType="Deluxe", capacity=2, pricePerNight=10000)
    now = timezone.now()
    check_in = hotel_today(now) + timedelta(days=3)
    booking = booking_create(
        room_id="101",
        check_in=check_in,
        check_out=check_in + timedelta(days=2),
        guests=2,
        guest_name=NAME,
        guest_email=EMAIL,
        actor="test",
        now=now,
    ).booking
    booking_transition(booking_id=booking.bookingId, to_status="cancelled", actor="t", now=now)
    GuestProfile(
        profileId="GP-BROWSER001",
        name=NAME,
        email=EMAIL,
        bookingIds=[booking.bookingId],
        createdAt=now,
        updatedAt=now,
    ).save()
    Booking.get(booking.bookingId).update(actions=[Booking.profileId.set("GP-BROWSER001")])
    return booking


@pytest.mark.parametrize("width", [1280, 360])
def test_a_manager_exports_then_erases_a_guest(page, make_staff, screenshot, cancelled_stay, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, make_staff(roles.MANAGER))
    page.goto(f"/admin/bookings/booking/{cancelled_stay.bookingId}/change/")
    panel = page.locator("#guest-data")
    panel.scroll_into_view_if_needed()
    screenshot(page, f"01-panel-{width}")

    with page.expect_download() as download:
        panel.get_by_text("Export guest data (JSON)").click()
    document = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert document["profile"]["email"] == EMAIL

    panel.get_by_text("Erase guest data…").click()
    page.wait_for_selector("#guest-erase form")
    screenshot(page, f"02-confirm-{width}")
    assert not page.evaluate(OVERFLOWS)
    page.fill("#erase-reason", "The guest asked by email")
    page.check("#guest-erase input[name=confirm]")
    page.click("#guest-erase input[type=submit]")

    page.wait_for_selector(".messagelist .success")
    assert "Guest data erased" in page.locator("#guest-erase").inner_text()
    screenshot(page, f"03-erased-{width}")
    page.goto(f"/admin/bookings/booking/{cancelled_stay.bookingId}/change/")
    assert NAME not in page.content() and EMAIL not in page.content()
    assert "Erased guest" in page.content()
    screenshot(page, f"04-booking-{width}")
    assert page.js_errors == []
