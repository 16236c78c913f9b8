"""Guest emails about money, sent from domain events: booking cancelled (with its refund),
refund issued, booking changed (sent by payments.folio.changes once the bill is settled),
and the thank-you after check-out with the stay's invoice.
The booking's own emails (held, confirmed) are bookings.emails'.

Handlers run after the write that published the event; `email_send` never raises and
queues a failed send for `send_pending_emails`, so an email never undoes a booking.
Walk-ins without an email address get none. Events can repeat; so can an email.
"""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from bookings.emails import booking_to_email
from bookings.models import CHECKED_IN, CONFIRMED, PENDING, Booking
from bookings.reservations.emails import email_claim
from bookings.reservations.selectors import reservation_get
from hotel import events
from hotel.events import Event, subscribe
from hotel.mail import email_send

from .invoices.documents import invoice_pdf_stored
from .invoices.models import INVOICE
from .invoices.selectors import booking_invoices
from .services import CancellationSettled, PaymentRefunded

STILL_STAYING = (PENDING, CONFIRMED, CHECKED_IN)  # a reservation's stays yet to leave


@subscribe(CancellationSettled)
def booking_cancelled_email(event: Event) -> None:
    booking = booking_to_email(event)
    if booking is None:
        return
    detail = event.detail
    email_send(
        to=booking.guestEmail,
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
        language=booking.language,
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
        template="refund_issued",
        context={"booking": booking, "amount": amount, "currency": detail["currency"]},
        now=event.occurred_at,
        language=booking.language,
    )


def booking_changed_email(*, booking_id: str, previous: dict, money, now) -> None:
    """ "Your booking changed": the new dates and room, the new total, what was refunded and
    what is left to pay (payments.folio.changes sends it after every change, once the bill
    and any refund are settled). `money`: the change's ChangeMoney, or None when the refund
    failed (the email then names no balance)."""
    try:
        booking = Booking.get(booking_id)
    except DoesNotExist:
        return
    if not booking.guestEmail:
        return
    email_send(
        to=booking.guestEmail,
        template="booking_changed",
        context={
            "booking": booking,
            "nights": len(booking.nightly or []),
            "previous": previous,
            "currency": booking.currency,
            "refund": money.refund if money else 0,
            "fee": money.fee if money else 0,
            "balance": money.balance if money else None,
        },
        now=now,
        language=booking.language,
    )


@subscribe(events.GuestCheckedOut)
def thank_you_email(event: Event) -> None:
    """After check-out: thank the guest, in their language, with the stay's invoices attached
    (those not cancelled by a credit note; none issued: where to ask for one). A
    reservation's booker is thanked once, when its last stay leaves, with every stay's
    invoices and the reservation's own bill's."""
    booking = booking_to_email(event)
    if booking is None:
        return
    keys = [booking.bookingId]
    language = booking.language
    if booking.reservationId:
        view = reservation_get(booking.reservationId, consistent=True)
        if any(b.status in STILL_STAYING for b in view.bookings):
            return  # the last stay to leave sends it
        if not email_claim(
            f"email:thank-you:{booking.reservationId}",
            reservation_id=booking.reservationId,
            now=event.occurred_at,
        ):
            return  # two stays left at once: the other one sent it
        keys = [booking.reservationId, *(b.bookingId for b in view.bookings)]
        language = view.reservation.language or language
    issued = [
        i
        for key in keys
        for i in booking_invoices(key)
        if i.kind == INVOICE and i.sequence and not i.creditedBy
    ]
    attachments = [
        {"filename": f"{i.number}.pdf", "key": invoice_pdf_stored(i), "mimetype": "application/pdf"}
        for i in issued
    ]
    email_send(
        to=booking.guestEmail,
        template="thank_you",
        context={
            "booking": booking,
            "invoice": issued[-1] if issued else None,
            "invoices": issued,
            "numbers": ", ".join(i.number for i in issued),
        },
        now=event.occurred_at,
        language=language,
        attachments=attachments or None,
    )
