"""After an invoice or a credit note is issued: store its PDF and email it to the payer (the
guest's address when the payer has none). Runs from the InvoiceIssued event, after the
write; a failure is logged (and a failed send queued by hotel.mail), never undoes the
invoice. A repeated event sends the email again, as hotel.events allows.
"""

from __future__ import annotations

import logging

from hotel.events import Event, subscribe
from hotel.mail import email_send
from payments.folio.services import bill_owner, is_reservation_key

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
        to = bill_owner(invoice.bookingId, consistent=False).guestEmail  # guest or booker
    if not to:
        return  # a walk-in without an email address: the desk prints it
    noun = "Credit note" if invoice.kind == CREDIT_NOTE else "Invoice"
    whose = "reservation" if is_reservation_key(invoice.bookingId) else "booking"
    email_send(
        to=to,
        subject=f"{noun} {invoice.number} for {whose} {invoice.bookingId}",
        template="invoice_issued",
        context={"invoice": invoice, "noun": noun, "whose": whose},
        now=event.occurred_at,
        attachments=[
            {"filename": f"{invoice.number}.pdf", "key": key, "mimetype": "application/pdf"}
        ],
    )
