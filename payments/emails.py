"""Guest emails about money, sent from domain events: booking cancelled (with its refund),
refund issued. The booking's own emails (held, confirmed) are bookings.emails'.

Handlers run after the write that published the event; `email_send` never raises and
queues a failed send for `send_pending_emails`, so an email never undoes a booking.
Walk-ins without an email address get none. Events can repeat; so can an email.
"""

from __future__ import annotations

from bookings.emails import booking_to_email
from hotel.events import Event, subscribe
from hotel.mail import email_send

from .services import CancellationSettled, PaymentRefunded


@subscribe(CancellationSettled)
def booking_cancelled_email(event: Event) -> None:
    booking = booking_to_email(event)
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
    booking = booking_to_email(event)
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
