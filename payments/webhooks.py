"""The payments domain's webhooks: a payment taken or refunded (the payment as the API
renders it, payments.api.serializers.PaymentOutput, with its `version`) and an invoice or
credit note issued (the invoice as GET /api/invoices/{number} shows it; an invoice never
changes except when a credit note cancels it, so its `version` is 1, then 2). Registered
from PaymentsConfig.ready(); the machinery is the platform's (hotel.webhooks)."""

from __future__ import annotations

from hotel.events import Event
from hotel.webhooks.publish import webhook_event_register

from .exceptions import PaymentNotFound
from .invoices.selectors import invoice_dict
from .invoices.services import InvoiceIssued, InvoiceNotFound, invoice_get
from .selectors import payment_get
from .services.shared import PaymentRefunded, PaymentSucceeded


def payment_webhook_data(event: Event) -> dict | None:
    """The payment as it is now (None: it is gone)."""
    from .api.serializers import PaymentOutput  # DRF's fields: at the first event

    try:
        payment = payment_get(transaction_id=str(event.detail["transactionId"]), consistent=True)
    except PaymentNotFound:
        return None
    return {**PaymentOutput(payment).data, "version": payment.version}


def invoice_webhook_data(event: Event) -> dict | None:
    """The invoice or credit note issued (None: it is gone)."""
    try:
        invoice = invoice_get(number=str(event.detail["number"]))
    except InvoiceNotFound:
        return None
    return {**invoice_dict(invoice), "version": 2 if invoice.creditedBy else 1}


def payment_webhooks_register() -> None:
    # Filed under the bill's id (a booking's, or a reservation's "RS-…" for its own bill),
    # which a guest's erasure finds the deliveries by: an invoice names its payer.
    for domain_event, name, render in (
        (PaymentSucceeded, "payment.succeeded", payment_webhook_data),
        (PaymentRefunded, "payment.refunded", payment_webhook_data),
        (InvoiceIssued, "folio.invoice_issued", invoice_webhook_data),
    ):
        webhook_event_register(domain_event, type=name, render=render, subject="bookingId")
