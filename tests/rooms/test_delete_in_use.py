"""A room with live stays cannot be deleted (API and admin), and a booking made while it is
being deleted cannot slip in: either the delete is refused or the booking is."""

import threading
from datetime import UTC, datetime, timedelta

import pytest

from bookings.services import booking_create, booking_transition, hotel_today
from hotel.accounts import roles
from hotel.errors import DomainError
from rooms.models import Room
from tests.rooms.test_api import assert_error


def now():
    return datetime.now(UTC)


def stay(room_id, *, start, nights=2, status="pending", at=None, **kw):
    """A booking of `room_id` from `start` days after today, moved to `status`."""
    at = at or now()
    today = hotel_today(now())
    booking = booking_create(
        room_id=room_id,
        check_in=today + timedelta(days=start),
        check_out=today + timedelta(days=start + nights),
        guests=1,
        guest_name="Stay Guest",
        guest_email="stay@guest.test",
        actor="test",
        now=at,
        **kw,
    ).booking
    path = {"pending": [], "confirmed": ["confirmed"], "checked-in": ["confirmed", "checked-in"]}
    path["checked-out"] = [*path["checked-in"], "checked-out"]
    for step in path[status]:
        booking_transition(
            booking_id=booking.bookingId,
            to_status=step,
            actor="test",
            now=at,
            override_balance=True,  # a past stay, settled: its bill is not what is tested
        )
    return booking


@pytest.fixture
def manager_api(api):
    return api.as_role(roles.MANAGER)


@pytest.mark.parametrize("status", ["pending", "confirmed"])
def test_a_room_with_stays_to_come_is_not_deleted(manager_api, make_room, status):
    make_room(roomId="R-1")
    bookings = [stay("R-1", start=5 + 3 * n, status=status).bookingId for n in range(3)]

    error = assert_error(manager_api.delete("/api/rooms/R-1"), 409, "ROOM_IN_USE")

    assert sorted(error["details"]["bookings"]) == sorted(bookings)
    assert "3 live booking" in error["message"]
    room = Room.get("R-1", consistent_read=True)
    assert room.retiringUntil is None  # sellable again at once
    stay("R-1", start=30)  # and it still sells


def test_a_room_with_a_guest_in_house_is_not_deleted(manager_api, make_room):
    make_room(roomId="R-1")
    yesterday = now() - timedelta(days=1)
    # Due out today and not checked out yet: no night from today on, but the guest is there.
    guest = stay("R-1", start=-1, nights=1, status="checked-in", at=yesterday)

    error = assert_error(manager_api.delete("/api/rooms/R-1"), 409, "ROOM_IN_USE")

    assert error["details"]["bookings"] == [guest.bookingId]
    assert Room.get("R-1").roomId == "R-1"


def test_a_room_with_only_past_or_dead_bookings_is_deleted(manager_api, make_room):
    make_room(roomId="R-1")
    two_days_ago = now() - timedelta(days=2)
    stay("R-1", start=-2, nights=1, status="checked-out", at=two_days_ago)
    stay("R-1", start=10, at=now() - timedelta(days=3))  # a hold that expired long ago

    assert manager_api.delete("/api/rooms/R-1").status_code == 204
    assert_error(manager_api.get("/api/rooms/R-1"), 404, "ROOM_NOT_FOUND")


def test_the_admin_refuses_to_delete_a_room_in_use(admin_client, make_room):
    make_room(roomId="101")
    booking = stay("101", start=3, status="confirmed")

    response = admin_client.post(
        "/admin/rooms/room/101/delete/", {"post": "yes", "_version": "1"}, follow=True
    )

    assert response.status_code == 200
    assert b"is in use by 1 live booking" in response.content
    assert booking.bookingId.encode() in response.content
    assert Room.get("101").roomId == "101"


def test_a_delete_and_a_booking_at_the_same_time_never_orphan_a_stay(make_room):
    """Ten rounds of one delete racing one booking of the room: never both succeed."""
    for round_ in range(10):
        room_id = f"R-RACE-{round_}"
        make_room(roomId=room_id)
        barrier = threading.Barrier(2)
        outcome = {}

        def delete(room_id=room_id, barrier=barrier, outcome=outcome):
            from rooms.services import room_delete

            barrier.wait()
            try:
                room_delete(room_id=room_id, actor="manager", now=now())
                outcome["deleted"] = True
            except DomainError:
                outcome["deleted"] = False

        def book(room_id=room_id, barrier=barrier, outcome=outcome):
            barrier.wait()
            try:
                stay(room_id, start=4)
                outcome["booked"] = True
            except DomainError:
                outcome["booked"] = False

        threads = [threading.Thread(target=delete), threading.Thread(target=book)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not (outcome["deleted"] and outcome["booked"]), (round_, outcome)
        assert outcome["deleted"] or outcome["booked"], (round_, outcome)
