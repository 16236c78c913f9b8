"""Guest pages through Django's test client: search and book, the signed manage link, the
throttled lookup, error pages and headers. Pages meet the real clock (as guests do)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

import pytest
from django.test import Client, RequestFactory

from bookings.links import manage_path, manage_token
from bookings.models import Booking
from bookings.services import booking_create, booking_transition
from hotel.site.errors import server_error


def today() -> date:
    return datetime.now(UTC).date()


def stay(offset: int = 30, nights: int = 2) -> dict:
    check_in = today() + timedelta(days=offset)
    return {"check_in": check_in.isoformat(), "check_out": str(check_in + timedelta(nights))}


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def room(make_room):
    return make_room(roomId="R-1", roomType="Standard", capacity=2, pricePerNight=450000)


@pytest.fixture
def booked(room):
    """A pending booking made the way the site makes it, and its manage path."""

    def make(email: str = "ada@guest.test", name: str = "Ada Guest", offset: int = 30):
        dates = stay(offset)
        created = booking_create(
            room_id="R-1",
            check_in=date.fromisoformat(dates["check_in"]),
            check_out=date.fromisoformat(dates["check_out"]),
            guests=2,
            guest_name=name,
            guest_email=email,
            source="web",
            actor="guest",
            now=datetime.now(UTC),
        )
        return created.booking, manage_path(booking_id=created.booking.bookingId)

    return make


def guest_form(**overrides) -> dict:
    data = {**stay(), "guests": 2, "guest_name": "Ada Guest", "guest_email": "ada@guest.test"}
    data.update(overrides)
    return data


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


# --- the signed manage link -----------------------------------------------------------------


def test_the_manage_link_shows_the_booking(client, booked):
    booking, path = booked()
    page = html(client.get(path))
    assert booking.bookingId in page and "Ada Guest" in page and "Awaiting payment" in page
    assert "Cache-Control" in client.get(path).headers
    assert "no-store" in client.get(path)["Cache-Control"]


def test_a_tampered_or_guessed_manage_link_is_a_plain_404(client, booked):
    booking, path = booked()
    other, other_path = booked(email="bob@guest.test", name="Bob Other", offset=40)
    token = manage_token(booking_id=booking.bookingId)
    reference, signature = token.split(":")
    other_signature = manage_token(booking_id=other.bookingId).split(":")[1]
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    for bad in [
        f"{reference}:{flipped}",
        f"{reference}:{other_signature}",  # another booking's signature
        f"{other.bookingId}:{signature}",  # this signature on another reference
        reference,  # the bare reference
        f"{reference}:",
        "x" * 400,
    ]:
        for suffix in ("", "cancel", "change", "pay", "status", "confirmation"):
            response = client.get(f"/booking/{bad}/{suffix}")
            assert response.status_code == 404, (bad, suffix)
            assert "Ada Guest" not in html(response)
    assert client.post(f"/booking/{reference}:{flipped}/cancel").status_code == 404
    assert Booking.get(booking.bookingId).status == "pending"


def test_a_guest_sees_only_their_own_booking(client, booked):
    _, path = booked()
    _, other_path = booked(email="bob@guest.test", name="Bob Other", offset=40)
    assert "Bob Other" not in html(client.get(path))
    assert "Ada Guest" not in html(client.get(other_path))


# --- lookup by reference + email ------------------------------------------------------------


def test_lookup_with_reference_and_email_goes_to_the_manage_link(client, booked):
    booking, path = booked()
    response = client.post(
        "/booking/find", {"reference": booking.bookingId.lower(), "email": "ADA@guest.test "}
    )
    assert response.status_code == 302 and response["Location"] == path


def test_lookup_answers_alike_for_unknown_reference_and_wrong_email(client, booked):
    booking, _ = booked()
    wrong_email = client.post(
        "/booking/find", {"reference": booking.bookingId, "email": "eve@guest.test"}
    )
    unknown = client.post(
        "/booking/find", {"reference": "BK-20990101-ZZZZZZZZ", "email": "ada@guest.test"}
    )
    message = "We could not find a booking with that reference and email address."
    assert wrong_email.status_code == unknown.status_code == 200
    assert message in html(wrong_email) and message in html(unknown)
    assert booking.bookingId not in html(wrong_email).replace(f'value="{booking.bookingId}"', "")


def test_repeated_failed_lookups_are_throttled_per_reference(client, booked, settings):
    settings.HOTEL_LOOKUP_MAX_FAILURES = 3
    booking, _ = booked()
    for _ in range(3):
        response = client.post(
            "/booking/find", {"reference": booking.bookingId, "email": "eve@guest.test"}
        )
        assert response.status_code == 200
    # Locked now, even with the right email and from another address.
    other = Client(REMOTE_ADDR="10.9.8.7")
    response = other.post(
        "/booking/find", {"reference": booking.bookingId, "email": "ada@guest.test"}
    )
    assert response.status_code == 429
    assert "Too many attempts" in html(response)


def test_repeated_failed_lookups_are_throttled_per_client(client, booked, settings):
    settings.HOTEL_LOOKUP_MAX_FAILURES = 1  # per client: three times as many
    booking, path = booked()
    for n in range(3):
        client.post("/booking/find", {"reference": f"BK-20990101-AAAAAAA{n}", "email": "e@x.io"})
    response = client.post(
        "/booking/find", {"reference": booking.bookingId, "email": "ada@guest.test"}
    )
    assert response.status_code == 429
    other = Client(REMOTE_ADDR="10.9.8.7")
    response = other.post(
        "/booking/find", {"reference": booking.bookingId, "email": "ada@guest.test"}
    )
    assert response.status_code == 302 and response["Location"] == path


def test_lookup_form_validates_input(client):
    response = client.post("/booking/find", {"reference": "x" * 500, "email": "nope"})
    assert response.status_code == 200
    assert "Enter a valid email address." in html(response)
    assert "at most 64 characters" in html(response)


# --- change dates (pending booking: any bookable dates, then pay the new price) --------------


def test_changing_a_pending_booking_shows_the_new_price_first(client, booked):
    booking, path = booked()
    new = stay(offset=45, nights=3)
    preview = client.get(f"{path}change", new)
    assert "₹15,120.00" in html(preview)  # 3 × 4,500.00 + 12 %
    assert Booking.get(booking.bookingId).checkIn == booking.checkIn  # nothing changed yet
    response = client.post(f"{path}change", new)
    assert response.status_code == 302 and response["Location"] == f"{path}pay"
    changed = Booking.get(booking.bookingId)
    assert (changed.checkIn, changed.totalPrice) == (new["check_in"], 1512000)


def test_change_form_shows_domain_errors(client, booked):
    _, path = booked()
    response = client.get(f"{path}change", {**stay(), "check_out": "2020-01-01"})
    assert "Check-out must be after check-in." in html(response)
    response = client.post(f"{path}change", {"check_in": "bad"})
    assert response.status_code == 200 and "Enter a date as YYYY-MM-DD." in html(response)


def test_a_cancelled_booking_offers_no_actions(client, booked):
    booking, path = booked()
    booking_transition(
        booking_id=booking.bookingId, to_status="cancelled", actor="t", now=datetime.now(UTC)
    )
    page = html(client.get(path))
    assert "Cancelled" in page and "Cancel booking" not in page and "Change dates" not in page
    assert client.get(f"{path}cancel").status_code == 302
    assert client.get(f"{path}change").status_code == 302


# --- error pages and headers ----------------------------------------------------------------


def test_unknown_pages_get_the_site_404_and_api_paths_keep_json(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "We could not find that page" in html(response) and "site.css" in html(response)
    api = client.get("/api/no-such-endpoint")
    assert api.status_code == 404 and api.json()["error"]["code"] == "NOT_FOUND"


def test_the_500_page_is_the_site_s_and_json_on_api_paths():
    request = RequestFactory().get("/search")
    request.request_id = "req-12345678"
    response = server_error(request)
    assert response.status_code == 500
    assert "Something went wrong on our side" in html(response)
    assert "req-12345678" in html(response)
    api = RequestFactory().get("/api/rooms")
    api.request_id = "req-12345678"
    response = server_error(api)
    assert response.status_code == 500 and b'"INTERNAL_ERROR"' in response.content


def test_pages_carry_a_content_security_policy_allowing_only_stripe(client, room, settings):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    stripe = re.match(r"https?://[^/]+", settings.STRIPE_JS_URL).group(0)
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in policy.split("; ") if part.strip()
    )
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'", stripe]
    assert stripe in directives["frame-src"] and stripe in directives["connect-src"]
    assert directives["frame-ancestors"] == ["'none'"] and directives["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert client.get("/api/rooms").has_header("X-Request-Id")


def test_the_home_page_has_the_search_form_and_translatable_text(client, room):
    page = html(client.get("/"))
    assert 'action="/search"' in page and 'type="date"' in page
    assert "Full refund when cancelled 7 or more days before arrival." in page
    # The price a guest pays (4,500.00 + 12 % tax), as the search results will show it.
    assert "from <strong>₹5,040.00</strong> <span>/ night, taxes included</span>" in page
    assert "₹5,040.00" in html(client.get("/search", {**stay(offset=30, nights=1), "guests": 2}))


def test_a_short_hold_is_told_in_minutes(client, room, settings):
    settings.HOTEL_GUEST_HOLD_MINUTES = 30  # the guest site shows guest holds
    page = html(client.get("/book/R-1", {**stay(), "guests": 2}))
    assert "We hold the room for 30 minutes while you pay." in page
