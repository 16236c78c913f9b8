"""A family of five in real chromium, on a 360 px phone and a desktop: no room takes five,
so the results offer combinations; "Book these" fills the cart, the cart shows each room's
price and the total, one booker form books both rooms together, the reservation's page
shows both stays, and one card payment there confirms both. Nothing scrolls sideways.

Screenshots land in artifacts/screenshots/<test>/.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from bookings.models import Booking
from bookings.reservations.services import reservation_create
from hotel.site.common import reservation_path
from payments.models import Payment
from rooms.services import room_create
from tests.hotel.site.pages import dress_type

from .conftest import DESKTOP, _new_page
from .test_extras_flow import SMALL_PHONE, fits
from .test_guest_flow import THREE_D_SECURE, VISA, enter_card, serve_media, stay, wait_for


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

    # One payment for both rooms, from the reservation's page.
    form = page.get_by_test_id("reservation-pay")
    assert "Pay for 2 rooms at once" in form.inner_text()
    assert page.get_by_role("link", name=re.compile(r"^Pay this room alone")).count() == 0
    page.locator("#card-element input").first.wait_for()
    enter_card(page, VISA)
    fits(page, viewport["width"])
    screenshot(page, "04-pay-both-rooms")
    page.get_by_role("button", name=f"Pay ₹{total // 100:,}.{total % 100:02d}").click()
    page.get_by_role("heading", name="Your rooms are booked").wait_for()
    stays = page.get_by_test_id("stay")
    assert all("Confirmed" in stays.nth(n).inner_text() for n in range(2))
    assert page.get_by_test_id("reservation-pay").count() == 0
    for booking in bookings:  # one payment each, taken by the one form
        fresh = Booking.get(booking.bookingId, consistent_read=True)
        (payment,) = Payment.by_booking.query(booking.bookingId)
        assert (fresh.status, payment.status, payment.amount) == (
            "confirmed", "completed", booking.totalPrice,
        )  # fmt: skip
    fits(page, viewport["width"])
    screenshot(page, "05-reservation-paid")
    assert page.js_errors == []
    context.close()


@pytest.mark.usefixtures("family_hotel", "localstripe_webhooks")
def test_a_3d_secure_card_is_checked_for_each_room_and_pays_both(browser, live_app, screenshot):
    """The bank asks for 3-D Secure on every charge: the page checks the first room, waits
    for the webhook to confirm it, then pays the second (another check) — one click."""
    check_in, check_out = stay()
    created = reservation_create(
        booker={"name": "Ada Lovelace", "email": "ada@guest.test"},
        stays=[
            {
                "roomType": kind,
                "adults": 2,
                "checkIn": date.fromisoformat(check_in),
                "checkOut": date.fromisoformat(check_out),
            }
            for kind in ("Deluxe", "Standard")
        ],  # fmt: skip
        source="web",
        actor="test",
        now=datetime.now(UTC),
    )
    ids = created.reservation.bookingIds
    context, page = _new_page(browser, live_app, DESKTOP)
    page.goto(reservation_path(created.reservation.reservationId))
    page.locator("#card-element input").first.wait_for()
    enter_card(page, THREE_D_SECURE)
    page.locator("#pay-button").click()
    for n, booking_id in enumerate(ids, start=1):
        confirm = page.get_by_role("button", name="Complete authentication")
        confirm.wait_for()
        assert "Your bank asks you to confirm" in page.inner_text("#pay-progress")
        screenshot(page, f"0{n}-3ds-room-{n}")
        assert wait_for(lambda b=booking_id: any(Payment.by_booking.query(b)))
        confirm.click()
    page.get_by_role("heading", name="Your rooms are booked").wait_for()
    screenshot(page, "03-both-confirmed")
    for booking_id in ids:
        assert Booking.get(booking_id, consistent_read=True).status == "confirmed"
        assert [p.status for p in Payment.by_booking.query(booking_id)] == ["completed"]
    assert page.js_errors == []
    context.close()
