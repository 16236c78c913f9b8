"""What the guest pages share: the booking a signed link names, the room type as a guest
sees it, the summary panel, the cancellation policy as sentences, and the hotel's contact
details on every page.

A guest reaches a booking through its signed link (bookings.links) only; a bad signature
gets the same 404 as a booking that does not exist. Guests book room types: no guest page
names a room (its id is the hotel's, and a room's photos are stored under it), so the pages
show the type's name and the type's own photos.
"""

from __future__ import annotations

from datetime import date

from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from bookings import links, selectors
from bookings.catalog_words import booked_extras
from bookings.exceptions import BookingNotFound
from bookings.links import booking_id_from_token, reservation_token
from hotel.contact import hotel_contact
from hotel.errors import NotFound
from hotel.languages import translated
from payments.cancellation import describe_rule
from payments.selectors import cancellation_policy
from rooms.models import RoomType
from rooms.room_types import room_type_get, room_type_photos

from .offer_terms import booking_plan

# The actor the services record for what a guest does on the site.
GUEST = "guest"


def reservation_path(reservation_id: str) -> str:
    """The reservation page's signed link: its stays together (a reference alone is a 404)."""
    token = reservation_token(reservation_id=reservation_id)
    return reverse("site-reservation", kwargs={"token": token})


def reservation_id_from_token(token: str) -> str:
    """The reservation id a signed link names, or 404 (a bad signature looks like none)."""
    reservation_id = links.reservation_id_from_token(token=token)
    if reservation_id is None:
        raise Http404("No such reservation")
    return reservation_id


def site_context(request) -> dict:
    """Template context of every guest page (a context processor): the hotel's name and how
    to reach it."""
    # An error page about DynamoDB (hotel.site.errors, hotel.middleware) does not ask it again.
    return hotel_contact(read=not getattr(request, "dynamo_down", False))


def guest_booking(token: str):
    """The booking a signed link names, or 404 (a bad signature looks like no booking)."""
    try:
        return selectors.booking_get(booking_id=booking_id_from_token(token=token))
    except BookingNotFound as exc:
        raise Http404("No such booking") from exc


def type_card(room_type: RoomType) -> dict:
    """A room type as guests see it: its name and words (in the active language), beds,
    size, guests, what is included and its photos (rooms.room_types.room_type_photos; the
    first is the large one)."""
    return {
        "code": room_type.roomType,
        "name": translated(room_type, "name") or room_type.roomType,
        "description": translated(room_type, "description"),
        "beds": translated(room_type, "beds"),
        "view": translated(room_type, "view"),
        "sizeM2": room_type.sizeM2,
        "maxGuests": room_type.maxGuests,
        "amenities": list(room_type.amenities or []),
        "photos": room_type_photos(room_type),
    }


def booking_type_card(booking) -> dict:
    """The card of the type a booking holds; only its code if the type is gone."""
    try:
        return type_card(room_type_get(code=booking.roomType))
    except NotFound:
        code = booking.roomType or ""
        return {"code": code, "name": code, "amenities": [], "photos": []}


def stay_context(booking) -> dict:
    """What every booking page shows in its summary panel (the type, never the room; the
    plan it was sold under and its cancellation deadline; the extras it has, named in the
    page's language)."""
    kind = booking_type_card(booking)
    return {
        "booking": booking,
        "summary_extras": booked_extras(booking.extras),
        "plan": booking_plan(booking, timezone.now()),
        "room_type": kind,
        "photo": kind["photos"][0] if kind["photos"] else None,
        "reservation_url": (
            reservation_path(booking.reservationId) if booking.reservationId else None
        ),
        "check_in": date.fromisoformat(booking.checkIn),
        "check_out": date.fromisoformat(booking.checkOut),
        "nights": [
            {"date": date.fromisoformat(n["date"]), "amount": n["amount"]}
            for n in booking.nightly or []
        ],
    }


def policy_lines() -> list[str]:
    """The hotel's cancellation policy, one sentence per rule (the home page). A booking's
    own terms are dated sentences: bookings.policy_words."""
    policy = cancellation_policy()
    return [describe_rule(rule, policy) for rule in policy]
