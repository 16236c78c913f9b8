"""The reservation's own bill on the admin's reservation page, in chromium, on a desktop
and on a 360 px phone: the desk posts the family's welcome dinner on the booker's bill and
takes the payment, with the booking page's bill forms. Screenshots land in
artifacts/screenshots/<test>/."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from bookings.reservations.services import reservation_create
from hotel.accounts import roles
from payments.folio.models import Folio
from tests.browser.conftest import DESKTOP, _new_page
from tests.browser.test_admin_folio import PHONE_360, post_charge
from tests.browser.test_backoffice import sign_in


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE_360], ids=["desktop", "phone-360"])
def test_the_desk_posts_and_settles_a_dinner_on_the_reservation_bill(
    browser, live_app, make_room, make_staff, screenshot, viewport
):
    for n in range(2):
        make_room(roomId=f"10{n}", roomType="Deluxe", capacity=2, pricePerNight=10000)
    start = timezone.now().date() + timedelta(days=7)
    stay = {"roomType": "Deluxe", "adults": 2, "checkIn": start,
            "checkOut": start + timedelta(days=2)}  # fmt: skip
    reference = reservation_create(
        booker={"name": "Ada Booker", "email": "ada@guest.test"},
        stays=[stay, dict(stay)],
        actor="test",
        now=timezone.now(),
    ).reservation.reservationId
    context, page = _new_page(browser, live_app, viewport)
    try:
        sign_in(page, make_staff(roles.FRONT_DESK))
        page.goto(f"/admin/reservations/{reference}/")
        assert page.locator("[data-testid=bill-balance]").inner_text() == "Settled"
        assert "Folio F1 · Ada Booker" in page.locator("#booking-bill").inner_text()

        post_charge(page, "Welcome dinner", "240.00", "1", "restaurant")
        assert page.locator("[data-testid=bill-balance]").inner_text() == "Guest owes ₹240.00"
        screenshot(page, "01-dinner-on-the-reservation-bill")

        assert page.locator("#payment_amount").input_value() == "240.00"  # prefilled
        page.select_option("#payment_method", "cash")
        page.click("#payment-form input[type=submit]")
        page.wait_for_selector(".messagelist .success")
        assert page.locator("[data-testid=bill-balance]").inner_text() == "Settled"
        assert Folio.get(reference, consistent_read=True).balance == 0
        screenshot(page, "02-settled")
    finally:
        context.close()
