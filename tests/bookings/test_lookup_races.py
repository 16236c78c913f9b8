"""'Find my booking' under real concurrency: 30 lookups at once through the page (a Django test
client per thread, released together) check at most HOTEL_LOOKUP_MAX_FAILURES emails against a
reference; the rest get 429, and the right email after that gets no manage link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.test import Client

from bookings.services import booking_create
from tests.hotel.accounts.test_login_races import storm

STORM = 30


def make_booking(make_room):
    make_room(roomId="R-1", roomType="Standard", capacity=2, pricePerNight=450000)
    check_in = datetime.now(UTC).date() + timedelta(days=30)
    return booking_create(
        room_id="R-1",
        check_in=check_in,
        check_out=check_in + timedelta(days=2),
        guests=2,
        guest_name="Ada Guest",
        guest_email="ada@guest.test",
        source="web",
        actor="guest",
        now=datetime.now(UTC),
    ).booking


def lookup(reference, email, address):
    def call():
        return Client(REMOTE_ADDR=address).post(
            "/booking/find", {"reference": reference, "email": email}
        )

    return call


def test_parallel_wrong_emails_from_many_addresses_get_at_most_the_limit(make_room):
    booking = make_booking(make_room)
    guesses = [
        lookup(booking.bookingId, f"eve{n}@guest.test", f"10.0.0.{n + 1}") for n in range(STORM)
    ]

    answers = storm(guesses)

    codes = [a.status_code for a in answers]
    assert set(codes) <= {200, 429}
    assert codes.count(200) == settings.HOTEL_LOOKUP_MAX_FAILURES
    for answer in answers:
        if answer.status_code == 429:
            assert "Too many attempts" in answer.content.decode()
            assert int(answer["Retry-After"]) > 0
    right = lookup(booking.bookingId, "ada@guest.test", "10.9.9.9")()
    assert right.status_code == 429 and "Location" not in right


def test_the_right_email_after_a_parallel_storm_gets_no_manage_link(make_room):
    booking = make_booking(make_room)
    storm([lookup(booking.bookingId, f"eve{n}@x.test", "10.1.1.1") for n in range(STORM - 1)])

    answers = storm([lookup(booking.bookingId, "ada@guest.test", "10.2.2.2") for _ in range(3)])

    assert [a.status_code for a in answers] == [429, 429, 429]
    assert not any(a.has_header("Location") for a in answers)


def test_a_found_booking_frees_its_reference_for_the_guest(make_room):
    booking = make_booking(make_room)
    limit = settings.HOTEL_LOOKUP_MAX_FAILURES
    for n in range(limit + 2):  # more finds than the limit, each a new guest address
        found = lookup(booking.bookingId, "ada@guest.test", f"10.3.3.{n + 1}")()
        assert found.status_code == 302
