"""Invoices as the API, the booking page and the emails show them."""

from __future__ import annotations

from .models import Invoice


def invoice_dict(invoice: Invoice) -> dict:
    return {
        "number": invoice.number,
        "kind": invoice.kind,
        "series": invoice.series,
        "bookingId": invoice.bookingId,
        "folioId": invoice.folioId,
        "payer": invoice.payer,
        "lines": invoice.lines,
        "payments": invoice.payments,
        "taxBreakdown": invoice.taxBreakdown,
        "total": invoice.total,
        "taxTotal": invoice.taxTotal,
        "currency": invoice.currency,
        "hotel": invoice.hotel,
        "issueDate": invoice.issueDate,
        "issuedAt": invoice.issuedAt.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "issuedBy": invoice.issuedBy,
        "creditOf": invoice.creditOf,
        "creditedBy": invoice.creditedBy,
        "reason": invoice.reason,
        "proforma": not invoice.sequence,
    }


def booking_invoices(booking_id: str) -> list[Invoice]:
    """The booking's invoices and credit notes, in number order (the bookingId index)."""
    return list(Invoice.by_booking.query(booking_id))
