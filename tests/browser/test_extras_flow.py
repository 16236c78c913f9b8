"""Extras in real chromium, on a 360 px phone and a desktop: the guest chooses breakfast on
the booking form, the pay page asks for rooms and extras together, and the manage page adds
parking before arrival. Nothing scrolls sideways.

Screenshots land in artifacts/screenshots/<test>/.
"""

from __future__ import annotations

import contextlib
import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from bookings.extras.catalog import extra_create
from bookings.models import Booking

from .conftest import DESKTOP, _new_page
from .test_guest_flow import hotel_rooms, serve_media, stay  # noqa: F401  (a fixture)

SMALL_PHONE = {"width": 360, "height": 740}


@pytest.fixture
def catalog():
    now = datetime.now(UTC)
    for data in (
        {
            "code": "BREAKFAST",
            "name": "Breakfast",
            "description": "Buffet breakfast, 7 to 10:30.",
            "price": 45000,
            "unit": "per_person_per_night",
        },
        {
            "code": "PARKING",
            "name": "Parking in the hotel's covered garage",
            "price": 30000,
            "unit": "per_night",
            "dailyStock": 10,
        },
    ):
        extra_create(data=data, actor="test", now=now)


def fits(page, width) -> None:
    """No horizontal scrolling once the page has loaded and laid out (a page still
    rendering after a form's redirect once measured 808 px with no element past 360)."""
    page.wait_for_load_state("load")
    with contextlib.suppress(PlaywrightTimeout):  # then measured and reported below
        page.wait_for_function(
            "w => document.documentElement.scrollWidth <= w", arg=width, timeout=3000
        )
    scroll = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        """w => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > w + 1)
            .slice(0, 5)
            .map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`
                      + ` "${(e.innerText || '').slice(0, 60)}"`)""",
        width,
    )
    assert scroll <= width, (scroll, wide)


@pytest.mark.parametrize("viewport", [SMALL_PHONE, DESKTOP], ids=["phone360", "desktop"])
@pytest.mark.usefixtures("hotel_rooms", "catalog")
def test_a_guest_books_breakfast_and_adds_parking_later(browser, live_app, screenshot, viewport):
    context, page = _new_page(browser, live_app, viewport)
    serve_media(page)
    check_in, check_out = stay()
    page.goto(f"/book/Standard/?check_in={check_in}&check_out={check_out}&adults=2")
    extras = page.get_by_test_id("extras")
    assert "₹450.00 per guest per night" in extras.inner_text()
    fits(page, viewport["width"])
    screenshot(page, "01-book-with-extras")
    page.fill("#id_guest_name", "Ada Lovelace")
    page.fill("#id_guest_email", "ada@guest.test")
    page.fill("#id_extra_BREAKFAST", "2")
    page.get_by_role("button", name=re.compile("Hold this room")).click()
    page.wait_for_url(re.compile(r"/pay$"))
    [booking] = list(Booking.scan())
    due = booking.totalPrice + 4 * 45000
    assert booking.dueNow == due
    assert f"{due // 100:,}.{due % 100:02d}" in page.content()
    fits(page, viewport["width"])
    screenshot(page, "02-pay-rooms-and-extras")

    manage = page.url.rsplit("/pay", 1)[0] + "/"
    page.goto(manage)
    offers = page.get_by_test_id("extra-offers")
    assert "Parking" in offers.inner_text()
    fits(page, viewport["width"])
    screenshot(page, "03-manage-offers")
    page.fill("#add_PARKING", "1")
    offers.locator("li", has_text="Parking").get_by_role("button", name="Add").click()
    page.get_by_text("added to your booking").wait_for()
    assert (
        "Parking in the hotel's covered garage" in page.get_by_test_id("booked-extras").inner_text()
    )
    fits(page, viewport["width"])
    screenshot(page, "04-manage-added")
    assert Booking.get(booking.bookingId).extrasTotal == 4 * 45000 + 2 * 30000
    assert page.js_errors == []
    context.close()
