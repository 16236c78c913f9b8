"""POST/GET /api/bookings/{id}/online-check-in: the guest's token submits, staff read it
back masked, every field problem in one 400, and ids reveal nothing to anyone else."""

from datetime import UTC, datetime, timedelta

import pytest

from bookings.services import booking_create, booking_transition, hotel_today
from hotel.accounts import roles
from tests.rooms.test_api import assert_error

from .conftest import FORM, signature_png


@pytest.fixture
def arriving(room):
    """A confirmed booking arriving in 3 days by the real clock (the API reads it)."""
    now = datetime.now(UTC)
    today = hotel_today(now)
    created = booking_create(
        room_id="R-1",
        check_in=today + timedelta(days=3),
        check_out=today + timedelta(days=5),
        guests=2,
        guest_name="Ada Guest",
        guest_email="ada@guest.test",
        actor="t",
        now=now,
    )
    booking_transition(
        booking_id=created.booking.bookingId, to_status="confirmed", actor="t", now=now
    )
    return created.booking.bookingId, created.guest_token


def url(booking_id):
    return f"/api/bookings/{booking_id}/online-check-in"


def test_the_guest_checks_in_and_staff_read_it_masked(api, arriving):
    booking_id, token = arriving
    body = {**FORM, "signatureKind": "drawn", "signature": signature_png(), "typedName": None}
    response = api.post(url(booking_id), body, format="json", HTTP_X_BOOKING_TOKEN=token)
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["idNumberMasked"] == "•••• 1234" and created["signed"] is True
    assert "67891234" not in response.content.decode()

    desk = api.as_role(roles.FRONT_DESK)
    read = desk.get(url(booking_id))
    assert read.status_code == 200
    assert read.json()["nationality"] == "FR" and read.json()["arrivalTime"] == "15:30"
    assert "67891234" not in read.content.decode() and "signature" not in read.json()
    booking = desk.get(f"/api/bookings/{booking_id}").json()
    assert booking["status"] == "confirmed"


def test_every_problem_in_one_answer(api, arriving):
    booking_id, token = arriving
    response = api.post(
        url(booking_id),
        {"arrivalTime": "nine", "country": "ZZ", "colour": "red", "signatureKind": "typed"},
        format="json",
        HTTP_X_BOOKING_TOKEN=token,
    )
    error = assert_error(response, 400, "VALIDATION_ERROR")
    fields = error["details"]["fields"]
    assert "colour" in fields  # unknown fields refused, with the rules' problems
    assert {"arrivalTime", "country", "nationality", "idNumber", "typedName", "confirm"} <= set(
        fields
    )


def test_without_the_token_the_booking_does_not_exist(api, arriving):
    booking_id, _token = arriving
    assert_error(api.post(url(booking_id), FORM, format="json"), 404, "BOOKING_NOT_FOUND")
    assert_error(
        api.post(url(booking_id), FORM, format="json", HTTP_X_BOOKING_TOKEN="guess"),
        404,
        "BOOKING_NOT_FOUND",
    )
    assert_error(api.get(url(booking_id)), 404, "BOOKING_NOT_FOUND")
    housekeeping = api.as_role(roles.HOUSEKEEPING)
    assert_error(housekeeping.get(url(booking_id)), 404, "BOOKING_NOT_FOUND")


def test_staff_read_404_before_the_guest_checked_in(api, arriving):
    booking_id, _token = arriving
    assert api.as_role(roles.MANAGER).get(url(booking_id)).status_code == 404
