"""Guest emails of the bookings domain: a guest's online hold gets its reference and pay
link; a confirmed booking gets its confirmation.

A guest who closes the tab before paying still has the booking: the email names the
reference, when the hold ends and the link to pay (the signed "manage my booking" link's
token opens the pay page). Sent from the BookingCreated event, after the write; a failed
send is queued by hotel.mail and never undoes the hold. Staff's holds (phone bookings) and
guests without an email get none. A reservation's stays get one email for them all
(bookings/reservations/emails.py).
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from pynamodb.exceptions import DoesNotExist

from hotel import events
from hotel.events import Event, subscribe
from hotel.languages import in_language
from hotel.mail import email_send

from .links import manage_token
from .models import PENDING, Booking


def pay_url(booking: Booking) -> str:
    """The pay page's absolute link, in the booking's language (/de/… for German)."""
    token = manage_token(booking_id=booking.bookingId)
    with in_language(booking.language):
        path = reverse("booking-pay", kwargs={"token": token})
    return f"{settings.HOTEL_SITE_URL}{path}"


def booking_to_email(event: Event) -> Booking | None:
    """The booking the event is about, if it has somewhere to send an email (walk-ins
    without an address get none)."""
    try:
        booking = Booking.get(event.detail["bookingId"])
    except DoesNotExist:
        return None
    return booking if booking.guestEmail else None


@subscribe(events.BookingCreated)
def hold_created_email(event: Event) -> None:
    booking = booking_to_email(event)
    if booking is None or booking.reservationId:  # a reservation's: one email for every stay
        return
    if not (booking.guestHold and booking.status == PENDING):
        return
    email_send(
        to=booking.guestEmail,
        template="hold_created",
        context={
            "booking": booking,
            "nights": len(booking.nightly or []),
            "pay_url": pay_url(booking),
            "expires": booking.expiresAt,
        },
        now=event.occurred_at,
        language=booking.language,
    )


@subscribe(events.BookingConfirmed)
def booking_confirmed_email(event: Event) -> None:
    booking = booking_to_email(event)
    if booking is None or booking.reservationId:  # bookings.reservations.emails
        return
    email_send(
        to=booking.guestEmail,
        template="booking_confirmed",
        context={"booking": booking, "nights": len(booking.nightly or [])},
        now=event.occurred_at,
        language=booking.language,
    )
