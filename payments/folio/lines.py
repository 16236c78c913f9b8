"""What a folio line is worth, pure: its effect on the balance, the tax inside it, the tax
categories, and the draft a service fills in before the posting writes it.

Amounts are integer minor units and include tax (the price the guest sees). A charge adds
to the balance, an allowance and a payment take from it, a refund adds back (the guest got
money back, so they owe it again if the charges stand); a reversal undoes the line it
reverses. balance = charges − allowances − payments + refunds ± reversals: > 0, the guest
owes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bookings.rate_terms import round_half_up
from hotel.taxes import tax_rate

from .models import ALLOWANCE, CHARGE, PAYMENT, REFUND, REVERSAL, FolioLine

SIGN = {CHARGE: 1, ALLOWANCE: -1, PAYMENT: -1, REFUND: 1}

# Charge categories staff choose from (the desk's "post a charge" and the API's `category`).
DESK_CATEGORIES = ("minibar", "restaurant", "bar", "laundry", "telephone", "damage", "fee", "other")


def tax_inside(amount: int, rate: Decimal) -> int:
    """The tax included in a gross `amount` at `rate` percent, rounded half up."""
    if not rate:
        return 0
    return round_half_up(Decimal(amount) * rate / (100 + rate))


def effect_of(kind: str, amount: int, *, reversed_effect: int | None = None) -> int:
    """What a line of `kind` and `amount` does to the balance (a reversal: the opposite of
    the line it reverses)."""
    if kind == REVERSAL:
        if reversed_effect is None:
            raise ValueError("A reversal needs the effect of the line it reverses.")
        return -reversed_effect
    return SIGN[kind] * amount


def split_evenly(total: int, weights: list[int]) -> list[int]:
    """`total` shared in proportion to `weights`, largest remainder first, summing exactly."""
    if not weights:
        return []
    whole = sum(weights)
    if whole == 0:
        shares = [0] * len(weights)
        shares[-1] = total
        return shares
    raw = [Decimal(total) * w / whole for w in weights]
    shares = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - shares[i], reverse=True)
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


@dataclass
class LineDraft:
    """A line before it is posted: the posting gives it its id, account date and effect."""

    kind: str
    category: str
    description: str
    unit_amount: int
    quantity: int = 1
    folio_id: str | None = None  # None: the booking's open folio
    tax_category: str | None = None
    tax_rate: Decimal | None = None
    tax: int = 0
    value: int | None = None
    code: str | None = None
    method: str | None = None
    reference: str | None = None
    transaction_id: str | None = None
    reverses: str | None = None
    reversed_effect: int | None = None
    reason: str | None = None
    source: str | None = None
    service_date: str | None = None

    @property
    def amount(self) -> int:
        return self.unit_amount * self.quantity

    @property
    def effect(self) -> int:
        return effect_of(self.kind, self.amount, reversed_effect=self.reversed_effect)


def charge_draft(
    *,
    description: str,
    unit_amount: int,
    quantity: int = 1,
    category: str = "other",
    tax_category: str = "standard",
    **more,
) -> LineDraft:
    """A charge with the tax inside it computed from its category's rate."""
    rate = tax_rate(tax_category)
    return LineDraft(
        kind=CHARGE,
        category=category,
        description=description,
        unit_amount=unit_amount,
        quantity=quantity,
        tax_category=tax_category,
        tax_rate=rate,
        tax=tax_inside(unit_amount * quantity, rate),
        **more,
    )


def money_draft(
    *, kind: str, amount: int, method: str, description: str, reference: str | None, **more
) -> LineDraft:
    """A payment or a refund (no tax: money is not revenue)."""
    if kind not in (PAYMENT, REFUND):
        raise ValueError(kind)
    return LineDraft(
        kind=kind,
        category=kind,
        description=description,
        unit_amount=amount,
        method=method,
        reference=reference,
        **more,
    )


def reversal_of(line: FolioLine, *, reason: str, description: str) -> LineDraft:
    """The line that undoes `line`, on its folio, for the same day and source."""
    return LineDraft(
        kind=REVERSAL,
        category=line.category,
        description=description,
        unit_amount=line.amount,
        folio_id=line.folioId,
        tax_category=line.taxCategory,
        tax=line.tax,
        code=line.code,
        method=line.method,
        reverses=line.lineId,
        reversed_effect=line.effect,
        reason=reason,
        source=line.source,
        service_date=line.serviceDate,
    )


def copy_of(line: FolioLine, *, reason: str) -> LineDraft:
    """`line` posted again (a move to another folio: the caller sets `folio_id`)."""
    return LineDraft(
        kind=line.kind,
        category=line.category,
        description=line.description,
        unit_amount=line.unitAmount,
        quantity=line.quantity,
        tax_category=line.taxCategory,
        tax_rate=None if line.taxRate is None else Decimal(line.taxRate),
        tax=line.tax,
        value=line.value,
        code=line.code,
        method=line.method,
        reference=line.reference,
        transaction_id=line.transactionId,
        reason=reason,
        source=line.source,
        service_date=line.serviceDate,
    )
