"""The per-room iCal feed: signed URL, blocked nights only, parsed with a real parser."""

from __future__ import annotations

from datetime import date, timedelta

import icalendar
import pytest
from django.test import Client
from django.utils import timezone

from bookings.clock import hotel_today
from bookings.services import booking_create, booking_transition
from hotel.accounts import roles
from rooms.calendar_tokens import room_calendar_path, room_calendar_token
from rooms.services import room_set_housekeeping


@pytest.fixture
def client_for(make_staff):
    """`client_for(role)`: a test client signed in as a new staff member with that role."""

    def make(role: str) -> Client:
        client = Client()
        client.user = make_staff(role)
        client.force_login(client.user)
        return client

    return make


@pytest.fixture
def stays(make_room):
    make_room(roomId="101")
    make_room(roomId="102")
    now = timezone.now()
    today = hotel_today(now)

    def book(room_id, start, nights, status=None, name="Ada Secret"):
        booking = booking_create(
            room_id=room_id,
            check_in=today + timedelta(days=start),
            check_out=today + timedelta(days=start + nights),
            guests=1,
            guest_name=name,
            guest_email="ada.secret@guest.test",
            guest_phone="+91 98765 43210",
            actor="t",
            now=now,
        ).booking
        for step in status or []:
            booking_transition(booking_id=booking.bookingId, to_status=step, actor="t", now=now)
        return booking

    return {
        "today": today,
        "confirmed": book("101", 3, 2, ["confirmed"]),
        "held": book("101", 10, 1),
        "cancelled": book("101", 20, 2, ["cancelled"]),
        "other room": book("102", 3, 2, ["confirmed"]),
    }


def feed(room_id="101"):
    response = Client().get(room_calendar_path(room_id))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return response, icalendar.Calendar.from_ical(response.content)


def test_the_feed_lists_booked_nights_as_all_day_events(stays):
    today = stays["today"]

    _, calendar = feed()

    events = sorted((e.decoded("dtstart"), e.decoded("dtend")) for e in calendar.walk("VEVENT"))
    assert events == [
        (today + timedelta(days=3), today + timedelta(days=5)),
        (today + timedelta(days=10), today + timedelta(days=11)),
    ]
    for event in calendar.walk("VEVENT"):
        assert isinstance(event.decoded("dtstart"), date)
        assert str(event["summary"]) == "Not available"


def test_the_feed_carries_no_guest_data(stays):
    response, _ = feed()

    body = response.content.decode()
    for secret in ("Ada", "Secret", "ada.secret", "98765", stays["confirmed"].bookingId):
        assert secret not in body


def test_an_out_of_order_room_is_closed_in_its_feed(stays, make_room):
    from tests.conftest import NOW

    make_room(roomId="103")  # a spare Deluxe: the type keeps a room for each booking
    room_set_housekeeping(room_id="102", state="out_of_order", actor="t", now=NOW)

    _, calendar = feed("102")

    summaries = sorted(str(e["summary"]) for e in calendar.walk("VEVENT"))
    assert summaries == ["Closed", "Not available"]


@pytest.mark.parametrize(
    "path",
    [
        lambda: f"/calendars/rooms/101/{'0' * 40}.ics",
        lambda: f"/calendars/rooms/101/{room_calendar_token('102')}.ics",  # another room's
        lambda: f"/calendars/rooms/101/{room_calendar_token('101')[:-1]}.ics",
        lambda: f"/calendars/rooms/999/{room_calendar_token('999')}.ics",  # no such room
    ],
    ids=["forged", "other room's token", "truncated", "unknown room"],
)
def test_a_bad_or_forged_token_is_404(stays, path):
    assert Client().get(path()).status_code == 404


def test_only_managers_see_the_feed_url_on_the_room_page(stays, client_for):
    path = room_calendar_path("101")

    assert path in client_for(roles.MANAGER).get("/admin/rooms/room/101/change/").content.decode()
    for role in (roles.FRONT_DESK, roles.HOUSEKEEPING, roles.ACCOUNTANT):
        page = client_for(role).get("/admin/rooms/room/101/change/").content.decode()
        assert path not in page
