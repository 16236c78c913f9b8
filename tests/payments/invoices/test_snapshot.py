"""What an invoice says about a folio, pure: cancelled pairs vanish, reversals from another
folio stay negative, allowances take from their rate, payments are listed apart, the tax
per rate adds up, a credit note negates every amount."""

from __future__ import annotations

from datetime import UTC, datetime

from payments.folio.models import FolioLine
from payments.invoices.numbering import invoice_number
from payments.invoices.snapshot import folio_snapshot, negated

NOW = datetime(2026, 12, 1, 10, tzinfo=UTC)


def line(line_id, kind, amount, *, folio="F1", rate="12", tax=0, reverses=None, **more):
    effect = {"charge": amount, "allowance": -amount, "payment": -amount, "refund": amount}
    return FolioLine(
        bookingId="BK-1",
        lineId=line_id,
        lineKey=f"BK-1#{line_id}",
        folioId=folio,
        kind=kind,
        category=more.pop("category", "other"),
        description=more.pop("description", f"{kind} {line_id}"),
        unitAmount=amount,
        quantity=1,
        amount=amount,
        effect=more.pop("effect", effect.get(kind, 0)),
        taxRate=rate if kind in ("charge", "allowance") else None,
        tax=tax,
        reverses=reverses,
        accountDate="2026-12-01",
        createdAt=NOW,
        createdBy="t",
        **more,
    )


def test_pairs_cancel_moves_stay_negative_and_tax_adds_up_per_rate():
    lines = [
        line("L0001", "charge", 11200, tax=1200, serviceDate="2026-12-01"),
        line("L0002", "charge", 5250, rate="5", tax=250, description="Breakfast"),
        line("L0003", "charge", 999, tax=107, description="Mistake"),
        line("L0004", "reversal", 999, tax=107, reverses="L0003", effect=-999),
        line("L0005", "allowance", 1120, tax=120, description="Goodwill"),
        line("L0006", "charge", 3000, folio="F2", tax=321, description="Bar (F2)"),
        # a stay line of F2 reversed onto F1 (F2 was invoiced): a negative line on F1
        line("L0007", "reversal", 3000, tax=321, reverses="L0006", effect=-3000),
        line("L0008", "payment", 12330, method="cash", description="Cash"),
        line("L0009", "refund", 1000, method="cash", description="Change"),
    ]
    snap = folio_snapshot(lines, "F1")
    assert [x["lineId"] for x in snap.lines] == ["L0001", "L0002", "L0005", "L0007"]
    assert [x["amount"] for x in snap.lines] == [11200, 5250, -1120, -3000]
    assert [x["tax"] for x in snap.lines] == [1200, 250, -120, -321]
    assert snap.lines[3]["taxRate"] == "12"  # the reversed line's rate
    assert snap.total == 11200 + 5250 - 1120 - 3000
    assert snap.tax_total == 1200 + 250 - 120 - 321
    assert snap.tax_breakdown == [
        {"rate": "12", "net": 7080 - 759, "tax": 759, "gross": 7080},
        {"rate": "5", "net": 5000, "tax": 250, "gross": 5250},
    ]
    assert [(p["method"], p["amount"]) for p in snap.payments] == [("cash", 12330), ("cash", -1000)]
    assert sum(r["gross"] for r in snap.tax_breakdown) == snap.total


def test_credit_note_lines_are_the_invoice_negated():
    snap = folio_snapshot([line("L0001", "charge", 11200, tax=1200)], "F1")
    (credit,) = negated(snap.lines)
    assert (credit["amount"], credit["unitAmount"], credit["tax"]) == (-11200, -11200, -1200)
    assert credit["description"] == snap.lines[0]["description"]


def test_numbers():
    assert invoice_number("", 2026, 123) == "2026-000123"
    assert invoice_number("CN", 2026, 7) == "CN-2026-000007"
