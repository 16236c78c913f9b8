"""The per-room-type iCal feed: the nights a type is sold out, from the inventory counters
only, behind a signed URL of its own; parsed with a real parser."""

from __future__ import annotations

from datetime import date, timedelta

import icalendar
import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from bookings.clock import hotel_today
from bookings.models import Booking, InventoryNight, RoomNight
from bookings.services import booking_create
from hotel.accounts import roles
from rooms.calendar_tokens import (
    room_calendar_token,
    room_type_calendar_path,
    room_type_calendar_token,
)


@pytest.fixture
def deluxe(make_room):
    """Two Deluxe rooms, and `book(start, nights)`: a hold of one Deluxe unit from today +
    `start`."""
    make_room(roomId="101")
    make_room(roomId="102")
    now = timezone.now()
    today = hotel_today(now)

    def book(start: int, nights: int) -> Booking:
        return booking_create(
            room_type="Deluxe",
            check_in=today + timedelta(days=start),
            check_out=today + timedelta(days=start + nights),
            guests=1,
            guest_name="Ada Secret",
            guest_email="ada.secret@guest.test",
            guest_phone="+91 98765 43210",
            actor="t",
            now=now,
        ).booking

    return {"today": today, "book": book}


def feed(code="Deluxe"):
    response = Client().get(room_type_calendar_path(code))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return response, icalendar.Calendar.from_ical(response.content)


def events(calendar) -> list[tuple[date, date]]:
    return sorted((e.decoded("dtstart"), e.decoded("dtend")) for e in calendar.walk("VEVENT"))


def test_a_type_with_a_unit_left_every_night_has_no_event(deluxe):
    deluxe["book"](3, 4)

    _, calendar = feed()

    assert events(calendar) == []


def test_the_nights_both_units_are_sold_are_one_all_day_event(deluxe):
    today = deluxe["today"]
    deluxe["book"](3, 4)  # nights +3 … +6
    deluxe["book"](5, 4)  # nights +5 … +8: both units sold on +5 and +6

    _, calendar = feed()

    assert events(calendar) == [(today + timedelta(days=5), today + timedelta(days=7))]
    (event,) = calendar.walk("VEVENT")
    assert isinstance(event.decoded("dtstart"), date)
    assert str(event["summary"]) == "Not available"
    assert str(event["uid"]).endswith("@hotel-room-type-calendar")


def test_separate_sold_out_runs_are_separate_events_with_stable_uids(deluxe):
    today = deluxe["today"]
    deluxe["book"](3, 1)
    deluxe["book"](3, 1)
    deluxe["book"](10, 2)
    deluxe["book"](10, 2)

    _, first = feed()
    _, again = feed()

    assert events(first) == [
        (today + timedelta(days=3), today + timedelta(days=4)),
        (today + timedelta(days=10), today + timedelta(days=12)),
    ]
    uids = sorted(str(e["uid"]) for e in first.walk("VEVENT"))
    assert len(set(uids)) == 2
    assert uids == sorted(str(e["uid"]) for e in again.walk("VEVENT"))


def test_the_feed_carries_no_guest_data(deluxe):
    booking = deluxe["book"](3, 2)
    deluxe["book"](3, 2)

    response, _ = feed()

    body = response.content.decode()
    assert "BEGIN:VEVENT" in body
    for secret in ("Ada", "Secret", "ada.secret", "98765", booking.bookingId):
        assert secret not in body


def test_the_feed_reads_only_the_inventory_one_query_per_month(deluxe, monkeypatch):
    deluxe["book"](3, 2)
    deluxe["book"](3, 2)
    months = []
    query = InventoryNight.query

    def counted(month, *args, **kwargs):
        months.append(month)
        return query(month, *args, **kwargs)

    def refused(*args, **kwargs):
        raise AssertionError("the type's feed reads the inventory only")

    monkeypatch.setattr(InventoryNight, "query", counted)
    monkeypatch.setattr(InventoryNight, "scan", refused)
    for model in (Booking, RoomNight):
        for read in ("query", "scan", "get", "batch_get"):
            monkeypatch.setattr(model, read, refused)

    _, calendar = feed()

    assert len(events(calendar)) == 1
    today = deluxe["today"]
    first = today - timedelta(days=30)
    last = today + timedelta(days=settings.HOTEL_BOOKING_HORIZON_DAYS)
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    assert len(months) == len(set(months)) == span


@pytest.mark.parametrize(
    "path",
    [
        lambda: f"/calendars/room-types/Deluxe/{'0' * 40}.ics",
        lambda: f"/calendars/room-types/Deluxe/{room_type_calendar_token('Deluxe')[:-1]}.ics",
        lambda: f"/calendars/room-types/Deluxe/{room_type_calendar_token('Suite')}.ics",
        lambda: f"/calendars/room-types/Nope/{room_type_calendar_token('Nope')}.ics",  # unknown
        lambda: f"/calendars/room-types/Deluxe/{room_calendar_token('Deluxe')}.ics",
        lambda: f"/calendars/room-types/Deluxe/{room_calendar_token('101')}.ics",
    ],
    ids=[
        "forged",
        "truncated",
        "other type's token",
        "unknown type",
        "room salt on the type's code",
        "a room's token",
    ],
)
def test_a_bad_token_or_an_unknown_type_is_404(deluxe, path):
    response = Client().get(path())

    assert response.status_code == 404
    assert b"BEGIN:VCALENDAR" not in response.content


def test_only_managers_see_the_feed_url_on_the_room_type_page(deluxe, make_staff):
    path = room_type_calendar_path("Deluxe")

    def page(role: str) -> str:
        client = Client()
        client.force_login(make_staff(role))
        return client.get("/admin/rooms/roomtype/Deluxe/change/").content.decode()

    assert path in page(roles.MANAGER)
    for role in (roles.FRONT_DESK, roles.HOUSEKEEPING, roles.ACCOUNTANT):
        assert path not in page(role)
