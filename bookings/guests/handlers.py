"""The guest profiles' event handlers: a booking made or confirmed is linked to its guest's
profile, a check-out adds the stay to the history. Both are idempotent (events can repeat);
a failure is logged by the bus and never undoes the booking."""

from __future__ import annotations

from hotel import events
from hotel.events import Event, subscribe

from .services import profile_link_booking, profile_stay_count


@subscribe(events.BookingCreated, events.BookingConfirmed)
def booking_profile_link(event: Event) -> None:
    profile_link_booking(booking_id=event.detail["bookingId"], now=event.occurred_at)


@subscribe(events.GuestCheckedOut)
def booking_stay_count(event: Event) -> None:
    profile_stay_count(booking_id=event.detail["bookingId"], now=event.occurred_at)
