"""Issuing invoices and credit notes.

An invoice freezes one folio of a booking once it is settled (balance 0). One transaction
takes the next number of the series and year (payments.invoices.numbering), puts the
invoice (conditional on its number being new) and marks the folio invoiced (conditional on
the bill's revision read), so an invoice always shows exactly what the folio held, and
nothing can be posted to the folio while it is being invoiced. Later postings go to a new
folio (payments.folio.posting.open_folio_id).

A credit note cancels an invoice: its lines negated, its own gapless series, the invoice
marked `creditedBy` and its folio un-invoiced, all in one transaction, so corrections can be
posted and a new invoice issued. An invoice is never changed otherwise.

Each call carries an issue key (the request's Idempotency-Key, or a fresh one): a call whose
transaction committed but whose answer was lost finds its own invoice on the retry instead
of failing with FOLIO_INVOICED or taking a second number.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from django.conf import settings
from pynamodb.exceptions import DoesNotExist

from bookings.clock import hotel_today
from hotel import events
from hotel.errors import Conflict, NotFound
from payments.folio.models import Folio
from payments.folio.posting import folio_entry, header_read
from payments.folio.services import folio_lines, folio_sync

from .models import CREDIT_NOTE, INVOICE, Invoice, invoice_pdf_key
from .numbering import commit_or_lose, counter_read, counter_step, invoice_number, race
from .snapshot import folio_snapshot, hotel_legal, negated

InvoiceIssued = "InvoiceIssued"


class InvoiceNotFound(NotFound):
    code = "INVOICE_NOT_FOUND"
    default_message = "No such invoice."


class FolioInvoiced(Conflict):
    code = "FOLIO_INVOICED"
    default_message = "This folio is already invoiced; credit the invoice to issue a new one."


class InvoiceBalanceDue(Conflict):
    code = "BALANCE_DUE"
    default_message = "The folio has a balance; settle it before the invoice is issued."


class NothingToInvoice(Conflict):
    code = "NOTHING_TO_INVOICE"
    default_message = "This folio has nothing to invoice."


class InvoiceCredited(Conflict):
    code = "INVOICE_CREDITED"
    default_message = "This invoice is already cancelled by a credit note."


class NotAnInvoice(Conflict):
    code = "NOT_AN_INVOICE"
    default_message = "A credit note cannot be credited."


def invoice_get(*, number: str) -> Invoice:
    """Raises InvoiceNotFound."""
    if not 1 <= len(number) <= 64:
        raise InvoiceNotFound()
    try:
        return Invoice.get(number, consistent_read=True)
    except DoesNotExist:
        raise InvoiceNotFound(f"No invoice {number}.", details={"number": number}) from None


def _pick_folio(header: Folio | None, folio_id: str | None) -> dict:
    if header is None:
        raise NothingToInvoice("This booking has no bill yet.")
    if folio_id is not None:
        return folio_entry(header, folio_id)
    for folio in header.folios:
        if not folio.get("invoice"):
            return folio
    raise FolioInvoiced(
        "Every folio of this booking is invoiced.",
        details={"invoices": [f.get("invoice") for f in header.folios]},
    )


def _own(number: str | None, issue_key: str) -> Invoice | None:
    """The invoice `number` if this call (its issue key) issued it: a retry's answer."""
    if not number:
        return None
    try:
        invoice = Invoice.get(number, consistent_read=True)
    except DoesNotExist:
        return None
    return invoice if invoice.issueKey == issue_key else None


def invoice_draft(
    *, booking_id: str, folio_id: str | None = None, now: datetime, actor: str
) -> Invoice:
    """The invoice the folio would get now, unnumbered and unsaved (a pro-forma): any
    balance allowed. Raises BookingNotFound, FolioNotFound, NothingToInvoice."""
    state = folio_sync(booking_id=booking_id, now=now)
    entry = _pick_folio(state.header, folio_id)
    snap = folio_snapshot(state.lines, entry["folioId"])
    if not snap.lines:
        raise NothingToInvoice(details={"folioId": entry["folioId"]})
    return _invoice(
        number="PRO-FORMA",
        kind=INVOICE,
        series="",
        year=hotel_today(now).year,
        sequence=0,
        booking_id=booking_id,
        entry=entry,
        snap=snap,
        currency=state.currency,
        now=now,
        actor=actor,
    )


def _invoice(
    *, number, kind, series, year, sequence, booking_id, entry, snap, currency, now, actor
):
    return Invoice(
        number=number,
        kind=kind,
        series=series,
        year=year,
        sequence=sequence,
        bookingId=booking_id,
        folioId=entry["folioId"],
        payer=dict(entry.get("payer") or {}),
        lines=snap.lines,
        payments=snap.payments,
        taxBreakdown=snap.tax_breakdown,
        total=snap.total,
        taxTotal=snap.tax_total,
        currency=currency,
        hotel=hotel_legal(),
        issueDate=hotel_today(now).isoformat(),
        issuedAt=now,
        issuedBy=actor,
        pdfKey=invoice_pdf_key(year=year, number=number, booking_id=booking_id),
    )


def invoice_issue(
    *,
    booking_id: str,
    folio_id: str | None = None,
    actor: str,
    now: datetime,
    request_id: str | None = None,
    issue_key: str | None = None,
) -> Invoice:
    """Invoice a settled folio of the booking (`folio_id`, or its first not invoiced) with
    the next number of HOTEL_INVOICE_SERIES in the hotel's current year.

    Raises BookingNotFound, FolioNotFound, InvoiceBalanceDue (details.balance),
    FolioInvoiced, NothingToInvoice, InvoiceBusy (lost the race too often)."""
    folio_sync(booking_id=booking_id, now=now)
    key = issue_key or secrets.token_hex(16)
    series = settings.HOTEL_INVOICE_SERIES
    year = hotel_today(now).year

    def attempt() -> Invoice | None:
        header = header_read(booking_id)
        for folio in header.folios if header is not None else ():
            mine = _own(folio.get("invoice"), key)  # a retry of a call that was written
            if mine is not None:
                return mine
        entry = _pick_folio(header, folio_id)
        if entry.get("invoice"):
            raise FolioInvoiced(
                f"Folio {entry['folioId']} is invoiced ({entry['invoice']}).",
                details={"folioId": entry["folioId"], "number": entry["invoice"]},
            )
        if entry.get("balance", 0) != 0:
            raise InvoiceBalanceDue(
                f"Folio {entry['folioId']} has a balance of {entry['balance']}.",
                details={
                    "balance": entry["balance"],
                    "currency": header.currency,
                    "folioId": entry["folioId"],
                },
            )
        snap = folio_snapshot(folio_lines(booking_id), entry["folioId"])
        if not snap.lines:
            raise NothingToInvoice(details={"folioId": entry["folioId"]})
        last = counter_read(series, year)
        number = invoice_number(series, year, last + 1)
        invoice = _invoice(
            number=number,
            kind=INVOICE,
            series=series,
            year=year,
            sequence=last + 1,
            booking_id=booking_id,
            entry=entry,
            snap=snap,
            currency=header.currency,
            now=now,
            actor=actor,
        )
        invoice.issueKey = key
        expected = header.revision
        entry["invoice"] = number
        header.revision = expected + 1
        header.updatedAt = now

        def build(tx):
            counter_step(tx, series=series, year=year, last=last)
            tx.save(invoice, condition=Invoice.number.does_not_exist())
            tx.save(header, condition=Folio.revision == expected)

        return invoice if commit_or_lose(build) else None

    invoice = race(attempt)
    events.publish(InvoiceIssued, number=invoice.number, bookingId=booking_id, kind=INVOICE)
    return invoice


def invoice_credit(
    *,
    number: str,
    reason: str,
    actor: str,
    now: datetime,
    request_id: str | None = None,
    issue_key: str | None = None,
) -> Invoice:
    """Cancel invoice `number` with a credit note (HOTEL_CREDIT_NOTE_SERIES) and reopen its
    folio for corrections. Raises InvoiceNotFound, NotAnInvoice, InvoiceCredited,
    InvoiceBusy."""
    key = issue_key or secrets.token_hex(16)
    series = settings.HOTEL_CREDIT_NOTE_SERIES
    year = hotel_today(now).year

    def attempt() -> Invoice | None:
        original = invoice_get(number=number)
        if original.kind != INVOICE:
            raise NotAnInvoice(details={"number": number})
        if original.creditedBy:
            mine = _own(original.creditedBy, key)
            if mine is not None:
                return mine
            raise InvoiceCredited(
                f"Invoice {number} is cancelled by {original.creditedBy}.",
                details={"number": number, "creditedBy": original.creditedBy},
            )
        header = header_read(original.bookingId)
        last = counter_read(series, year)
        credit_number = invoice_number(series, year, last + 1)
        note = Invoice(
            number=credit_number,
            kind=CREDIT_NOTE,
            series=series,
            year=year,
            sequence=last + 1,
            bookingId=original.bookingId,
            folioId=original.folioId,
            payer=original.payer,
            lines=negated(original.lines),
            payments=[],
            taxBreakdown=[
                {"rate": r["rate"], "net": -r["net"], "tax": -r["tax"], "gross": -r["gross"]}
                for r in original.taxBreakdown
            ],
            total=-original.total,
            taxTotal=-original.taxTotal,
            currency=original.currency,
            hotel=hotel_legal(),
            issueDate=hotel_today(now).isoformat(),
            issuedAt=now,
            issuedBy=actor,
            issueKey=key,
            creditOf=number,
            reason=reason,
            pdfKey=invoice_pdf_key(year=year, number=credit_number, booking_id=original.bookingId),
        )
        expected = header.revision if header is not None else None
        if header is not None:
            for folio in header.folios:
                if folio["folioId"] == original.folioId and folio.get("invoice") == number:
                    folio["invoice"] = None
            header.revision = expected + 1
            header.updatedAt = now

        def build(tx):
            counter_step(tx, series=series, year=year, last=last)
            tx.save(note, condition=Invoice.number.does_not_exist())
            tx.update(
                original,
                actions=[Invoice.creditedBy.set(credit_number)],
                condition=Invoice.creditedBy.does_not_exist(),
            )
            if header is not None:
                tx.save(header, condition=Folio.revision == expected)

        return note if commit_or_lose(build) else None

    note = race(attempt)
    events.publish(InvoiceIssued, number=note.number, bookingId=note.bookingId, kind=CREDIT_NOTE)
    return note
