"""Money in the audit: snapshots keep integer minor units (paise); every page that shows an
audit entry's changes (the audit log viewer, an item's history, the booking page) writes them
as money in the item's currency: ₹5,040.00, never 504000."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from rooms.services import room_update

AUDIT = "/admin/audit/auditentry/"


def text_of(response) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def rooms(make_room):
    make_room(roomId="101", capacity=2, pricePerNight=252000)  # ₹2,520.00 a night


def test_the_audit_viewer_shows_a_bookings_total_as_money(admin_client, rooms, book):
    booking = book("101", start=3, nights=2)
    total = f"₹{booking.totalPrice // 100:,}.{booking.totalPrice % 100:02d}"

    text = text_of(
        admin_client.get(AUDIT, {"objectType": "bookings.booking", "objectId": booking.bookingId})
    )

    assert f"totalPrice : {total}" in text
    assert str(booking.totalPrice) not in text


def test_a_rooms_price_change_reads_as_money_in_history_and_the_audit_log(admin_client, rooms):
    room_update(
        room_id="101",
        data={"pricePerNight": 504000},
        actor=admin_client.user.email,
        now=timezone.now(),
    )

    history = text_of(admin_client.get("/admin/rooms/room/101/history/"))
    viewer = text_of(admin_client.get(AUDIT, {"objectType": "rooms.room", "objectId": "101"}))

    for text in (history, viewer):
        assert "pricePerNight : ₹2,520.00 → ₹5,040.00" in text
        assert "504000" not in text and "252000" not in text


def test_the_booking_pages_audit_trail_shows_money(admin_client, rooms, book):
    booking = book("101", start=3, nights=2, status="confirmed")
    total = f"₹{booking.totalPrice // 100:,}.{booking.totalPrice % 100:02d}"

    text = text_of(admin_client.get(f"/admin/bookings/booking/{booking.bookingId}/change/"))

    trail = text.split("totalPrice", 1)[1][:40]
    assert total in trail


def test_a_rate_rules_value_reads_as_a_price_or_a_percentage_by_its_kind(admin_client):
    add = "/admin/bookings/rateruleitem/add/"
    form = {"name": "Flat", "kind": "fixed", "price": "99", "priority": "0", "active": "on"}
    admin_client.post(add, form)
    admin_client.post(add, {**form, "name": "Up", "kind": "percent", "price": "", "percent": "20"})

    text = text_of(admin_client.get(AUDIT))  # today's entries

    assert "value : ₹99.00" in text
    assert "value : +20 %" in text
    assert "value : 9900" not in text
