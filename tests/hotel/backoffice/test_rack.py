"""The room rack (hotel/backoffice/rack.py)."""

from __future__ import annotations

import re

from django.utils import timezone

from bookings.services import hotel_today
from hotel.accounts import roles

RACK = "/admin/rack/"


def test_the_rack_shows_each_stay_as_a_bar_linking_to_its_booking(client_for, rooms, book):
    confirmed = book("101", start=1, nights=3, status="confirmed", guest_name="Cy Confirmed")
    book("102", start=2, nights=2, guest_name="Di Pending")
    book("103", start=0, nights=1, status="cancelled", guest_name="Ed Cancelled")
    today = hotel_today(timezone.now())

    page = client_for(roles.FRONT_DESK).get(RACK, {"start": today.isoformat()})

    text = page.content.decode()
    assert page.status_code == 200
    assert f'href="/admin/bookings/booking/{confirmed.bookingId}/change/"' in text
    assert re.search(r'class="bo-stay tone-confirmed"[^>]*grid-column: 3 / span 3', text)
    assert re.search(r'class="bo-stay tone-pending"[^>]*grid-column: 4 / span 2', text)
    assert "Ed Cancelled" not in text
