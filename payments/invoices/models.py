"""Invoices and credit notes as issued (table `invoices`), and the counters their numbers
come from (table `invoice-counters`, one item per series and year).

An invoice is a frozen copy of a folio at the moment it was issued: its lines, the tax per
rate, the payer's billing details and the hotel's legal details. Nothing about it changes
afterwards except `creditedBy` (set once, by the credit note that cancels it) and `pdfKey`.
Its number is taken from the counter in the same transaction that writes it, so numbers are
gapless per series and year.
"""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from hotel.dynamo import IntegerAttribute, meta, register

INVOICE = "invoice"
CREDIT_NOTE = "credit_note"
KINDS = (INVOICE, CREDIT_NOTE)


class BookingIndex(GlobalSecondaryIndex):
    """A booking's invoices and credit notes (the booking page, `booking_invoices`)."""

    class Meta:
        index_name = "bookingId-index"
        projection = AllProjection()

    bookingId = UnicodeAttribute(hash_key=True)
    number = UnicodeAttribute(range_key=True)


@register
class Invoice(Model):
    Meta = meta("invoices")

    number = UnicodeAttribute(hash_key=True)  # "2026-000123", "CN-2026-000007"
    kind = UnicodeAttribute()  # KINDS
    series = UnicodeAttribute(default="")
    year = IntegerAttribute()
    sequence = IntegerAttribute()  # the counter's value this number took
    bookingId = UnicodeAttribute()
    folioId = UnicodeAttribute()
    payer = JSONAttribute(default=dict)  # {name, email, company, address, taxId}
    # [{lineId, description, quantity, unitAmount, amount, taxCategory, taxRate, tax,
    #   serviceDate}], amounts signed (an allowance or a credit note's lines are negative)
    lines = JSONAttribute(default=list)
    # [{method, description, reference, amount, date}]: what settled the folio (not revenue)
    payments = JSONAttribute(default=list)
    taxBreakdown = JSONAttribute(default=list)  # [{rate, net, tax, gross}]
    total = IntegerAttribute()  # gross, tax included
    taxTotal = IntegerAttribute(default=0)
    currency = UnicodeAttribute()
    hotel = JSONAttribute(default=dict)  # {legalName, address, taxId, email, phone}
    issueDate = UnicodeAttribute()  # the hotel's date, YYYY-MM-DD
    issuedAt = UTCDateTimeAttribute()
    issuedBy = UnicodeAttribute()
    issueKey = UnicodeAttribute(null=True)  # a retried request finds its own invoice by it
    creditOf = UnicodeAttribute(null=True)  # a credit note: the invoice it cancels
    reason = UnicodeAttribute(null=True)  # a credit note: why
    creditedBy = UnicodeAttribute(null=True)  # an invoice: the credit note that cancelled it
    pdfKey = UnicodeAttribute(null=True)  # where the PDF is in the default storage

    by_booking = BookingIndex()


@register
class InvoiceCounter(Model):
    """The last number given in a series and year; every issue moves it by exactly one,
    conditional on the value read."""

    Meta = meta("invoice-counters")

    counter = UnicodeAttribute(hash_key=True)  # "SERIES#YEAR", e.g. "#2026", "CN#2026"
    last = IntegerAttribute(default=0)


def invoice_pdf_key(*, year: int | str, number: str, booking_id: str) -> str:
    """Where an invoice's PDF is kept: by year, number and booking, so a stage whose tables
    were emptied (numbers start again) never serves another booking's old PDF."""
    return f"invoices/{year}/{number}-{booking_id}.pdf"
