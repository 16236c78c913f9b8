"""Online check-in from the manage page (hotel/site/checkin.py): offered a week before
arrival, every problem at once, the confirmation with the ID number masked."""

# ruff: noqa: F811
from __future__ import annotations

from django.utils import timezone

from bookings.checkin.models import Registration
from bookings.links import manage_path
from bookings.models import Booking
from bookings.services import booking_transition
from tests.bookings.checkin.conftest import FORM, signature_png

from .pages import booked, html, room  # noqa: F401


def confirmed(booked, offset: int):
    booking, path = booked(offset=offset)
    booking_transition(
        booking_id=booking.bookingId, to_status="confirmed", actor="t", now=timezone.now()
    )
    return booking, path


def test_the_manage_page_offers_online_check_in_only_in_the_week_before_arrival(client, booked):
    _far, far_path = confirmed(booked, offset=30)
    assert "Check in online" not in html(client.get(far_path))
    response = client.get(far_path + "check-in")
    assert response.status_code == 302 and response["Location"] == far_path

    _near, near_path = confirmed(booked, offset=3)
    page = html(client.get(near_path))
    assert 'data-testid="check-in-online"' in page
    assert client.get(near_path + "check-in").status_code == 200


def test_a_form_with_problems_names_every_one_and_stores_nothing(client, booked):
    booking, path = confirmed(booked, offset=3)
    response = client.post(path + "check-in", {"signatureKind": "drawn", "idNumber": "1"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"arrivalTime", "addressLine", "city", "postalCode", "country"} <= set(errors)
    assert {"nationality", "idType", "idNumber"} <= set(errors)
    assert response.context["signature_errors"] == ["Sign in the box."]
    assert Booking.get(booking.bookingId).preCheckedInAt is None
    assert Registration.count() == 0


def test_checking_in_with_a_drawn_signature_confirms_with_the_number_masked(client, booked):
    booking, path = confirmed(booked, offset=3)
    data = {**FORM, "signatureKind": "drawn", "signature": signature_png(), "confirm": ""}
    response = client.post(path + "check-in", data)
    assert response.status_code == 302 and response["Location"].startswith(path)

    page = html(client.get(path))
    assert "You are checked in online" in page and "15:30" in page
    assert "•••• 1234" in page and "67891234" not in page
    assert Booking.get(booking.bookingId).preCheckedInAt is not None
    assert manage_path(booking_id=booking.bookingId) == path


def test_a_typed_signature_needs_the_confirmation_tick(client, booked):
    _booking, path = confirmed(booked, offset=3)
    response = client.post(path + "check-in", {**FORM, "confirm": ""})
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["confirm"]
    assert client.post(path + "check-in", {**FORM, "confirm": "on"}).status_code == 302
