"""Guest profiles in chromium: the returning VIP on the arrivals list, the one search box,
the profile page; on a desktop and at 360 px. Screenshots in artifacts/screenshots/<test>/."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from bookings.guests.models import GuestProfile
from bookings.models import Booking
from bookings.services import hotel_today
from hotel.accounts import roles
from tests.browser.conftest import _new_page
from tests.browser.test_backoffice import sign_in
from tests.factories import booking_made


@pytest.fixture
def returning_arrival(make_room):
    make_room(roomId="101", capacity=2)
    now = timezone.now()
    today = hotel_today(now)
    booking = booking_made(
        room_id="101",
        check_in=today,
        check_out=today + timedelta(days=2),
        now=now,
        to=["confirmed"],
        guest_name="Zoë Saint-Éxupéry",
        guest_email="zoe@guest.test",
    )
    profile = GuestProfile.get(Booking.get(booking.bookingId).profileId)
    profile.update(
        actions=[
            GuestProfile.stays.set(3),
            GuestProfile.vip.set(True),
            GuestProfile.notes.set("allergic to feathers"),
            GuestProfile.preferences.set(["high floor"]),
        ]
    )
    return booking


@pytest.mark.parametrize("width", [1280, 360])
def test_returning_guest_on_arrivals_search_and_profile(
    browser, live_app, make_staff, returning_arrival, screenshot, width
):
    context, page = _new_page(browser, live_app, {"width": width, "height": 900})
    try:
        sign_in(page, make_staff(roles.FRONT_DESK))
        badge = page.locator("#arrivals [data-testid=guest-badge]")
        assert "Returning guest — 3 stays" in badge.inner_text()
        assert "allergic to feathers" in badge.inner_text()
        screenshot(page, f"01-arrivals-{width}")

        page.fill("#guest-search", "exup")
        page.click(".bo-search input[type=submit]")
        page.wait_for_selector("#guest-results")
        assert "Zoë Saint-Éxupéry" in page.locator("#guest-results").inner_text()
        screenshot(page, f"02-search-{width}")

        page.click("#guest-results a:has-text('Zoë')")
        page.wait_for_selector("#guest-profile")
        assert "Returning guest — 3 stays" in page.locator("[data-testid=history]").inner_text()
        screenshot(page, f"03-profile-{width}")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the page overflows by {overflow}px at {width}px"
        assert page.js_errors == []
    finally:
        context.close()
