"""The guest site on a small phone (360 px wide, Debian's fallback fonts) with a long hotel
name: no page scrolls sideways and "Book now" stays on screen. Also: after a bad submit the
keyboard focus lands on the error summary.

Screenshots land in artifacts/screenshots/<test>/.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import translation

from bookings.links import manage_path
from bookings.services import booking_create

from .conftest import DESKTOP, _new_page, page_width
from .test_guest_flow import hotel_rooms, serve_media, stay  # noqa: F401  (a fixture)

SMALL_PHONE = {"width": 360, "height": 740}
LONG_NAME = "The Grand Harbour View Hotel & Spa of Kochi"


@pytest.fixture
def small_phone(browser, live_app):
    context, page = _new_page(browser, live_app, SMALL_PHONE)
    yield page
    context.close()


@pytest.fixture
def long_name(settings):
    settings.HOTEL_NAME = LONG_NAME
    return LONG_NAME


def a_booking() -> str:
    check_in, check_out = stay(offset=40, nights=2)
    created = booking_create(
        room_type="Standard",
        check_in=date.fromisoformat(check_in),
        check_out=date.fromisoformat(check_out),
        guests=2,
        guest_name="Ada Lovelace",
        guest_email="ada@guest.test",
        source="web",
        actor="guest",
        now=datetime.now(UTC),
    )
    return manage_path(booking_id=created.booking.bookingId)


def guest_pages(manage: str) -> dict[str, str]:
    check_in, check_out = stay()
    far = (date.today() + timedelta(days=400)).isoformat()
    far_out = (date.today() + timedelta(days=401)).isoformat()
    dates = f"check_in={check_in}&check_out={check_out}&guests=2"
    return {
        "01-home": "/",
        "02-search-form": "/search",
        "03-results": f"/search?{dates}",
        "04-no-rooms": f"/search?check_in={far}&check_out={far_out}&guests=9",
        "05-book": f"/book/Standard/?{dates}",
        "06-find": "/booking/find",
        "07-manage": manage,
        "08-change": manage.rstrip("/") + "/change",
        "09-cancel": manage.rstrip("/") + "/cancel",
        "10-pay": manage.rstrip("/") + "/pay",
        "11-confirmation": manage.rstrip("/") + "/confirmation",
        "12-not-found": "/no-such-page",
    }


@pytest.mark.usefixtures("hotel_rooms")
@pytest.mark.parametrize("language", ["en", "de"])  # German: the longest words
def test_every_guest_page_fits_a_360px_phone_with_a_long_hotel_name(
    small_phone, live_app, long_name, screenshot, language
):
    page = small_phone
    serve_media(page)
    manage = a_booking()
    prefix = "" if language == "en" else f"/{language}"
    with translation.override(language):
        book_now_name = translation.gettext("Book now")
    for step, url in guest_pages(manage).items():
        page.goto(prefix + url)
        assert page.evaluate("document.documentElement.lang") == language, step
        assert LONG_NAME in page.locator(".brand").inner_text(), step
        widths = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth,"
            " document.documentElement.clientWidth]"
        )
        screenshot(page, step)
        assert widths[0] <= widths[1] == SMALL_PHONE["width"], (step, widths)
        book_now = page.get_by_role("link", name=book_now_name, exact=True)
        assert book_now.is_visible(), step
        switch = page.get_by_test_id("language-switch").bounding_box()
        assert switch["x"] >= 0 and switch["x"] + switch["width"] <= SMALL_PHONE["width"], step
        box = book_now.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= SMALL_PHONE["width"], (step, box)
    assert page.js_errors == []


@pytest.mark.usefixtures("hotel_rooms")
def test_the_header_keeps_one_row_on_a_desktop_with_a_long_hotel_name(
    page, live_app, long_name, screenshot
):
    serve_media(page)
    page.goto("/")
    page.locator(".room-card img").first.wait_for()
    screenshot(page, "01-home")
    brand = page.locator(".brand").bounding_box()
    book_now = page.get_by_role("link", name="Book now").bounding_box()
    assert abs((brand["y"] + brand["height"] / 2) - (book_now["y"] + book_now["height"] / 2)) < 8
    assert page_width(page) <= DESKTOP["width"]


@pytest.mark.usefixtures("hotel_rooms")
def test_after_a_bad_submit_the_focus_is_on_the_error_summary(page, live_app):
    check_in, check_out = stay()
    page.goto(f"/book/Standard/?check_in={check_in}&check_out={check_out}&guests=2")
    page.fill("#id_guest_email", "not-an-email")
    page.get_by_role("button", name=re.compile("Hold this room")).click()
    summary = page.locator("#form-errors")
    summary.wait_for()
    assert page.evaluate("document.activeElement && document.activeElement.id") == "form-errors"
    # A screen reader starts reading at the summary, which says what to fix.
    assert "Please check" in summary.inner_text()

    page.goto("/booking/find")
    page.fill("#id_reference", "BK-20990101-AAAAAAAA")
    page.fill("#id_email", "nobody@guest.test")
    page.get_by_role("button", name="Find my booking").click()
    page.locator("#form-errors").wait_for()
    assert page.evaluate("document.activeElement && document.activeElement.id") == "form-errors"
    assert page.js_errors == []
