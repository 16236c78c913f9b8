"""Guest emails sent from domain events: booking confirmed, booking cancelled, refund issued.

Handlers run after the write that published the event; `email_send` never raises and
queues a failed send for `send_pending_emails`, so an email never undoes a booking.
Walk-ins without an email address get none. Events can repeat; so can an email.
"""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from bookings.models import Booking
from hotel import events
from hotel.events import Event, subscribe
from hotel.mail import email_send

from .services import CancellationSettled, PaymentRefunded


def _booking(event: Event) -> Booking | None:
    """The booking the event is about, if it has somewhere to send an email."""
    try:
        booking = Booking.get(event.detail["bookingId"])
    except DoesNotExist:
        return None
    return booking if booking.guestEmail else None


@subscribe(events.BookingConfirmed)
def booking_confirmed_email(event: Event) -> None:
    booking = _booking(event)
    if booking is None:
        return
    email_send(
        to=booking.guestEmail,
        subject=f"Booking {booking.bookingId} confirmed: {booking.checkIn} to {booking.checkOut}",
        template="booking_confirmed",
        context={"booking": booking, "nights": len(booking.nightly or [])},
        now=event.occurred_at,
    )


@subscribe(CancellationSettled)
def booking_cancelled_email(event: Event) -> None:
    booking = _booking(event)
    if booking is None:
        return
    detail = event.detail
    email_send(
        to=booking.guestEmail,
        subject=f"Booking {booking.bookingId} cancelled",
        template="booking_cancelled",
        context={
            "booking": booking,
            "refund": detail.get("refund", 0),
            "fee": detail.get("fee", 0),
            "currency": detail.get("currency", booking.currency),
            "refund_status": detail.get("refundStatus"),
            # Staff chose the amount: the email must not credit it to the policy.
            "overridden": detail.get("overridden", False),
        },
        now=event.occurred_at,
    )


@subscribe(PaymentRefunded)
def refund_issued_email(event: Event) -> None:
    booking = _booking(event)
    if booking is None:
        return
    detail = event.detail
    # A staff or cancellation refund names its amount; an automatic one gives back it all.
    amount = detail.get("amountRefunded") or detail["refundedAmount"]
    email_send(
        to=booking.guestEmail,
        subject=f"Refund for booking {booking.bookingId}",
        template="refund_issued",
        context={"booking": booking, "amount": amount, "currency": detail["currency"]},
        now=event.occurred_at,
    )
