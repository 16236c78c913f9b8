"""Rooms at the desk (hotel/backoffice/room_desk.py): the dashboard's "Assign rooms" and
the booking page's assign / move / pin / unassign section."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from bookings.models import Booking
from bookings.services import hotel_today
from hotel.accounts import roles
from rooms.services import room_set_housekeeping
from tests.conftest import NOW

DASHBOARD = "/admin/dashboard/"
ASSIGN = "/admin/rooms/assign/"
ROOM = "/admin/rooms/booking/"


def page(booking) -> str:
    return f"/admin/bookings/booking/{booking.bookingId}/change/"


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def desk(client_for):
    return client_for(roles.FRONT_DESK)


@pytest.fixture
def hotel(make_room):
    for room_id, kind, floor in (
        ("101", "Deluxe", 1),
        ("102", "Deluxe", 1),
        ("103", "Deluxe", 2),
        ("201", "Suite", 2),
    ):
        make_room(roomId=room_id, roomType=kind, floorNumber=floor, capacity=2)


def test_arrivals_show_unassigned_bookings_and_assign_rooms_places_them(desk, hotel, book):
    typed = book(None, room_type="Deluxe", start=0, nights=2, status="confirmed", guest_name="Tia")

    dashboard = desk.get(DASHBOARD).content.decode()

    assert "Tia" in dashboard and "Unassigned" in dashboard and 'value="Assign rooms"' in dashboard
    assert "1 arrival without a room" in dashboard
    day = hotel_today(timezone.now()).isoformat()
    done = desk.post(ASSIGN, {"day": day, "next": DASHBOARD})

    assert done.status_code == 302 and done["Location"] == DASHBOARD
    stored = Booking.get(typed.bookingId, consistent_read=True)
    assert stored.roomId in ("101", "102", "103") and not stored.roomPinned
    [message] = messages_of(done)
    assert "1 assigned, 0 moved, 0 could not be placed" in message
    assert f"{typed.bookingId} → {stored.roomId}" in message
    again = desk.post(ASSIGN, {"day": day})
    assert "0 assigned, 0 moved, 0 could not be placed" in messages_of(again)[-1]


def test_assign_rooms_names_the_bookings_it_cannot_place(desk, make_room, book):
    make_room(roomId="101", roomType="Deluxe", capacity=2)
    make_room(roomId="102", roomType="Deluxe", capacity=2)
    book("101", start=0, nights=1, status="confirmed")  # pinned: 101 tonight
    book("102", start=1, nights=1, status="confirmed")  # pinned: 102 tomorrow
    typed = book(None, room_type="Deluxe", start=0, nights=2, status="confirmed")

    done = desk.post(ASSIGN, {"day": hotel_today(timezone.now()).isoformat()})

    text = " ".join(messages_of(done))
    assert "0 assigned" in text and "1 could not be placed" in text
    assert f"Not placed: {typed.bookingId}" in text


def test_the_booking_page_offers_free_rooms_of_its_type_ready_first(desk, hotel, book):
    typed = book(None, room_type="Deluxe", start=1, nights=2, status="confirmed")
    book("101", start=2, nights=1, status="confirmed")  # 101 is taken on the second night
    room_set_housekeeping(room_id="102", state="dirty", actor="hk", now=NOW)
    room_set_housekeeping(room_id="103", state="inspected", actor="hk", now=NOW)

    response = desk.get(page(typed))

    text = response.content.decode()
    assert "— (unassigned)" in text
    same = [c["room"].roomId for c in response.context["room_same_type"]]
    assert same == ["103", "102"]  # inspected before dirty; 101 is not free
    assert [c["room"].roomId for c in response.context["room_other_types"]] == ["201"]
    assert "Upgrade / move to another type" in text and 'name="keep_rate"' in text
    assert 'value="Assign this room"' in text and 'value="Unassign"' not in text


def test_the_booking_page_assigns_pins_and_unassigns(desk, hotel, book):
    typed = book(None, room_type="Deluxe", start=1, nights=2, status="confirmed")
    back = page(typed)

    desk.post(ROOM, {"booking_id": typed.bookingId, "room_id": "102", "next": back})
    stored = Booking.get(typed.bookingId, consistent_read=True)
    assert (stored.roomId, stored.roomPinned) == ("102", None)

    text = desk.get(back).content.decode()
    assert "Room: <strong>102</strong>" in text and 'value="Unassign"' in text
    pinned = desk.post(
        ROOM, {"booking_id": typed.bookingId, "room_id": "102", "pinned": "1", "next": back}
    )
    assert pinned["Location"] == back
    assert Booking.get(typed.bookingId, consistent_read=True).roomPinned is True
    assert "102 (pinned)" in desk.get(back).content.decode()

    desk.post(ROOM, {"booking_id": typed.bookingId, "action": "unassign", "next": back})
    stored = Booking.get(typed.bookingId, consistent_read=True)
    assert (stored.roomId, stored.roomPinned) == (None, None)


def test_a_guest_in_house_keeps_the_room(desk, hotel, book):
    staying = book("101", start=0, nights=2, status="checked-in")

    text = desk.get(page(staying)).content.decode()
    assert "The guest is in house" in text and 'value="Unassign"' not in text

    refused = desk.post(ROOM, {"booking_id": staying.bookingId, "action": "unassign"})
    assert "Nothing was changed" in messages_of(refused)[0]
    assert Booking.get(staying.bookingId, consistent_read=True).roomId == "101"


def test_pages_listing_bookings_show_unassigned_ones(desk, hotel, book):
    typed = book(None, room_type="Deluxe", start=0, nights=1, status="confirmed")

    listing = desk.get("/admin/bookings/booking/").content.decode()

    assert typed.bookingId in listing and "— (unassigned)" in listing
    assert desk.get(page(typed)).status_code == 200
