"""What an invoice says about a folio, pure: its lines, the payments that settled it, the tax
per rate, the total; and the hotel's legal details. Computed from the folio's lines alone.

A line and its reversal on the same folio cancel out and neither is shown; a reversal of a
line on another folio (a line moved away after the split, a stay line reversed onto the open
folio) stays as a negative line. Amounts are signed: charges positive, allowances and
reversals of charges negative; the total is their sum, tax included.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from payments.folio.models import ALLOWANCE, CHARGE, PAYMENT, REFUND, REVERSAL, FolioLine

REVENUE = (CHARGE, ALLOWANCE)
MONEY = (PAYMENT, REFUND)


@dataclass(frozen=True)
class Snapshot:
    lines: list[dict]
    payments: list[dict]
    tax_breakdown: list[dict]
    total: int
    tax_total: int


def _rate_text(rate: str | None) -> str:
    """ "12", "5.5", "0": a percent as a plain decimal string (the breakdown's key)."""
    if rate in (None, ""):
        return "0"
    value = Decimal(rate).normalize()
    return format(value, "f")


def _kind_of(line: FolioLine, by_id: dict[str, FolioLine]) -> str:
    if line.kind != REVERSAL:
        return line.kind
    original = by_id.get(line.reverses or "")
    return original.kind if original is not None else CHARGE


def folio_snapshot(lines: list[FolioLine], folio_id: str) -> Snapshot:
    """The invoice's content for folio `folio_id` of a booking whose lines are `lines`."""
    by_id = {line.lineId: line for line in lines}
    mine = sorted((x for x in lines if x.folioId == folio_id), key=lambda x: x.lineId)
    cancelled = {
        x.reverses
        for x in mine
        if x.kind == REVERSAL and by_id.get(x.reverses or "") is not None
        if by_id[x.reverses].folioId == folio_id
    }
    shown: list[dict] = []
    payments: list[dict] = []
    for line in mine:
        if line.lineId in cancelled:
            continue
        if line.kind == REVERSAL and line.reverses in cancelled:
            continue
        kind = _kind_of(line, by_id)
        original = by_id.get(line.reverses or "") if line.kind == REVERSAL else line
        if kind in MONEY:
            payments.append(
                {
                    "lineId": line.lineId,
                    "kind": kind if line.kind != REVERSAL else REVERSAL,
                    "method": line.method,
                    "description": line.description,
                    "reference": line.reference,
                    "amount": -line.effect,  # money in: positive
                    "date": line.accountDate,
                }
            )
            continue
        sign = 1 if line.effect >= 0 else -1
        rate = _rate_text(original.taxRate if original is not None else line.taxRate)
        shown.append(
            {
                "lineId": line.lineId,
                "description": line.description,
                "quantity": line.quantity if line.kind != REVERSAL else 1,
                "unitAmount": sign * (line.unitAmount if line.kind != REVERSAL else line.amount),
                "amount": line.effect,
                "taxCategory": line.taxCategory,
                "taxRate": rate,
                "tax": sign * (line.tax or 0),
                "serviceDate": line.serviceDate,
                "value": line.value,
            }
        )
    return Snapshot(
        lines=shown,
        payments=payments,
        tax_breakdown=tax_breakdown(shown),
        total=sum(x["amount"] for x in shown),
        tax_total=sum(x["tax"] for x in shown),
    )


def tax_breakdown(lines: list[dict]) -> list[dict]:
    """[{rate, net, tax, gross}] per tax rate, highest rate first."""
    rates: dict[str, dict] = {}
    for line in lines:
        row = rates.setdefault(line["taxRate"], {"rate": line["taxRate"], "gross": 0, "tax": 0})
        row["gross"] += line["amount"]
        row["tax"] += line["tax"]
    return [
        {"rate": r["rate"], "net": r["gross"] - r["tax"], "tax": r["tax"], "gross": r["gross"]}
        for r in sorted(rates.values(), key=lambda r: Decimal(r["rate"]), reverse=True)
    ]


def negated(invoice_lines: list[dict]) -> list[dict]:
    """A credit note's lines: the invoice's, every amount with the opposite sign."""
    money = ("unitAmount", "amount", "tax")
    return [{**x, **{k: -x[k] for k in money if x.get(k) is not None}} for x in invoice_lines]


def hotel_legal() -> dict:
    """The seller on every invoice (HOTEL_LEGAL_NAME, HOTEL_ADDRESS, HOTEL_TAX_ID)."""
    return {
        "legalName": settings.HOTEL_LEGAL_NAME or settings.HOTEL_NAME,
        "address": settings.HOTEL_ADDRESS.strip(),
        "taxId": settings.HOTEL_TAX_ID.strip(),
        "email": settings.HOTEL_EMAIL.strip(),
        "phone": settings.HOTEL_PHONE.strip(),
    }
