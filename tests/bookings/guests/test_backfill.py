"""`manage.py link_guest_profiles`: existing bookings get their profiles and their stays are
counted; running it again changes nothing."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from bookings.guests.models import GuestKey, GuestProfile
from bookings.models import Booking
from bookings.services import booking_transition
from hotel import events
from tests.conftest import NOW


def test_backfill_links_and_counts_once(room, make_booking, monkeypatch):
    monkeypatch.setattr(events, "publish", lambda *a, **k: None)  # bookings made before profiles
    a = make_booking(guest_email="old@guest.test").booking
    b = make_booking(start=5, guest_email="OLD@guest.test").booking
    make_booking(start=10, guest_email=None, source="front_desk")  # no contact: no profile
    for status in ("confirmed", "checked-in", "checked-out"):
        booking_transition(booking_id=a.bookingId, to_status=status, actor="t", now=NOW)
    assert Booking.get(a.bookingId).profileId is None

    out = StringIO()
    call_command("link_guest_profiles", stdout=out)
    call_command("link_guest_profiles", stdout=StringIO())

    assert "3 bookings: 2 linked, 1 stays counted, 1 without email or phone" in out.getvalue()
    [profile] = list(GuestProfile.scan())
    assert sorted(profile.bookingIds) == sorted([a.bookingId, b.bookingId])
    assert profile.stays == 1 and GuestKey.count(f"stay#{a.bookingId}") == 1
