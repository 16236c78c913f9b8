"""A family of five in real chromium, on a 360 px phone and a desktop: no room takes five,
so the results offer combinations; "Book these" fills the cart, the cart shows each room's
price and the total, one booker form books both rooms together, and the reservation's page
shows both stays with what to pay. Nothing scrolls sideways.

Screenshots land in artifacts/screenshots/<test>/.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from bookings.models import Booking
from rooms.services import room_create
from tests.hotel.site.pages import dress_type

from .conftest import DESKTOP, _new_page
from .test_extras_flow import SMALL_PHONE, fits
from .test_guest_flow import VISA, enter_card, serve_media, stay


@pytest.fixture
def family_hotel():
    """Two Standard (2 guests, 4,500) and two Deluxe (3 guests, 7,000): nothing for five."""
    now = datetime.now(UTC)
    for room_id, kind, capacity, price in (
        ("R-201", "Standard", 2, 450000),
        ("R-202", "Standard", 2, 450000),
        ("R-301", "Deluxe", 3, 700000),
        ("R-302", "Deluxe", 3, 700000),
    ):
        room_create(
            data={
                "roomId": room_id,
                "roomType": kind,
                "floorNumber": int(room_id[2]),
                "capacity": capacity,
                "pricePerNight": price,
                "amenities": ["WiFi"],
            },
            actor="test",
            now=now,
        )
    dress_type("Standard", beds="1 queen", sizeM2=20, photos=("standard.jpg",))
    dress_type("Deluxe", name="Deluxe sea view", beds="1 king + sofa bed", sizeM2=28,
               photos=("deluxe.jpg",))  # fmt: skip


@pytest.mark.parametrize("viewport", [SMALL_PHONE, DESKTOP], ids=["phone360", "desktop"])
@pytest.mark.usefixtures("family_hotel", "localstripe_webhooks")
def test_a_family_of_five_books_two_rooms_in_one_go(browser, live_app, screenshot, viewport):
    context, page = _new_page(browser, live_app, viewport)
    serve_media(page)
    check_in, check_out = stay()
    page.goto("/search")
    page.fill("#id_check_in", check_in)
    page.fill("#id_check_out", check_out)
    page.fill("#id_adults", "2")
    page.select_option("#id_children", "3")
    for n, age in enumerate(("4", "7", "9"), start=1):
        page.select_option(f"#id_age_{n}", age)
    page.get_by_role("button", name="Check availability").click()
    page.wait_for_url(re.compile(r"/search\?"))
    combos = page.get_by_test_id("combination")
    assert combos.count() >= 2
    assert "No rooms are free" not in page.inner_text("main")
    first = combos.first
    assert "1 × Deluxe sea view + 1 × Standard" in first.inner_text()
    fits(page, viewport["width"])
    screenshot(page, "01-combinations")

    first.get_by_role("button", name="Book these").click()
    page.wait_for_url(re.compile(r"/cart$"))
    lines = page.get_by_test_id("cart-line")
    assert lines.count() == 2
    assert "Room 1: Deluxe sea view" in lines.nth(0).inner_text()
    assert "1 adult, 2 children" in lines.nth(0).inner_text()
    fits(page, viewport["width"])
    screenshot(page, "02-cart")
    page.get_by_label("Full name").fill("Ada Lovelace")
    page.get_by_label("Email").fill("ada@guest.test")
    page.get_by_label("Guest in room 2 (optional)").fill("Byron Lovelace")
    page.get_by_role("button", name=re.compile("Hold these 2 rooms")).click()
    page.wait_for_url(re.compile(r"/reservation/.+/$"))
    stays = page.get_by_test_id("stay")
    assert stays.count() == 2
    reference = page.get_by_test_id("reservation-ref").inner_text()
    bookings = sorted(
        (b for b in Booking.scan() if b.reservationId == reference), key=lambda b: b.roomType
    )
    assert [(b.roomType, b.status) for b in bookings] == [
        ("Deluxe", "pending"),
        ("Standard", "pending"),
    ]
    assert {b.guestName for b in bookings} == {"Ada Lovelace", "Byron Lovelace"}
    total = sum(b.totalPrice for b in bookings)
    assert (
        f"{total // 100:,}.{total % 100:02d}"
        in page.get_by_test_id("reservation-total").inner_text()
    )
    fits(page, viewport["width"])
    screenshot(page, "03-reservation")

    # Each stay is paid on its own pay page (one payment for the reservation: not yet).
    stays.nth(0).get_by_role("link", name=re.compile(r"^Pay ")).click()
    page.wait_for_url(re.compile(r"/booking/.+/pay$"))
    page.locator("#card-element input").first.wait_for()
    assert reference in page.get_by_test_id("reservation-link").inner_text()
    fits(page, viewport["width"])
    screenshot(page, "04-pay-first-room")
    enter_card(page, VISA)
    page.locator("#pay-button").click()
    page.wait_for_url(re.compile(r"/confirmation$"))
    page.get_by_test_id("reservation-link").get_by_role("link").click()
    page.wait_for_url(re.compile(r"/reservation/.+/$"))
    first_stay = page.get_by_test_id("stay").nth(0)
    assert "Confirmed" in first_stay.inner_text()
    assert first_stay.get_by_role("link", name=re.compile(r"^Pay ")).count() == 0
    assert page.get_by_test_id("stay").nth(1).get_by_role("link", name=re.compile(r"^Pay "))
    fits(page, viewport["width"])
    screenshot(page, "05-reservation-one-paid")
    assert page.js_errors == []
    context.close()
