"""The guests API (staff): search, read, edit (audited), merge; and a booking's guest details
(PATCH /api/bookings/{id}/guest), refused when a new count would change the price."""

from __future__ import annotations

from bookings.guests.models import GuestProfile
from bookings.models import Booking
from hotel.accounts import roles
from hotel.audit.selectors import audit_for_object


def pid(booking) -> str:
    return Booking.get(booking.bookingId).profileId


def test_search_read_edit_and_merge(api, room, make_booking):
    a = make_booking(guest_name="Ada Lovelace", guest_email="ada@one.test").booking
    b = make_booking(start=5, guest_name="Ada King", guest_email="ada@two.test").booking
    client = api.as_role(roles.FRONT_DESK)

    found = client.get("/api/guests", {"q": "lov"}).json()
    assert found["kind"] == "name" and [p["profileId"] for p in found["profiles"]] == [pid(a)]
    assert found["profiles"][0]["recentBookings"][0]["bookingId"] == a.bookingId
    assert client.get("/api/guests", {"q": "ada@two.test"}).json()["profiles"][0]["name"] == (
        "Ada King"
    )

    profile = client.get(f"/api/guests/{pid(a)}").json()
    response = client.patch(
        f"/api/guests/{pid(a)}",
        {
            "notes": "allergic to feathers",
            "marketingConsent": True,
            "revision": profile["revision"],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["marketingConsentAt"] is not None
    stale = client.patch(f"/api/guests/{pid(a)}", {"vip": True, "revision": 1}, format="json")
    assert stale.status_code == 409

    merged = client.post(f"/api/guests/{pid(b)}/merge", {"into": pid(a)}, format="json")
    assert merged.status_code == 200 and b.bookingId in merged.json()["bookingIds"]
    again = client.post(
        f"/api/guests/{GuestProfile.get(pid(a)).profileId}/merge",
        {"into": "GP-NONE"},
        format="json",
    )
    assert again.status_code == 404


def test_bad_input_is_one_answer_with_every_field(api, room, make_booking):
    a = make_booking().booking
    client = api.as_role(roles.FRONT_DESK)
    response = client.patch(
        f"/api/guests/{pid(a)}", {"email": "nope", "vip": "maybe", "x": 1}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["details"]["fields"]) == {"email", "vip", "x"}
    assert client.get("/api/guests").status_code == 400


def test_booking_guest_patch_is_audited_and_relinks(api, room, make_booking):
    booking = make_booking(guests=2).booking
    client = api.as_role(roles.FRONT_DESK)
    old = pid(booking)

    response = client.patch(
        f"/api/bookings/{booking.bookingId}/guest",
        {
            "guestName": "Grace Hopper",
            "guestPhone": "+1 555 0100",
            "guestEmail": "grace@x.test",
            "notes": "cot please",
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["guestName"] == "Grace Hopper"
    assert pid(booking) != old
    entries = audit_for_object(object_type="bookings.booking", object_id=booking.bookingId)
    assert any(
        e.action == "guest" and e.changes.get("notes") == ["", "cot please"] for e in entries
    )


def test_a_guest_count_beyond_the_room_or_changing_the_price_is_refused(
    api, room, make_booking, make_room
):
    booking = make_booking(guests=1).booking
    client = api.as_role(roles.FRONT_DESK)
    too_many = client.patch(
        f"/api/bookings/{booking.bookingId}/guest", {"adults": 3}, format="json"
    )
    assert too_many.status_code == 400
    assert "adults" in too_many.json()["error"]["details"]["fields"]
    same_price = client.patch(
        f"/api/bookings/{booking.bookingId}/guest", {"adults": 2}, format="json"
    )  # a price per room: the count does not move it
    assert same_price.status_code == 200, same_price.json()
    assert Booking.get(booking.bookingId).guests == 2


def test_accountants_read_but_do_not_edit_guests(api, room, make_booking):
    booking = make_booking().booking
    client = api.as_role(roles.ACCOUNTANT)
    assert client.get(f"/api/guests/{pid(booking)}").status_code == 200
    assert (
        client.patch(f"/api/guests/{pid(booking)}", {"vip": True}, format="json").status_code == 403
    )


def test_a_guest_count_that_changes_the_price_is_refused(api, make_room, make_booking):
    from tests.bookings.test_rate_plan_offers import plan

    make_room(roomId="R-1", capacity=4, pricePerNight=10000)
    plan("FLEX", name="Flexible", occupancy={"included": 2, "extraAdult": 2000})
    booking = make_booking(guests=2).booking
    client = api.as_role(roles.FRONT_DESK)

    response = client.patch(
        f"/api/bookings/{booking.bookingId}/guest", {"adults": 3}, format="json"
    )

    assert response.status_code == 409, response.json()
    assert response.json()["error"]["code"] == "GUEST_COUNT_CHANGES_PRICE"
    assert Booking.get(booking.bookingId).guests == 2
