"""Search and book (hotel/site/search.py) through Django's test client, on the real clock."""

# ruff: noqa: F811
from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from django.test import Client

from bookings.models import Booking

# The page fixtures (room, booked) are pages.py's; a test naming one as an argument is not a
# redefinition.
from .pages import booked, guest_form, html, room, stay, today  # noqa: F401

# --- search ---------------------------------------------------------------------------------


def test_search_lists_free_rooms_with_total_and_nightly_breakdown(client, room):
    response = client.get("/search", {**stay(), "guests": 2})
    page = html(response)
    assert response.status_code == 200
    assert "₹10,080.00" in page  # 2 × 4,500.00 + 12 % tax
    assert page.count("₹4,500.00") == 2  # one line per night
    assert "/book/R-1?check_in=" in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"check_in": "2020-01-01", "check_out": "2020-01-03"}, "Check-in cannot be in the past."),
        ({**stay(), "check_out": stay()["check_in"]}, "Check-out must be after check-in."),
        (stay(nights=31), "A booking can be at most 30 nights (this one is 31)."),
        (stay(offset=800), "Bookings open 730 days ahead."),
        ({"check_in": "2026-13-45", "check_out": "tomorrow"}, "Enter a date as YYYY-MM-DD."),
        ({"check_in": "99999-01-01", "check_out": "x" * 5000}, "Enter a date as YYYY-MM-DD."),
        ({**stay(), "guests": "99999999999999999999999"}, "less than or equal to 12"),
        ({**stay(), "guests": "-1"}, "greater than or equal to 1"),
        ({**stay(), "guests": "two"}, "Enter a whole number."),
        ({**stay(), "room_type": "Penthouse"}, "Select a valid choice."),
        ({"guests": "2"}, "This field is required."),
    ],
)
def test_search_shows_each_domain_error_next_to_its_field(client, room, params, message):
    response = client.get("/search", {"guests": 2, **params})
    page = html(response)
    assert response.status_code == 200
    assert message in page
    assert 'aria-invalid="true"' in page
    assert re.search(r'aria-describedby="[^"]*_error"', page)
    assert "Book this room" not in page


def test_search_says_so_when_nothing_is_free(client, room, booked):
    booked()
    response = client.get("/search", {**stay(), "guests": 2})
    assert "No rooms are free for these dates" in html(response)
    response = client.get("/search", {**stay(offset=60), "guests": 5})  # larger than any room
    assert "No rooms are free for these dates" in html(response)


# --- book -----------------------------------------------------------------------------------


def test_book_page_shows_quote_policy_and_hold_time(client, room):
    response = client.get("/book/R-1", {**stay(), "guests": 2})
    page = html(response)
    assert response.status_code == 200
    assert "₹10,080.00" in page and "Taxes (12 %)" in page
    assert "Full refund when cancelled 7 or more days before arrival." in page
    assert "We hold the room for 20 minutes while you pay" in page  # HOTEL_GUEST_HOLD_MINUTES
    assert 'name="csrfmiddlewaretoken"' in page


def test_booking_holds_the_room_and_goes_to_the_signed_pay_page(client, room):
    response = client.post("/book/R-1", guest_form(notes="A cot, please"))
    assert response.status_code == 302
    match = re.fullmatch(r"/booking/(BK-\d{8}-[A-Z0-9]{8}):[\w-]+/pay", response["Location"])
    booking = Booking.get(match.group(1))
    assert (booking.status, booking.source, booking.notes) == ("pending", "web", "A cot, please")
    assert booking.totalPrice == 1008000
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"guest_email": "not-an-email"}, "guest_email", "Enter a valid email address."),
        ({"guest_name": ""}, "guest_name", "This field is required."),
        ({"guest_name": "   "}, "guest_name", "This field is required."),
        ({"guest_phone": "call me maybe"}, "guest_phone", "Enter a phone number"),
        ({"guests": "3"}, "guests", "Between 1 and 2."),  # the room takes two
        ({"guests": "1e309"}, "guests", "Enter a whole number."),
        ({"notes": "x" * 2001}, "notes", "at most 2000 characters"),
    ],
)
def test_booking_form_redisplays_with_the_error_on_its_field(
    client, room, overrides, field, message
):
    response = client.post("/book/R-1", guest_form(**overrides))
    page = html(response)
    assert response.status_code == 200
    assert message in page
    assert f'id="id_{field}_error"' in page
    assert f'aria-describedby="id_{field}_error' in page or "_helptext id_" in page
    assert Booking.count() == 0


def test_booking_a_taken_room_says_so_and_keeps_the_form(client, room, booked):
    booked()
    response = client.post("/book/R-1", guest_form(guest_name="Second Guest"))
    page = html(response)
    assert response.status_code == 200
    assert "already booked for some of these nights" in page
    assert 'value="Second Guest"' in page


def test_booking_with_bad_dates_or_room_never_fails(client, room):
    assert client.post("/book/R-1", guest_form(check_in="garbage")).status_code == 200
    assert client.post("/book/R-1", {}).status_code == 200
    response = client.get("/book/R-1", {"check_in": "nonsense", "guests": "9" * 40})
    assert response.status_code == 302 and response["Location"].startswith("/search?")
    assert client.get("/book/NO-SUCH-ROOM", stay()).status_code == 404
    assert client.get("/book/" + "R" * 5000, stay()).status_code == 404


def test_forms_refuse_posts_without_the_csrf_token(room, booked):
    booking, path = booked()
    new_dates = stay(offset=40)
    strict = Client(enforce_csrf_checks=True)
    for page_url, post_url, data in [
        ("/book/R-1?" + urlencode({**stay(offset=60), "guests": 2}), "/book/R-1", guest_form()),
        ("/booking/find", "/booking/find", {"reference": "BK-1", "email": "a@b.test"}),
        (f"{path}cancel", f"{path}cancel", {}),
        (f"{path}change?" + urlencode(new_dates), f"{path}change", new_dates),
    ]:
        assert 'name="csrfmiddlewaretoken"' in html(strict.get(page_url)), page_url
        assert strict.post(post_url, data).status_code == 403, post_url
    assert Booking.count() == 1
    assert Booking.get(booking.bookingId).status == "pending"
    assert Booking.get(booking.bookingId).checkIn == booking.checkIn
