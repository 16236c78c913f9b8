"""The bookings domain's webhooks: which of its events integrators get, and the booking each
carries — the whole booking as the API renders it (bookings.api.serializers.BookingOutput)
and its `version`, so a receiver that gets two out of order keeps the higher one; each
delivery is filed under the booking's id (a guest's erasure finds it by it). Registered
from BookingsConfig.ready(); the machinery is the platform's (hotel.webhooks)."""

from __future__ import annotations

from hotel import events
from hotel.events import Event
from hotel.webhooks.publish import webhook_event_register

from .exceptions import BookingNotFound
from .selectors import booking_get

BOOKING_WEBHOOKS = {
    events.BookingCreated: "booking.created",
    events.BookingConfirmed: "booking.confirmed",
    events.BookingCancelled: "booking.cancelled",
    events.BookingChanged: "booking.changed",
    events.BookingExpired: "booking.expired",
    events.BookingNoShow: "booking.no_show",
    events.GuestCheckedIn: "guest.checked_in",
    events.GuestCheckedOut: "guest.checked_out",
}


def booking_webhook_data(event: Event) -> dict | None:
    """The booking the event is about, as it is now (None: it is gone)."""
    # The API's serializers import DRF's fields: loaded at the first event, not at start-up.
    from .api.serializers import BookingOutput

    try:
        booking = booking_get(booking_id=str(event.detail["bookingId"]), consistent=True)
    except BookingNotFound:
        return None
    return {**BookingOutput(booking).data, "version": booking.version}


def booking_webhooks_register() -> None:
    for domain_event, webhook_type in BOOKING_WEBHOOKS.items():
        webhook_event_register(
            domain_event, type=webhook_type, render=booking_webhook_data, subject="bookingId"
        )
