"""Bad input to the booking API: one 4xx in the error shape with every field's problem."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bookings.models import Booking
from hotel.accounts import roles
from tests.bookings.test_api import booking_body, d
from tests.rooms.test_api import assert_error


@pytest.fixture
def rooms(make_room):
    make_room(roomId="R-1", roomType="Deluxe", capacity=2, pricePerNight=10000)


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ({"checkIn": "2027-10-14", "checkInTo": "0153-07-27"}, {"checkInTo"}),
        ({"checkIn": "2027-10-14", "checkInTo": "2027-10-01"}, {"checkInTo"}),
        ({"checkInFrom": "2027-10-14", "checkIn": "2027-10-01"}, {"checkIn"}),
        ({"checkInFrom": "0001-01-01"}, {"checkInFrom"}),
        ({"checkInTo": "9999-12-31", "checkIn": "0153-07-27"}, {"checkInTo", "checkIn"}),
        ({"checkIn": "1066-10-14", "status": "nope", "limit": "x"}, {"checkIn", "status", "limit"}),
    ],
)
def test_dates_out_of_range_or_reversed_are_400_with_field_errors(api, query, fields):
    response = api.as_role(roles.MANAGER).get("/api/bookings", query)

    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert set(error["details"]["fields"]) == fields


@pytest.mark.parametrize(
    "body",
    [
        {"checkIn": "9999-12-31", "checkOut": "9999-12-31"},
        {"checkIn": "0001-01-01", "checkOut": "0001-01-02"},
        {"checkIn": d(0), "checkOut": "9999-12-31"},
    ],
)
@pytest.mark.parametrize("path", ["/api/rooms/availability", "/api/bookings"])
def test_dates_at_the_edge_of_the_calendar_are_400(api, rooms, path, body):
    response = api.post(path, booking_body(**body) if "bookings" in path else body, format="json")

    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert set(error["details"]["fields"]) <= {"checkIn", "checkOut"}
    assert Booking.count() == 0


def test_type_errors_and_stay_rules_come_in_one_answer(api, rooms):
    past = (date.today() - timedelta(days=3)).isoformat()
    body = booking_body(checkIn=past, checkOut=past, guests="two", guestPhone="call me")

    response = api.post("/api/bookings", body, format="json")

    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert set(error["details"]["fields"]) == {"checkIn", "checkOut", "guests", "guestPhone"}
    assert Booking.count() == 0


def test_availability_reports_the_stay_rules_with_the_type_errors(api):
    past = (date.today() - timedelta(days=3)).isoformat()
    body = {"checkIn": past, "checkOut": past, "guestCount": "many"}

    response = api.post("/api/rooms/availability", body, format="json")

    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert set(error["details"]["fields"]) == {"checkIn", "checkOut", "guestCount"}


def test_a_payment_without_a_method_reports_it_with_the_type_errors(api):
    body = {"bookingId": "BK-1", "amount": -1, "currency": "rupees"}

    response = api.as_role(roles.MANAGER).post("/api/payments", body, format="json")

    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert set(error["details"]["fields"]) == {"amount", "currency", "paymentMethodId"}


def test_an_empty_change_is_named_in_the_same_answer_as_unknown_fields(api, rooms):
    booking = api.post("/api/bookings", booking_body(), format="json").json()
    url = f"/api/bookings/{booking['bookingId']}/change"

    response = api.as_role(roles.MANAGER).post(url, {"bogus": 1}, format="json")

    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert set(error["details"]["fields"]) == {"bogus", "nonFieldErrors"}
