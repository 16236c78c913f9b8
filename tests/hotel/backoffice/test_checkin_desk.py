"""Check-in at the desk: the dashboard's button and the booking page's action refuse a room
with a guest still in it, and ask before giving a dirty room ("Check in anyway", audited)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from bookings.models import Booking
from hotel.accounts import roles
from hotel.audit.selectors import audit_for_object
from rooms.models import Room
from rooms.services import room_set_housekeeping
from tests.conftest import NOW

STAY = "/admin/dashboard/stay/"


def yesterday():
    return timezone.now() - timedelta(days=1)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def actions_url(booking) -> str:
    return f"/admin/bookings/booking/{booking.bookingId}/actions/"


@pytest.fixture
def room(make_room):
    make_room(roomId="101", capacity=2, pricePerNight=10000)


@pytest.fixture
def desk(client_for):
    return client_for(roles.FRONT_DESK)


def test_the_dashboard_refuses_a_room_whose_guest_is_still_in_house(desk, room, book):
    staying = book(
        "101", start=-1, nights=1, status="checked-in", guest_name="Bo Overdue", now=yesterday()
    )
    arriving = book("101", start=0, nights=2, status="confirmed", guest_name="Ada Arriving")

    response = desk.post(STAY, {"booking_id": arriving.bookingId, "to": "checked-in"})

    assert response.status_code == 302
    [message] = messages_of(response)
    assert f"still occupied by booking {staying.bookingId}" in message
    assert Booking.get(arriving.bookingId).status == "confirmed"
    assert Room.get("101").occupantBookingId == staying.bookingId
    # Posting the override by hand changes nothing: it is for housekeeping only.
    desk.post(STAY, {"booking_id": arriving.bookingId, "to": "checked-in", "override": "1"})
    assert Booking.get(arriving.bookingId).status == "confirmed"


def test_the_dashboard_asks_before_giving_a_dirty_room(desk, room, book):
    arriving = book("101", start=0, nights=2, status="confirmed", guest_name="Ada Arriving")
    room_set_housekeeping(room_id="101", state="dirty", actor="hk", now=NOW)

    asked = desk.post(STAY, {"booking_id": arriving.bookingId, "to": "checked-in"})

    assert asked.status_code == 200
    text = asked.content.decode()
    assert "Room 101 is dirty" in text and 'value="Check in anyway"' in text
    assert 'name="override" value="1"' in text
    assert Booking.get(arriving.bookingId).status == "confirmed"

    done = desk.post(STAY, {"booking_id": arriving.bookingId, "to": "checked-in", "override": "1"})

    assert done.status_code == 302
    assert Booking.get(arriving.bookingId).status == "checked-in"
    assert any("checked in anyway" in m for m in messages_of(done))
    entry = audit_for_object(object_type="bookings.booking", object_id=arriving.bookingId)[0]
    assert entry.actor == desk.user.email and entry.after["roomHousekeeping"] == "dirty"


def test_the_dashboard_refuses_an_out_of_order_room_without_offering_an_override(
    desk, room, book, make_room
):
    arriving = book("101", start=0, nights=2, status="confirmed")
    make_room(roomId="102")  # a spare room of the type: 101 may go out of order
    room_set_housekeeping(room_id="101", state="out_of_order", actor="hk", now=NOW)

    response = desk.post(
        STAY, {"booking_id": arriving.bookingId, "to": "checked-in", "override": "1"}
    )

    assert response.status_code == 302
    [message] = messages_of(response)
    assert "out of order" in message
    assert Booking.get(arriving.bookingId).status == "confirmed"


def test_the_booking_page_offers_check_in_anyway_only_for_a_room_not_ready(desk, room, book):
    arriving = book("101", start=0, nights=2, status="confirmed")
    page = desk.get(f"/admin/bookings/booking/{arriving.bookingId}/change/").content.decode()
    assert "Check in anyway" not in page

    room_set_housekeeping(room_id="101", state="dirty", actor="hk", now=NOW)
    refused = desk.post(actions_url(arriving), {"action": "check_in"})
    assert any("is dirty" in m for m in messages_of(refused))
    assert Booking.get(arriving.bookingId).status == "confirmed"
    page = desk.get(f"/admin/bookings/booking/{arriving.bookingId}/change/").content.decode()
    assert "Check in anyway (room not ready)" in page

    desk.post(actions_url(arriving), {"action": "check_in_anyway"})

    assert Booking.get(arriving.bookingId).status == "checked-in"
    room = Room.get("101")
    assert (room.status, room.occupantBookingId) == ("occupied", arriving.bookingId)


def test_the_booking_page_refuses_a_second_guest_in_one_room(desk, room, book):
    staying = book("101", start=-1, nights=1, status="checked-in", now=yesterday())
    arriving = book("101", start=0, nights=2, status="confirmed")

    response = desk.post(actions_url(arriving), {"action": "check_in"})

    assert any(f"still occupied by booking {staying.bookingId}" in m for m in messages_of(response))
    assert Booking.get(arriving.bookingId).status == "confirmed"
