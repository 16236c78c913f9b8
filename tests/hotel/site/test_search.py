"""Search and book (hotel/site/search.py) through Django's test client, on the real clock.

Guests book room types: one result per type with a unit left, a hold on a unit of the type
(no room assigned), and no page that names a room."""

# ruff: noqa: F811
from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlencode

import pytest
from django.core.files import File
from django.test import Client
from django.utils.formats import date_format

from bookings.links import manage_path
from bookings.models import Booking
from bookings.services import booking_create
from rooms.demo import PHOTOS
from rooms.photos import room_add_photo

# The page fixtures (room, booked) are pages.py's; a test naming one as an argument is not a
# redefinition.
from .pages import booked, dress_type, guest_form, html, room, stay, today  # noqa: F401

BOOK = "/book/Standard/"


def card_of(page: str, name: str) -> str:
    [card] = [c for c in page.split('<li class="card result"')[1:] if f'-name">{name}</h2>' in c]
    return card


# --- search ---------------------------------------------------------------------------------


def test_search_lists_free_types_with_total_per_night_and_nightly_breakdown(client, room):
    response = client.get("/search", {**stay(), "guests": 2})
    page = html(response)
    assert response.status_code == 200
    assert "₹10,080.00" in page  # 2 × 4,500.00 + 12 % tax
    assert "₹5,040.00 per night" in page
    assert page.count("₹4,500.00") == 2  # one line per night
    assert "/book/Standard/?check_in=" in page


def test_search_shows_one_card_per_type_with_units_left_and_hides_sold_out_types(client, make_room):
    for n in range(5):
        make_room(roomId=f"D-{n}", roomType="Deluxe", capacity=2, pricePerNight=700000)
    make_room(roomId="S-1", roomType="Standard", capacity=2, pricePerNight=450000)
    make_room(roomId="S-2", roomType="Standard", capacity=2, pricePerNight=450000)
    make_room(roomId="X-1", roomType="Suite", capacity=4, pricePerNight=1250000)
    dates = stay()
    booking_create(
        room_type="Suite",
        check_in=date.fromisoformat(dates["check_in"]),
        check_out=date.fromisoformat(dates["check_out"]),
        guests=2,
        guest_name="Early Bird",
        guest_email="early@guest.test",
        actor="t",
        now=datetime.now(UTC),
    )
    booking_create(
        room_type="Standard",
        check_in=date.fromisoformat(dates["check_in"]),
        check_out=date.fromisoformat(dates["check_out"]),
        guests=2,
        guest_name="Early Bird",
        guest_email="early@guest.test",
        actor="t",
        now=datetime.now(UTC),
    )
    page = html(client.get("/search", {**dates, "guests": 2}))
    found = page.split('<li class="card result"')[1:]
    assert len(found) == 2  # the Suite is sold out: no card
    assert ">Standard</h2>" in found[0] and ">Deluxe</h2>" in found[1]  # cheapest first
    assert "Only 1 left" in card_of(page, "Standard")
    assert 'data-testid="few-left"' not in card_of(page, "Deluxe")  # five left: not worth saying
    assert "Suite" not in page.split('class="results"')[1]


def test_a_card_shows_the_type_as_staff_describe_it(client, room):
    dress_type(
        "Standard",
        name="Harbour Double",
        description="A quiet double over the harbour.",
        beds="1 queen",
        sizeM2=22,
        amenities=["WiFi", "Breakfast", "Sea view"],
        photos=("standard.jpg", "deluxe.jpg", "suite.jpg"),
    )
    page = html(client.get("/search", {**stay(), "guests": 2}))
    card = card_of(page, "Harbour Double")
    assert "A quiet double over the harbour." in card
    assert "1 queen · 22 m² · Up to 2 guests" in card
    assert "What is included" in card and "<li>Breakfast</li>" in card
    assert "Only 1 left" in card
    photos = re.findall(r'<img src="([^"]+)"([^>]*)>', card)
    assert 'alt="A double bed under a framed print"' in photos[0][1]  # the first photo, large
    assert photos[0][0].endswith("-480w.webp") and ".jpg 800w" in photos[0][1]  # and its srcset
    assert 'loading="lazy"' not in photos[0][1]  # the first card's large photo: above the fold
    assert len(photos) == 4 and all('loading="lazy"' in attrs for _, attrs in photos[1:])
    # "Book", of which offer of which type
    assert 'aria-describedby="offer-standard-flex-name type-standard-name"' in card


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
    assert 'data-testid="offer"' not in page


def test_search_says_so_when_nothing_is_free(client, room, booked):
    booked()
    response = client.get("/search", {**stay(), "guests": 2})
    assert "No rooms are free for these dates" in html(response)
    response = client.get("/search", {**stay(offset=60), "guests": 5})  # larger than any room
    assert "No rooms are free for these dates" in html(response)


# --- book -----------------------------------------------------------------------------------


def test_book_page_shows_the_type_quote_policy_and_hold_time(client, room):
    dress_type("Standard", name="Harbour Double", beds="1 queen", sizeM2=22)
    response = client.get(BOOK, {**stay(), "guests": 2})
    page = html(response)
    assert response.status_code == 200
    assert "Harbour Double" in page and "1 queen · 22 m² · Up to 2 guests" in page
    assert "₹10,080.00" in page and "Taxes (12 %)" in page
    assert "₹5,040.00 per night, taxes included" in page
    # The policy as dates (the hotel's 7:100,2:50,0:0; days end at 23:59, the hotel's time).
    check_in = date.fromisoformat(stay()["check_in"])
    free = datetime.combine(check_in - timedelta(days=7), time(23, 59))
    assert f"Free cancellation until {date_format(free, 'DATETIME_FORMAT')} (UTC)." in page
    assert f"From {date_format(check_in - timedelta(days=1), 'DATE_FORMAT')}: no refund." in page
    assert "The whole stay, ₹10,080.00, is charged when you book." in page
    assert "(a no-show) costs ₹10,080.00, 100 % of the stay." in page
    assert "We hold the room for 20 minutes while you pay" in page  # HOTEL_GUEST_HOLD_MINUTES
    assert 'name="csrfmiddlewaretoken"' in page


def test_the_card_books_a_unit_of_the_type_and_goes_to_the_signed_pay_page(client, room):
    search = html(client.get("/search", {**stay(), "guests": 2}))
    book_url = re.search(r'href="(/book/[^"]+)"', search).group(1).replace("&amp;", "&")
    assert book_url.startswith(BOOK + "?")
    assert client.get(book_url).status_code == 200
    response = client.post(BOOK, guest_form(notes="A cot, please"))
    assert response.status_code == 302
    match = re.fullmatch(r"/booking/(BK-\d{8}-[A-Z0-9]{8}):[\w-]+/pay", response["Location"])
    booking = Booking.get(match.group(1))
    assert (booking.status, booking.source, booking.notes) == ("pending", "web", "A cot, please")
    assert (booking.roomType, booking.roomId, booking.roomPinned) == ("Standard", None, None)
    assert booking.guestHold  # a guest's online hold: short, capped per client
    assert booking.totalPrice == 1008000
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"guest_email": "not-an-email"}, "guest_email", "Enter a valid email address."),
        ({"guest_name": ""}, "guest_name", "This field is required."),
        ({"guest_name": "   "}, "guest_name", "This field is required."),
        ({"guest_phone": "call me maybe"}, "guest_phone", "Enter a phone number"),
        ({"promo_code": "NOPE"}, "promo_code", "This promo code does not exist."),
        ({"notes": "x" * 2001}, "notes", "at most 2000 characters"),
    ],
)
def test_booking_form_redisplays_with_the_error_on_its_field(
    client, room, overrides, field, message
):
    response = client.post(BOOK, guest_form(**overrides))
    page = html(response)
    assert response.status_code == 200
    assert message in page
    assert f'id="id_{field}_error"' in page
    assert f'aria-describedby="id_{field}_error' in page or "_helptext id_" in page
    assert Booking.count() == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"guests": "1e309"}, "Enter a whole number."),
        ({"adults": "3"}, "A Standard takes up to 2 guests."),
        ({"children": "1", "age_1": ""}, "Choose the age of child 1."),
    ],
)
def test_a_stay_the_booking_form_cannot_hold_is_said_with_a_way_back(
    client, room, overrides, message
):
    response = client.post(BOOK, guest_form(**overrides, guest_name="Kept Name"))
    page = html(response)
    assert response.status_code == 200
    assert message in page and 'role="alert"' in page
    assert "Change your search" in page and 'value="Kept Name"' in page
    assert Booking.count() == 0


def test_booking_a_sold_out_type_says_so_and_keeps_the_form(client, room, booked):
    booked()  # the only Standard
    response = client.post(BOOK, guest_form(guest_name="Second Guest"))
    page = html(response)
    assert response.status_code == 200
    # The page's own sentence for ROOM_UNAVAILABLE (hotel.site.refusals), not the service's.
    assert "No room of this type is left for every night of these dates." in page
    assert 'id="form-errors"' in page and 'value="Second Guest"' in page
    assert Booking.count() == 1


def test_booking_with_bad_dates_or_type_never_fails(client, room):
    assert client.post(BOOK, guest_form(check_in="garbage")).status_code == 200
    assert client.post(BOOK, {}).status_code == 200
    response = client.get(BOOK, {"check_in": "nonsense", "guests": "9" * 40})
    assert response.status_code == 302 and response["Location"].startswith("/search?")
    assert client.get("/book/Penthouse/", stay()).status_code == 404
    assert client.get("/book/" + "R" * 5000 + "/", stay()).status_code == 404
    assert client.get("/book/NO-SUCH-ROOM", stay()).status_code == 404
    assert client.get("/book/" + "R" * 5000, stay()).status_code == 404


def test_the_first_version_s_room_links_go_to_the_room_s_type(client, room):
    query = {**stay(), "guests": 2}
    response = client.get("/book/R-1", query)
    assert response.status_code == 302
    assert response["Location"] == BOOK + "?" + urlencode(query)
    assert client.get("/book/Standard", query)["Location"] == BOOK + "?" + urlencode(query)
    posted = client.post("/book/R-1", guest_form())
    assert (posted.status_code, posted["Location"]) == (307, BOOK)  # re-posted, body and all
    assert Booking.count() == 0


def test_no_guest_page_names_a_room(client, make_room):
    """Room ids are the hotel's: search, book, pay, manage, change, cancel and confirmation
    show the type, for a booking of the type and for one with a pinned room alike (a room's
    photos are stored under its id, so its photos are not shown either)."""
    ids = ["RM-7001", "RM-7002"]
    for room_id in ids:
        make_room(roomId=room_id, roomType="Deluxe", capacity=2, pricePerNight=700000)
        with open(PHOTOS / "deluxe.jpg", "rb") as fh:
            room_add_photo(
                room_id=room_id, upload=File(fh, name="d.jpg"), actor="t", now=datetime.now(UTC)
            )
    dress_type("Deluxe", name="Deluxe Sea View", photos=("deluxe.jpg",))
    query = {**stay(), "guests": 2}
    pages = {
        "search": client.get("/search", query),
        "book": client.get("/book/Deluxe/", query),
    }
    made = client.post("/book/Deluxe/", guest_form())
    pay = made["Location"]
    manage = pay.removesuffix("pay")
    pinned = booking_create(
        room_id=ids[1],
        check_in=date.fromisoformat(stay(offset=50)["check_in"]),
        check_out=date.fromisoformat(stay(offset=50)["check_out"]),
        guests=2,
        guest_name="Pinned Guest",
        guest_email="pin@guest.test",
        actor="desk",
        now=datetime.now(UTC),
    ).booking
    assert pinned.roomId == ids[1]
    pinned_manage = manage_path(booking_id=pinned.bookingId)
    for name, path in [
        ("pay", pay),
        ("manage", manage),
        ("change", manage + "change?" + urlencode(stay(offset=60))),
        ("cancel", manage + "cancel"),
        ("confirmation", manage + "confirmation"),
        ("pinned manage", pinned_manage),
        ("pinned pay", pinned_manage + "pay"),
    ]:
        pages[name] = client.get(path)
    for name, response in pages.items():
        page = html(response)
        assert response.status_code in (200, 302), name
        if response.status_code == 200:
            assert "Deluxe Sea View" in page, name
        assert not any(room_id in page for room_id in ids), name
        assert "rooms/RM-" not in page, name


def test_forms_refuse_posts_without_the_csrf_token(room, booked):
    booking, path = booked()
    new_dates = stay(offset=40)
    strict = Client(enforce_csrf_checks=True)
    for page_url, post_url, data in [
        (BOOK + "?" + urlencode({**stay(offset=60), "guests": 2}), BOOK, guest_form()),
        ("/booking/find", "/booking/find", {"reference": "BK-1", "email": "a@b.test"}),
        (f"{path}cancel", f"{path}cancel", {}),
        (f"{path}change?" + urlencode(new_dates), f"{path}change", new_dates),
    ]:
        assert 'name="csrfmiddlewaretoken"' in html(strict.get(page_url)), page_url
        assert strict.post(post_url, data).status_code == 403, post_url
    assert Booking.count() == 1
    assert Booking.get(booking.bookingId).status == "pending"
    assert Booking.get(booking.bookingId).checkIn == booking.checkIn
