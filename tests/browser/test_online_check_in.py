"""Online check-in in real chromium, on a 360 px phone and a desktop: the guest opens the
manage link on the arrival day, fills the form, draws a signature on the canvas with the
mouse, submits and sees the confirmation (ID number masked); the desk's arrivals list then
marks the stay "Checked in online", and its registration card carries the drawn signature.

Screenshots land in artifacts/screenshots/<test>/.
"""

from __future__ import annotations

import re

import pytest

from bookings.checkin.models import Registration
from bookings.links import manage_path
from bookings.models import Booking
from hotel.accounts import roles

from .conftest import DESKTOP, _new_page
from .test_backoffice import sign_in
from .test_extras_flow import SMALL_PHONE, fits


def draw_signature(page) -> None:
    box = page.locator("#signature-pad").bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + w * 0.1, y + h * 0.6)
    page.mouse.down()
    for step in range(1, 25):
        page.mouse.move(x + w * (0.1 + step * 0.03), y + h * (0.6 - 0.25 * ((step % 6) / 5)))
    page.mouse.up()


@pytest.mark.parametrize("viewport", [SMALL_PHONE, DESKTOP], ids=["phone360", "desktop"])
def test_a_guest_checks_in_online_and_the_desk_sees_it(
    browser, live_app, screenshot, viewport, make_room, book, make_staff
):
    make_room(roomId="101", roomType="Deluxe", capacity=2)
    booking = book("101", start=0, nights=2, status="confirmed", guest_name="Ada Lovelace")
    context, page = _new_page(browser, live_app, viewport)

    page.goto(manage_path(booking_id=booking.bookingId))
    screenshot(page, "01-manage-invites")
    page.get_by_test_id("check-in-online").click()
    page.wait_for_url(re.compile(r"/check-in$"))

    # Submitting empty names every problem at once.
    page.get_by_role("button", name="Complete check-in").click()
    page.wait_for_selector("#signature-errors")  # the click does not wait for the answer
    assert page.locator(".field--error").count() >= 8
    assert page.locator("#signature-errors").inner_text() == "Sign in the box."
    fits(page, viewport["width"])
    screenshot(page, "02-every-problem")

    page.fill("#id_arrivalTime", "15:30")
    page.fill("#id_addressLine", "12 St James's Square")
    page.fill("#id_city", "London")
    page.fill("#id_postalCode", "SW1Y 4JH")
    page.select_option("#id_country", "GB")
    page.select_option("#id_nationality", "GB")
    page.select_option("#id_idType", "passport")
    page.fill("#id_idNumber", "5123 45678")
    page.locator("#signature-pad").scroll_into_view_if_needed()
    draw_signature(page)
    fits(page, viewport["width"])
    screenshot(page, "03-filled-and-signed")
    page.get_by_role("button", name="Complete check-in").click()

    page.wait_for_selector("[data-testid=online-check-in]")
    done = page.get_by_test_id("online-check-in").inner_text()
    assert "You are checked in online" in done and "15:30" in done
    assert "•••• 5678" in done and "512345678" not in page.content()
    fits(page, viewport["width"])
    screenshot(page, "04-confirmation")
    assert page.js_errors == []
    stored = Registration.get(booking.bookingId, consistent_read=True)
    assert stored.signatureKind == "drawn" and stored.signature.startswith("data:image/png")
    assert Booking.get(booking.bookingId).preCheckedInAt is not None
    context.close()

    context, page = _new_page(browser, live_app, DESKTOP)
    sign_in(page, make_staff(roles.FRONT_DESK))
    row = page.locator("#arrivals tr", has_text="Ada Lovelace")
    assert row.get_by_test_id("checked-in-online").inner_text() == "Checked in online"
    screenshot(page, "05-arrivals-marked")
    page.goto(f"/admin/bookings/booking/{booking.bookingId}/change/")
    assert "•••• 5678" in page.get_by_test_id("online-check-in").inner_text()
    screenshot(page, "06-booking-page")
    card = page.request.get(f"/admin/bookings/booking/{booking.bookingId}/registration-card/")
    assert card.status == 200 and card.headers["content-type"] == "application/pdf"
    context.close()
