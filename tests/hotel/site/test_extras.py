"""Extras on the guest site (Django's test client, real clock): the booking form offers
the extras bookable online with their prices and books the ones given a quantity; the
manage page shows them and adds more before arrival; the pay page asks for rooms and
extras together."""

from __future__ import annotations

import re

import pytest

from bookings.extras.catalog import extra_create
from bookings.links import manage_path
from bookings.models import Booking
from tests.conftest import NOW

from .pages import guest_form, html, room  # noqa: F401  (the fixture)

STANDARD = "/book/Standard/"


@pytest.fixture
def catalog():
    for data in (
        {"code": "BREAKFAST", "name": "Breakfast", "price": 45000, "unit": "per_person_per_night"},
        {
            "code": "PARKING",
            "name": "Parking",
            "price": 30000,
            "unit": "per_night",
            "dailyStock": 10,
        },
        {"code": "MINIBAR", "name": "Minibar pack", "price": 90000, "bookableOnline": False},
    ):
        extra_create(data=data, actor="test", now=NOW)


@pytest.mark.usefixtures("room", "catalog")
def test_the_booking_form_offers_extras_with_their_prices(client):
    page = html(client.get(STANDARD, guest_form(adults=2)))
    assert 'data-testid="extras"' in page
    assert 'name="extra_BREAKFAST"' in page and 'name="extra_PARKING"' in page
    assert "extra_MINIBAR" not in page  # not bookable online
    assert "₹450.00 per guest per night" in page
    assert "₹300.00 per night" in page and "₹600.00 for your stay" in page  # 2 nights


@pytest.mark.usefixtures("room", "catalog")
def test_extras_given_a_quantity_are_booked_and_paid_with_the_room(client):
    response = client.post(STANDARD, guest_form(adults=2, extra_BREAKFAST="2", extra_PARKING="0"))
    assert response.status_code == 302, html(response)
    [booking] = list(Booking.scan())
    assert [(e["code"], e["quantity"]) for e in booking.extras] == [("BREAKFAST", 4)]
    assert booking.extrasTotal == 4 * 45000
    assert booking.dueNow == booking.totalPrice + 180000
    pay = html(client.get(response["Location"]))
    total = booking.totalPrice + 180000
    assert f"₹{total // 100:,}.{total % 100:02d}" in pay


@pytest.mark.usefixtures("room", "catalog")
def test_too_many_is_said_on_the_form_and_nothing_is_booked(client):
    response = client.post(STANDARD, guest_form(adults=2, extra_BREAKFAST="3"))
    assert response.status_code == 200
    assert "At most 2: one per guest of the booking." in html(response)
    assert Booking.count() == 0


@pytest.mark.usefixtures("room", "catalog")
def test_the_manage_page_adds_an_extra_before_arrival(client):
    client.post(STANDARD, guest_form(adults=2))
    [booking] = list(Booking.scan())
    path = manage_path(booking_id=booking.bookingId)
    page = html(client.get(path))
    assert 'data-testid="extra-offers"' in page and "Parking" in page
    action = re.search(r'action="([^"]+/extras)"', page).group(1)
    response = client.post(action, {"code": "PARKING", "quantity": "2"})
    assert response.status_code == 302
    page = html(client.get(path))
    assert "Parking added to your booking." in page
    assert 'data-testid="booked-extras"' in page and "Parking × 2" in page
    stored = Booking.get(booking.bookingId)
    assert stored.extrasTotal == 30000 * 2 * 2
    refused = client.post(action, {"code": "MINIBAR", "quantity": "1"}, follow=True)
    assert "cannot be booked online" in html(refused)
