"""The reservation API over HTTP: create, read with the token, cancel all or one stay."""

from datetime import UTC, date, datetime, timedelta

import pytest

from bookings.inventory import inventory_read
from bookings.models import Booking
from bookings.reservations.models import Reservation
from hotel.accounts import roles
from payments.models import Payment
from payments.services import payment_create
from tests.invariants import assert_inventory_consistent
from tests.rooms.test_api import assert_error

TODAY = date.today()


def d(n: int) -> str:
    return (TODAY + timedelta(days=30 + n)).isoformat()


def stay(room_type="Deluxe", start=0, nights=2, **over):
    return {"roomType": room_type, "adults": 2, "checkIn": d(start), "checkOut": d(start + nights),
            **over}  # fmt: skip


def body(*stays, **over):
    return {
        "booker": {"name": "Ada Booker", "email": "ada@guest.test", "phone": "+44 1234 567890"},
        "stays": list(stays) or [stay(), stay("Suite", childrenAges=[5], guestName="Bo Booker")],
        **over,
    }


@pytest.fixture(autouse=True)
def rooms(make_room, settings):
    settings.HOTEL_GUEST_HOLDS_PER_CLIENT = 0  # every request comes from 127.0.0.1
    for n in range(2):
        make_room(roomId=f"D-{n}", roomType="Deluxe", capacity=2, pricePerNight=10000)
    make_room(roomId="S-0", roomType="Suite", capacity=4, pricePerNight=20000)


def create(api, payload=None):
    response = api.post("/api/reservations", payload or body(), format="json")
    return response, response.json()


def test_create_answers_the_contract(api):
    response, data = create(api)
    assert response.status_code == 201, data
    assert response["Location"].endswith(f"/api/reservations/{data['reservationId']}")
    assert data["reservationId"].startswith("RS-") and data["guestToken"]
    assert data["status"] == "pending"
    assert data["booker"]["email"] == "ada@guest.test"
    first, second = data["stays"]
    assert (first["roomType"], second["roomType"]) == ("Deluxe", "Suite")
    assert (first["guestName"], second["guestName"]) == ("Ada Booker", "Bo Booker")
    assert second["childrenAges"] == [5] and first["checkIn"] == d(0)
    assert all(s["reservationId"] == data["reservationId"] for s in data["stays"])
    assert data["totalPrice"] == first["totalPrice"] + second["totalPrice"]
    assert data["dueNow"] == first["dueNow"] + second["dueNow"]
    assert data["currency"] == first["currency"]


def test_get_with_the_token_staff_or_nobody_else(api):
    _, data = create(api)
    path = f"/api/reservations/{data['reservationId']}"
    got = api.get(path, HTTP_X_BOOKING_TOKEN=data["guestToken"])
    assert got.status_code == 200, got.json()
    read = got.json()
    assert [s["bookingId"] for s in read["stays"]] == [s["bookingId"] for s in data["stays"]]
    assert read["payment"]["paid"] == 0 and "guestToken" not in read
    assert_error(api.get(path), 404, "RESERVATION_NOT_FOUND")
    assert_error(api.get(path, HTTP_X_BOOKING_TOKEN="wrong"), 404, "RESERVATION_NOT_FOUND")
    assert_error(api.get("/api/reservations/RS-NOPE", HTTP_X_BOOKING_TOKEN="x"), 404,
                 "RESERVATION_NOT_FOUND")  # fmt: skip
    assert api.as_role(roles.FRONT_DESK).get(path).status_code == 200


def test_each_stay_reads_through_the_bookings_api_with_the_reservations_token(api):
    _, data = create(api)
    for s in data["stays"]:
        got = api.get(f"/api/bookings/{s['bookingId']}", HTTP_X_BOOKING_TOKEN=data["guestToken"])
        assert got.status_code == 200 and got.json()["reservationId"] == data["reservationId"]


def test_a_booking_made_alone_is_a_one_stay_reservation(api):
    one = api.post("/api/bookings", {"roomType": "Deluxe", "checkIn": d(0), "checkOut": d(1),
                                     "adults": 1, "guestName": "Solo", "guestEmail": "s@g.test"},
                   format="json")  # fmt: skip
    assert one.status_code == 201, one.json()
    booking = one.json()
    assert booking["reservationId"] is None
    got = api.get(f"/api/reservations/{booking['bookingId']}",
                  HTTP_X_BOOKING_TOKEN=booking["guestToken"])  # fmt: skip
    assert got.status_code == 200, got.json()
    assert got.json()["reservationId"] == booking["bookingId"]
    assert [s["bookingId"] for s in got.json()["stays"]] == [booking["bookingId"]]
    assert Reservation.count() == 0


def test_409_when_any_stay_cannot_be_had_and_nothing_is_held(api):
    response, _ = create(api, body(stay(), stay(), stay()))  # three Deluxe, two exist
    error = assert_error(response, 409, "ROOM_UNAVAILABLE")
    assert error["details"]["stays"] == [0, 1, 2]
    assert Booking.count() == 0 and Reservation.count() == 0
    counters = inventory_read(first=date.fromisoformat(d(0)), last=date.fromisoformat(d(1)))
    assert all(item.sold == 0 for item in counters.values())


def test_every_stays_problems_in_one_400(api):
    response, _ = create(api, body(stay(adults=0), stay(checkOut=d(-1)), {"roomType": "Deluxe"}))
    fields = assert_error(response, 400, "VALIDATION_ERROR")["details"]["fields"]
    assert "stays[0].adults" in fields and "stays[1].checkOut" in fields
    assert {"stays[2].checkIn", "stays[2].checkOut", "stays[2].adults"} <= set(fields)
    response, _ = create(api, {"booker": {"name": ""}, "stays": []})
    fields = assert_error(response, 400, "VALIDATION_ERROR")["details"]["fields"]
    assert {"booker.name", "booker.email", "stays"} <= set(fields)


def test_too_large_is_422(api):
    response, _ = create(api, body(*[stay(nights=1) for _ in range(11)]))
    error = assert_error(response, 422, "RESERVATION_TOO_LARGE")
    assert error["details"]["maxStays"] == 10 and Booking.count() == 0


def test_idempotency_key_replays_without_a_second_reservation(api):
    first = api.post("/api/reservations", body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post("/api/reservations", body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["reservationId"] == again.json()["reservationId"]
    assert "guestToken" not in again.json() or not again.json()["guestToken"]
    assert Reservation.count() == 1 and Booking.count() == 2


def pay(booking_id, amount):
    return payment_create(booking_id=booking_id, amount=amount, currency="INR",
                          payment_method_id="pm_card_visa", actor="guest",
                          now=datetime.now(UTC)).payment  # fmt: skip


def test_cancel_all_refunds_each_stay_by_its_own_policy(api):
    # Stay 1 in 30 days (free cancellation), stay 2 in 3 days (the 2:50 rule: one night kept).
    payload = body(stay(), stay("Suite", start=-27))
    _, data = create(api, payload)
    first, second = data["stays"]
    pay(first["bookingId"], first["totalPrice"])
    pay(second["bookingId"], second["totalPrice"])
    path = f"/api/reservations/{data['reservationId']}/cancel"
    assert_error(api.post(path), 404, "RESERVATION_NOT_FOUND")
    response = api.post(path, HTTP_X_BOOKING_TOKEN=data["guestToken"])
    done = response.json()
    assert response.status_code == 200, done
    assert done["status"] == "cancelled" and {s["status"] for s in done["stays"]} == {"cancelled"}
    refunds = {r["bookingId"]: r["amount"] for r in done["refunds"]}
    assert refunds[first["bookingId"]] == first["totalPrice"]
    assert refunds[second["bookingId"]] == second["totalPrice"] - second["totalPrice"] // 2
    assert done["payment"]["refunded"] == sum(refunds.values())
    again = api.post(path, HTTP_X_BOOKING_TOKEN=data["guestToken"])
    assert_error(again, 409, "INVALID_TRANSITION")
    assert_inventory_consistent()


def test_cancel_one_stay_keeps_the_other(api):
    _, data = create(api)
    first, second = data["stays"]
    pay(first["bookingId"], first["totalPrice"])
    token = {"HTTP_X_BOOKING_TOKEN": data["guestToken"]}
    path = f"/api/reservations/{data['reservationId']}/stays/{first['bookingId']}/cancel"
    response = api.post(path, **token)
    done = response.json()
    assert response.status_code == 200, done
    assert [s["status"] for s in done["stays"]] == ["cancelled", "pending"]
    assert done["refunds"] == [{"bookingId": first["bookingId"], "amount": first["totalPrice"],
                                "currency": "INR", "status": "refunded"}]  # fmt: skip
    assert done["status"] == "pending" and done["totalPrice"] == second["totalPrice"]
    paid = Payment.get(next(iter(Payment.by_booking.query(first["bookingId"]))).transactionId)
    assert paid.refundedAmount == first["totalPrice"]
    # The other stay: through the bookings API with the same token.
    other = api.post(f"/api/bookings/{second['bookingId']}/cancel", **token)
    assert other.status_code == 200 and other.json()["status"] == "cancelled"
    stranger = f"/api/reservations/{data['reservationId']}/stays/BK-20260101-AAAAAAAA/cancel"
    assert_error(api.post(stranger, **token), 404, "BOOKING_NOT_FOUND")
    assert_inventory_consistent()


def test_a_stay_is_changed_through_the_booking_change_endpoint(api):
    _, data = create(api)
    first = data["stays"][0]
    response = api.post(f"/api/bookings/{first['bookingId']}/change",
                        {"checkIn": d(1), "checkOut": d(3)}, format="json",
                        HTTP_X_BOOKING_TOKEN=data["guestToken"])  # fmt: skip
    assert response.status_code == 200, response.json()
    assert response.json()["reservationId"] == data["reservationId"]
    read = api.get(f"/api/reservations/{data['reservationId']}",
                   HTTP_X_BOOKING_TOKEN=data["guestToken"]).json()  # fmt: skip
    assert read["stays"][0]["checkIn"] == d(1)
    assert_inventory_consistent()


def test_one_payment_pays_every_stay_and_each_bill_gets_its_share(api):
    _, data = create(api)
    token = {"HTTP_X_BOOKING_TOKEN": data["guestToken"]}
    path = f"/api/reservations/{data['reservationId']}"
    due = api.get(path, **token).json()["payment"]["dueNow"]
    assert due == sum(s["payment"]["dueNow"] for s in api.get(path, **token).json()["stays"])
    pay_path = f"{path}/payments"
    body = {"amount": due, "currency": data["currency"], "paymentMethodId": "pm_card_visa"}
    assert_error(api.post(pay_path, body, format="json"), 404, "RESERVATION_NOT_FOUND")
    wrong = api.post(pay_path, {**body, "amount": due - 1}, format="json", **token)
    assert assert_error(wrong, 400, "AMOUNT_MISMATCH")["details"]["expected"]["amount"] == due
    response = api.post(pay_path, body, format="json", **token)
    paid = response.json()
    assert response.status_code == 201, paid
    assert paid["status"] == "confirmed"
    assert [p["status"] for p in paid["payments"]] == ["completed", "completed"]
    assert sum(p["amount"] for p in paid["payments"]) == due
    assert paid["payment"]["paid"] == due and paid["payment"]["dueNow"] == 0
    assert paid["dueNow"] == 0  # what paying the reservation takes now, like payment.dueNow
    desk = api.as_role(roles.FRONT_DESK)
    for stay_body, payment in zip(paid["stays"], paid["payments"], strict=True):
        assert payment["bookingId"] == stay_body["bookingId"]
        bill = desk.get(f"/api/bookings/{stay_body['bookingId']}/folio").json()
        lines = [line for folio in bill["folios"] for line in folio["lines"]]
        assert sum(x["amount"] for x in lines if x["kind"] == "payment") == payment["amount"]
    again = api.post(pay_path, body, format="json", **token)
    assert_error(again, 409, "BOOKING_NOT_PAYABLE")
