"""POST /api/reservations/{id}/change: every live stay to new dates, each through the one
change a booking takes; a stay that cannot move answers 409 STAY_NOT_CHANGED naming it, with
the stays already moved (not one transaction: each stay's change is); again moves the rest."""

from datetime import date, timedelta

import pytest

from bookings.models import Booking
from hotel.accounts import roles
from tests.invariants import assert_inventory_consistent
from tests.rooms.test_api import assert_error

TODAY = date.today()


def d(n: int) -> str:
    return (TODAY + timedelta(days=30 + n)).isoformat()


def stay(room_type="Deluxe", start=0, nights=2):
    return {"roomType": room_type, "adults": 2, "checkIn": d(start), "checkOut": d(start + nights)}


BOOKER = {"name": "Ada Booker", "email": "ada@guest.test"}


@pytest.fixture(autouse=True)
def rooms(make_room, settings):
    settings.HOTEL_GUEST_HOLDS_PER_CLIENT = 0  # every request comes from 127.0.0.1
    for n in range(2):
        make_room(roomId=f"D-{n}", roomType="Deluxe", capacity=2, pricePerNight=10000)
    make_room(roomId="S-0", roomType="Suite", capacity=4, pricePerNight=20000)


def reserve(api, *stays):
    response = api.post(
        "/api/reservations", {"booker": BOOKER, "stays": list(stays)}, format="json"
    )
    assert response.status_code == 201, response.json()
    return response.json()


def change(api, data, check_in, check_out, **headers):
    return api.post(
        f"/api/reservations/{data['reservationId']}/change",
        {"checkIn": check_in, "checkOut": check_out},
        format="json",
        **headers,
    )


def test_staff_move_every_stay_each_repriced_by_its_own_change(api):
    data = reserve(api, stay(), stay("Suite"))
    response = change(api.as_role(roles.FRONT_DESK), data, d(5), d(8))
    body = response.json()
    assert response.status_code == 200, body
    ids = [s["bookingId"] for s in data["stays"]]
    assert body["changed"] == ids
    assert [(s["checkIn"], s["checkOut"]) for s in body["stays"]] == [(d(5), d(8))] * 2
    # Three nights now: each stay priced by its own type (the change service's pricing).
    first, second = (Booking.get(i, consistent_read=True) for i in ids)
    assert (first.totalPrice, second.totalPrice) == (
        3 * data["stays"][0]["totalPrice"] // 2,
        3 * data["stays"][1]["totalPrice"] // 2,
    )
    assert_inventory_consistent()


def test_the_guest_moves_every_stay_with_the_token(api):
    data = reserve(api, stay(), stay())
    token = {"HTTP_X_BOOKING_TOKEN": data["guestToken"]}
    response = change(api, data, d(1), d(3), **token)
    assert response.status_code == 200, response.json()
    assert {(s["checkIn"], s["checkOut"]) for s in response.json()["stays"]} == {(d(1), d(3))}
    assert_inventory_consistent()


def test_a_stay_that_cannot_move_is_named_and_the_moved_ones_reported(api):
    data = reserve(api, stay(), stay("Suite"))
    deluxe, suite = (s["bookingId"] for s in data["stays"])
    # Someone else takes the only Suite on the new dates.
    other = api.post("/api/reservations", {"booker": {"name": "Bo", "email": "bo@g.test"},
                                           "stays": [stay("Suite", start=10)]},
                     format="json").json()  # fmt: skip
    desk = api.as_role(roles.FRONT_DESK)
    refused = change(desk, data, d(10), d(12))
    error = assert_error(refused, 409, "STAY_NOT_CHANGED")
    assert suite in error["message"] and deluxe in error["message"]
    details = error["details"]
    assert details["bookingId"] == suite
    assert details["changed"] == [deluxe] and details["unchanged"] == [suite]
    assert details["error"]["code"] == "ROOM_UNAVAILABLE"
    assert Booking.get(deluxe, consistent_read=True).checkIn == d(10)  # moved, stays moved
    assert Booking.get(suite, consistent_read=True).checkIn == d(0)  # untouched
    assert_inventory_consistent()

    # The Suite frees up: the same call moves only the rest.
    cancelled = api.post(f"/api/reservations/{other['reservationId']}/cancel",
                         HTTP_X_BOOKING_TOKEN=other["guestToken"])  # fmt: skip
    assert cancelled.status_code == 200, cancelled.json()
    again = change(api.as_role(roles.FRONT_DESK), data, d(10), d(12))
    assert again.status_code == 200, again.json()
    assert again.json()["changed"] == [suite]
    assert_inventory_consistent()


def test_bad_dates_and_strangers_are_refused_before_anything_moves(api):
    data = reserve(api, stay(), stay())
    desk = api.as_role(roles.FRONT_DESK)
    fields = assert_error(change(desk, data, d(3), d(3)), 400, "VALIDATION_ERROR")["details"][
        "fields"
    ]
    assert "checkOut" in fields
    missing = desk.post(
        f"/api/reservations/{data['reservationId']}/change", {"checkIn": d(1)}, format="json"
    )
    assert "checkOut" in assert_error(missing, 400, "VALIDATION_ERROR")["details"]["fields"]
    for role in (roles.HOUSEKEEPING, roles.ACCOUNTANT):  # no bookings.change_booking
        assert_error(change(api.as_role(role), data, d(1), d(3)), 404, "RESERVATION_NOT_FOUND")
    api.credentials()
    assert_error(change(api, data, d(1), d(3)), 404, "RESERVATION_NOT_FOUND")
    wrong = {"HTTP_X_BOOKING_TOKEN": "nope"}
    assert_error(change(api, data, d(1), d(3), **wrong), 404, "RESERVATION_NOT_FOUND")
    assert {b.checkIn for b in Booking.scan()} == {d(0)}


def test_nothing_left_to_move_is_a_409(api):
    data = reserve(api, stay())
    token = {"HTTP_X_BOOKING_TOKEN": data["guestToken"]}
    assert api.post(f"/api/reservations/{data['reservationId']}/cancel", **token).status_code == 200
    error = assert_error(change(api, data, d(1), d(3), **token), 409, "STAY_NOT_CHANGED")
    assert error["details"]["changed"] == []
