"""After an invoice or a credit note is issued: store its PDF and email it to the payer (the
guest's address when the payer has none), in the guest's language (the booking's, or the
reservation's booker's). Runs from the InvoiceIssued event, after the write; a failure is
logged (and a failed send queued by hotel.mail), never undoes the invoice. A repeated event
sends the email again, as hotel.events allows.
"""

from __future__ import annotations

import logging

from hotel.errors import NotFound
from hotel.events import Event, subscribe
from hotel.mail import email_send
from payments.folio.services import ReservationOwner, bill_owner, is_reservation_key

from .documents import invoice_pdf_stored
from .services import InvoiceIssued, invoice_get

logger = logging.getLogger("payments.invoices")


def owner_language(owner) -> str | None:
    """The guest's language (the booking's, or the reservation's booker's); None: English."""
    if isinstance(owner, ReservationOwner):
        return owner.reservation.language
    return getattr(owner, "language", None)


@subscribe(InvoiceIssued)
def invoice_issued_email(event: Event) -> None:
    invoice = invoice_get(number=event.detail["number"])
    key = invoice_pdf_stored(invoice)
    try:
        owner = bill_owner(invoice.bookingId, consistent=False)  # guest or booker
    except NotFound:
        owner = None  # gone meanwhile: the payer's address still gets it, in English
    to = (invoice.payer or {}).get("email") or (owner.guestEmail if owner else None)
    if not to:
        return  # a walk-in without an email address: the desk prints it
    email_send(
        to=to,
        template="invoice_issued",
        context={
            "invoice": invoice,
            "whose": "reservation" if is_reservation_key(invoice.bookingId) else "booking",
        },
        now=event.occurred_at,
        language=owner_language(owner) if owner else None,
        attachments=[
            {"filename": f"{invoice.number}.pdf", "key": key, "mimetype": "application/pdf"}
        ],
    )
