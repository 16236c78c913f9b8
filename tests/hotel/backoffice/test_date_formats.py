"""One way to write dates across the back office: "Tue 1 Dec 2026" for a day, the same with a
24-hour time for a moment, ISO (YYYY-MM-DD) in inputs; on the booking page, the lists, the
dashboard and the rack alike."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from bookings.services import hotel_today
from hotel.accounts import roles

# What the other formats looked like: Django's US default ("Dec. 1, 2026", "4:25 a.m."),
# the dashboard's yearless "Tue 1 Dec" and zero-padded "01 Dec 2026", raw ISO in text.
OTHER_FORMATS = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\.? \d{1,2}, \d{4}"
    r"|\b[ap]\.m\.|\bnoon\b|\bmidnight\b"
    r"|\b0\d (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}"
)


def day_text(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def moment_text(moment: datetime) -> str:
    moment = timezone.localtime(moment)
    return f"{day_text(moment.date())}, {moment:%H:%M}"


def visible(html: str) -> str:
    """The page's text without tags, scripts, styles and attribute values."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture
def rooms(make_room):
    for room_id in ("101", "102", "103"):
        make_room(roomId=room_id, capacity=2, pricePerNight=10000)


def test_the_booking_page_writes_days_and_moments_one_way(client_for, rooms, book):
    booking = book("101", start=0, nights=2, status="checked-in")
    today = hotel_today(timezone.now())

    text = client_for(roles.FRONT_DESK).get(f"/admin/bookings/booking/{booking.bookingId}/change/")

    page = visible(text.content.decode())
    assert day_text(today) in page and day_text(today + timedelta(days=2)) in page
    assert moment_text(booking.createdAt) in page
    assert not OTHER_FORMATS.search(page), OTHER_FORMATS.search(page).group(0)


def test_inputs_keep_iso_dates(client_for, rooms, book):
    booking = book("101", start=3, nights=2, status="confirmed")
    first = hotel_today(timezone.now()) + timedelta(days=3)

    html = (
        client_for(roles.FRONT_DESK)
        .get(f"/admin/bookings/booking/{booking.bookingId}/change/")
        .content.decode()
    )

    assert re.search(rf'type="date" name="checkIn" value="{first.isoformat()}"', html)
    assert day_text(first) in visible(html)  # the nights held, as text


def test_the_list_writes_arrival_and_departure_days_one_way(client_for, rooms, book):
    book("101", start=0, nights=2, status="confirmed")
    today = hotel_today(timezone.now())

    html = client_for(roles.FRONT_DESK).get("/admin/bookings/booking/").content.decode()

    page = visible(html)
    assert day_text(today) in page and day_text(today + timedelta(days=2)) in page
    assert not OTHER_FORMATS.search(page)


def test_the_dashboard_writes_days_with_the_year(admin_client, rooms, book):
    book("101", start=0, nights=2, status="confirmed", guest_name="Ada Arriving")
    today = hotel_today(timezone.now())

    html = admin_client.get("/admin/dashboard/").content.decode()

    page = visible(html)
    arrivals = visible(html.split('id="arrivals"')[1].split("</table>")[0])
    assert day_text(today) in arrivals
    first = today.replace(day=1)
    assert day_text(first) in page  # the revenue period: this month
    assert not OTHER_FORMATS.search(page), OTHER_FORMATS.search(page).group(0)
    assert not re.search(r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2}(?! \d{4})", page)


def test_the_rack_describes_stays_with_the_same_days(client_for, rooms, book):
    book("101", start=1, nights=2, status="confirmed", guest_name="Ada Arriving")
    first = hotel_today(timezone.now()) + timedelta(days=1)

    html = client_for(roles.FRONT_DESK).get("/admin/rack/").content.decode()

    assert f"{day_text(first)} → {day_text(first + timedelta(days=2))}" in html
    assert first.isoformat() + " →" not in html
