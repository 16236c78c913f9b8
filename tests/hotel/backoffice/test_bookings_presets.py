"""The bookings list's presets: "Arrivals today" is only the first screen. "Clear all filters"
and each filter's "All" show every booking (`?all=1`), and the page says which preset it shows.
"""

from __future__ import annotations

import html
import re

import pytest

from bookings.models import Booking
from hotel.accounts import roles
from hotel.admin_site import site
from hotel.audit.models import AuditEntry
from tests.helpers import next_link, record_reads, room_ids

LIST = "/admin/bookings/booking/"
STATUS_INDEX = ("query", "status-checkIn-lean-index")


@pytest.fixture
def rooms(make_room):
    make_room(roomId="101", capacity=2, pricePerNight=10000)
    make_room(roomId="102", capacity=4, pricePerNight=20000)


@pytest.fixture
def front_desk(client_for):
    return client_for(roles.FRONT_DESK)


@pytest.fixture
def bookings(rooms, book):
    """One booking arriving today (the default list) and three that are not."""
    return {
        "arriving": book("101", start=0, status="confirmed").bookingId,
        "held": book("102", start=0).bookingId,
        "later": book("102", start=3, status="confirmed").bookingId,
        "in_house": book("101", start=3, status="checked-in").bookingId,
    }


def link(content: bytes, text: str) -> str:
    match = re.search(rb'<a href="([^"]*)"[^>]*>' + re.escape(text.encode()), content)
    assert match, f"no link {text!r}"
    return html.unescape(match.group(1).decode())


def showing(content: bytes) -> str:
    """The "Showing: …" line above the results, as text."""
    match = re.search(rb'id="active-preset">(.*?)</p>', content, re.S)
    assert match, "no active-preset line"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", match.group(1).decode())).strip()


def test_the_first_screen_says_it_is_the_default_preset(front_desk, bookings):
    response = front_desk.get(LIST)

    assert room_ids(response.content) == [bookings["arriving"]]
    assert showing(response.content) == (
        "Showing: Arrivals today (the default list) · Show all bookings"
    )


def test_clear_all_filters_shows_every_booking(front_desk, bookings, booking_reads):
    first = front_desk.get(LIST)
    clear = link(first.content, "&#10006; Clear all filters")

    response = front_desk.get(LIST + clear)

    assert clear == "?all=1"
    assert sorted(room_ids(response.content)) == sorted(bookings.values())
    assert showing(response.content) == "Showing: All bookings"
    assert b'<li class="selected">\n    <a href="?all=1">All bookings</a>' in response.content
    assert booking_reads and all(kind == "query" for kind, _ in booking_reads)  # fan-out


def test_a_filters_all_link_does_not_bring_the_default_back(front_desk, bookings):
    in_house = front_desk.get(LIST, {"status": "checked-in"})
    assert room_ids(in_house.content) == [bookings["in_house"]]
    assert showing(in_house.content) == "Showing: In house · Show all bookings"

    status_all = re.search(rb'By status.*?<a href="([^"]*)">All</a>', in_house.content, re.S).group(
        1
    )
    response = front_desk.get(LIST + html.unescape(status_all.decode()))

    assert sorted(room_ids(response.content)) == sorted(bookings.values())


def test_every_page_of_all_bookings_stays_all(front_desk, bookings, monkeypatch):
    monkeypatch.setattr(site.get_model_admin(Booking), "list_per_page", 2)
    seen: list[str] = []
    response = front_desk.get(LIST, {"all": "1"})
    while True:
        seen += room_ids(response.content)
        following = next_link(response.content)
        if following is None:
            break
        assert "all=1" in following
        response = front_desk.get(LIST + following)

    assert sorted(seen) == sorted(bookings.values())


def test_a_preset_chosen_by_hand_is_named_without_default(front_desk, bookings):
    response = front_desk.get(LIST + link(front_desk.get(LIST).content, "Pending holds"))

    assert room_ids(response.content) == [bookings["held"]]
    assert showing(response.content) == "Showing: Pending holds · Show all bookings"


def test_the_audit_log_keeps_its_required_default_and_never_scans(admin_client, monkeypatch):
    reads = record_reads(monkeypatch, AuditEntry)

    first = admin_client.get("/admin/audit/auditentry/", {"all": "1"})
    cleared = admin_client.get("/admin/audit/auditentry/?actor=")

    assert first.status_code == cleared.status_code == 200
    assert reads and all(kind == "query" for kind, _ in reads)
    assert b"all=1" not in first.content
