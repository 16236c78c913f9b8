"""The signed manage link, the throttled lookup, changes (hotel/site/manage.py)."""

# ruff: noqa: F811
from __future__ import annotations

from datetime import UTC, datetime

from django.test import Client

from bookings.links import manage_token
from bookings.models import Booking
from bookings.services import booking_transition

# The page fixtures (room, booked) are pages.py's; a test naming one as an argument is not a
# redefinition.
from .pages import booked, guest_form, html, room, stay, today  # noqa: F401

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
