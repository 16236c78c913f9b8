"""The bill as the API, the admin and the reports show it."""

from __future__ import annotations

from collections.abc import Iterable

from .models import FIRST_FOLIO, REVERSAL, Folio, FolioLine
from .services import FolioState, ReservationOwner, payer_of


def line_dict(line: FolioLine, *, reversed_ids: set[str]) -> dict:
    return {
        "lineId": line.lineId,
        "folioId": line.folioId,
        "kind": line.kind,
        "category": line.category,
        "description": line.description,
        "unitAmount": line.unitAmount,
        "quantity": line.quantity,
        "amount": line.amount,
        "effect": line.effect,
        "taxCategory": line.taxCategory,
        "taxRate": line.taxRate,
        "tax": line.tax or 0,
        "value": line.value,
        "method": line.method,
        "reference": line.reference,
        "reverses": line.reverses,
        "reversed": line.lineId in reversed_ids,
        "reason": line.reason,
        "serviceDate": line.serviceDate,
        "accountDate": line.accountDate,
        "createdAt": line.createdAt.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "createdBy": line.createdBy,
    }


def bill_dict(state: FolioState) -> dict:
    """{"bookingId", "folios": [{"folioId", "payer", "lines", "balance", "currency",
    "invoice"}], "balance", "currency"}: lines in posting order, per folio. A reservation's
    own bill has "bookingId": null and its "reservationId" instead."""
    currency = state.currency
    reversed_ids = {line.reverses for line in state.lines if line.kind == REVERSAL}
    lines = sorted(state.lines, key=lambda line: line.lineId)
    if state.header is None:
        folios = [
            {
                "folioId": FIRST_FOLIO,
                "payer": payer_of(state.booking),
                "balance": 0,
                "invoice": None,
            }
        ]
    else:
        folios = state.header.folios
    if isinstance(state.booking, ReservationOwner):
        owner = {"bookingId": None, "reservationId": state.booking.reservationId}
    else:
        owner = {"bookingId": state.booking.bookingId}
    return {
        **owner,
        "folios": [
            {
                "folioId": folio["folioId"],
                "payer": folio.get("payer") or {},
                "lines": [
                    line_dict(x, reversed_ids=reversed_ids)
                    for x in lines
                    if x.folioId == folio["folioId"]
                ],
                "balance": folio.get("balance", 0),
                "currency": currency,
                "invoice": folio.get("invoice"),
            }
            for folio in folios
        ],
        "balance": state.balance,
        "currency": currency,
    }


def folio_headers(booking_ids: Iterable[str]) -> dict[str, Folio]:
    """The bills' headers of `booking_ids` (those opened): one BatchGet (in pages of 100),
    not one read per booking. A header holds the running balance; no line is read."""
    ids = list(dict.fromkeys(booking_ids))
    return {header.bookingId: header for header in Folio.batch_get(ids)} if ids else {}
