"""What the guest pages share: the booking a signed link names, the summary panel, the
cancellation policy as sentences, and the hotel's contact details on every page.

A guest reaches a booking through its signed link (bookings.links) only; a bad signature
gets the same 404 as a booking that does not exist.
"""

from __future__ import annotations

from datetime import date

from django.http import Http404

from bookings import selectors
from bookings.exceptions import BookingNotFound
from bookings.links import booking_id_from_token
from hotel.contact import hotel_contact
from hotel.errors import NotFound
from payments.cancellation import describe_rule
from payments.selectors import cancellation_policy
from rooms.selectors import room_get, room_photo_urls

# The actor the services record for what a guest does on the site.
GUEST = "guest"


def site_context(request) -> dict:
    """Template context of every guest page (a context processor): the hotel's name and how
    to reach it."""
    return hotel_contact()


def guest_booking(token: str):
    """The booking a signed link names, or 404 (a bad signature looks like no booking)."""
    try:
        return selectors.booking_get(booking_id=booking_id_from_token(token=token))
    except BookingNotFound as exc:
        raise Http404("No such booking") from exc


def stay_context(booking) -> dict:
    """What every booking page shows in its summary panel."""
    try:
        room = room_get(room_id=booking.roomId)
        photos = room_photo_urls(room)
    except NotFound:
        room, photos = None, []
    return {
        "booking": booking,
        "room": room,
        "photo": photos[0] if photos else None,
        "check_in": date.fromisoformat(booking.checkIn),
        "check_out": date.fromisoformat(booking.checkOut),
        "nights": [
            {"date": date.fromisoformat(n["date"]), "amount": n["amount"]}
            for n in booking.nightly or []
        ],
    }


def policy_lines() -> list[str]:
    """The cancellation policy, one sentence per rule."""
    policy = cancellation_policy()
    return [describe_rule(rule, policy) for rule in policy]
