"""After an invoice or a credit note is issued: store its PDF and email it to the payer (the
guest's address when the payer has none). Runs from the InvoiceIssued event, after the
write; a failure is logged (and a failed send queued by hotel.mail), never undoes the
invoice. A repeated event sends the email again, as hotel.events allows.
"""

from __future__ import annotations

import logging

from bookings.selectors import booking_get
from hotel.events import Event, subscribe
from hotel.mail import email_send

from .documents import invoice_pdf_stored
from .models import CREDIT_NOTE
from .services import InvoiceIssued, invoice_get

logger = logging.getLogger("payments.invoices")


@subscribe(InvoiceIssued)
def invoice_issued_email(event: Event) -> None:
    invoice = invoice_get(number=event.detail["number"])
    key = invoice_pdf_stored(invoice)
    to = (invoice.payer or {}).get("email")
    if not to:
        to = booking_get(booking_id=invoice.bookingId).guestEmail
    if not to:
        return  # a walk-in without an email address: the desk prints it
    noun = "Credit note" if invoice.kind == CREDIT_NOTE else "Invoice"
    email_send(
        to=to,
        subject=f"{noun} {invoice.number} for booking {invoice.bookingId}",
        template="invoice_issued",
        context={"invoice": invoice, "noun": noun},
        now=event.occurred_at,
        attachments=[
            {"filename": f"{invoice.number}.pdf", "key": key, "mimetype": "application/pdf"}
        ],
    )
