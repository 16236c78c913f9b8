"""What a booking's bill should hold for the stay itself and for the money that went through
the provider, pure: computed from the booking and its payments, compared with the lines.

- a live stay (held, confirmed, in house, checked out): one charge per night (its price
  with its share of the tax), the city tax, the plan's included extras at zero with their
  value, the extras the guest booked;
- a cancelled stay: the nights reversed and a cancellation fee of what the hotel kept
  (what was paid less what was refunded), so the bill of a cancel settles at zero;
- a no-show: the nights reversed and the no-show fee of its plan;
- an expired hold: nothing;
- every completed online payment and every refund of it, once.

The sync posts what is missing and reverses what no longer applies, so a change of dates,
room type or price, a cancel, a late payment — or a crash between any of them and the bill
— ends in the same lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from bookings.booking_terms import booking_no_show_fee
from bookings.models import CANCELLED, EXPIRED, NO_SHOW, Booking
from bookings.rate_terms import Included
from hotel.taxes import tax_rates
from payments.models import CHARGE as PAYMENT_CHARGE
from payments.models import REFUNDABLE_STATUSES, REFUNDED, Payment

from .lines import LineDraft, charge_draft, money_draft, reversal_of, split_evenly
from .models import CARD, CARD_ON_FILE, PAYMENT, REFUND, REVERSAL, FolioLine

STAY_SOURCES = ("night:", "citytax", "included:", "extra:", "cancellation", "noshow")
MONEY_SOURCES = ("pay:", "refund:")


def is_stay_source(source: str | None) -> bool:
    return bool(source) and source.startswith(STAY_SOURCES)


def live_lines(lines: list[FolioLine]) -> list[FolioLine]:
    """The lines not reversed (and not reversals themselves)."""
    reversed_ids = {line.reverses for line in lines if line.kind == REVERSAL}
    return [line for line in lines if line.kind != REVERSAL and line.lineId not in reversed_ids]


def _nights(booking: Booking) -> list[LineDraft]:
    nightly = booking.nightly or []
    taxes = split_evenly(booking.tax or 0, [int(n["amount"]) for n in nightly])
    rate = tax_rates()["standard"]
    plan = booking.ratePlan or "FLEX"
    drafts = []
    for night, tax in zip(nightly, taxes, strict=True):
        draft = charge_draft(
            description=f"{booking.roomType} · {plan}, night of {night['date']}",
            unit_amount=int(night["amount"]) + tax,
            category="room",
            source=f"night:{night['date']}",
            service_date=night["date"],
        )
        draft.tax, draft.tax_rate = tax, rate
        drafts.append(draft)
    return drafts


def _included(booking: Booking) -> list[LineDraft]:
    terms = booking.terms or {}
    nights = len(booking.nightly or [])
    persons = (booking.adults or booking.guests or 1) + len(booking.childrenAges or [])
    drafts = []
    for item in terms.get("included") or ():
        included = Included(item["code"], item["name"], item["unit"], int(item.get("value") or 0))
        quantity = included.quantity(nights, persons)
        drafts.append(
            charge_draft(
                description=f"{included.name} (included)",
                unit_amount=0,
                quantity=quantity,
                category="included",
                tax_category="standard",
                value=included.value * quantity,
                code=included.code,
                source=f"included:{included.code}",
                service_date=booking.checkIn,
            )
        )
    return drafts


def _extras(booking: Booking) -> list[LineDraft]:
    """The extras booked with the stay (Booking.extras, bookings.extras), each once."""
    drafts = []
    for item in getattr(booking, "extras", None) or ():
        drafts.append(
            charge_draft(
                description=item.get("label") or item["name"],
                unit_amount=int(item["unitPrice"]),
                quantity=int(item.get("quantity") or 1),
                category="included" if item.get("included") else "extra",
                tax_category=item.get("taxCategory") or "standard",
                value=item.get("value"),
                code=item["code"],
                source=f"extra:{item['key']}",
                service_date=item.get("date") or booking.checkIn,
            )
        )
    return drafts


def stay_charges(booking: Booking, *, kept: int) -> list[LineDraft]:
    """The stay's charges as the booking is now (module docstring); `kept`: what the hotel
    holds of the guest's money (payments less refunds), the fee of a cancel."""
    if booking.status == EXPIRED:
        return []
    if booking.status == CANCELLED:
        if kept <= 0:
            return []
        return [
            charge_draft(
                description="Cancellation fee",
                unit_amount=kept,
                category="cancellation",
                source="cancellation",
                service_date=None,
            )
        ]
    if booking.status == NO_SHOW:
        fee = booking_no_show_fee(booking)
        if fee <= 0:
            return []
        return [
            charge_draft(
                description="No-show fee",
                unit_amount=fee,
                category="no_show",
                source="noshow",
                # The arrival day's books (the night audit posts it before closing that day).
                service_date=booking.checkIn,
            )
        ]
    drafts = _nights(booking)
    if booking.cityTax:
        drafts.append(
            charge_draft(
                description="City tax",
                unit_amount=booking.cityTax,
                category="city_tax",
                tax_category="exempt",
                source="citytax",
                service_date=booking.checkIn,
            )
        )
    return drafts + _included(booking) + _extras(booking)


def money_lines(payments: list[Payment]) -> list[LineDraft]:
    """One payment line per completed online payment and one refund line per refund."""
    drafts = []
    for payment in payments:
        if (payment.kind or PAYMENT_CHARGE) != PAYMENT_CHARGE or payment.amount <= 0:
            continue
        if payment.status not in (*REFUNDABLE_STATUSES, REFUNDED):
            continue
        method = CARD_ON_FILE if getattr(payment, "purpose", None) == CARD_ON_FILE else CARD
        brand = f" ({payment.paymentMethod})" if payment.paymentMethod else ""
        drafts.append(
            money_draft(
                kind=PAYMENT,
                amount=payment.amount,
                method=method,
                description=f"Card payment{brand}",
                reference=payment.transactionId,
                transaction_id=payment.transactionId,
                source=f"pay:{payment.transactionId}",
            )
        )
        for index, refund in enumerate(payment.refunds or ()):
            if refund.get("status") in ("failed", "canceled", "cancelled"):
                continue
            drafts.append(
                money_draft(
                    kind=REFUND,
                    amount=int(refund["amount"]),
                    method=method,
                    description="Card refund",
                    reference=refund.get("refundId") or payment.transactionId,
                    transaction_id=payment.transactionId,
                    source=f"refund:{payment.transactionId}:{index}",
                )
            )
    return drafts


@dataclass
class SyncPlan:
    post: list[LineDraft]

    @property
    def empty(self) -> bool:
        return not self.post


def sync_plan(booking: Booking, payments: list[Payment], lines: list[FolioLine]) -> SyncPlan:
    """What to post so that the lines say what the booking and its payments say."""
    live = live_lines(lines)
    posted_money = {
        line.source for line in live if line.source and line.source.startswith(MONEY_SOURCES)
    }
    post = [d for d in money_lines(payments) if d.source not in posted_money]
    money = sum(line.effect for line in live if line.kind in (PAYMENT, REFUND))
    money += sum(d.effect for d in post)
    # What the hotel keeps of the guest's money beyond the bill's other charges (the desk's,
    # a change fee): a cancel's fee, so that its bill settles at zero.
    others = sum(
        line.effect
        for line in live
        if line.kind not in (PAYMENT, REFUND) and not is_stay_source(line.source)
    )
    desired = stay_charges(booking, kept=max(0, -money - others))
    unmatched = [line for line in live if is_stay_source(line.source)]
    reason = (
        f"booking {booking.status}"
        if booking.status in (CANCELLED, NO_SHOW, EXPIRED)
        else "stay changed"
    )
    for draft in desired:
        match = next(
            (
                line
                for line in unmatched
                if line.source == draft.source
                and line.unitAmount == draft.unit_amount
                and line.quantity == draft.quantity
                and line.description == draft.description[:200]
            ),
            None,
        )
        if match is not None:
            unmatched.remove(match)
            continue
        replaced = next((line for line in unmatched if line.source == draft.source), None)
        if replaced is not None:
            draft.folio_id = replaced.folioId
        post.append(draft)
    reversals = [
        reversal_of(line, reason=reason, description=f"Reversal: {line.description}")
        for line in unmatched
    ]
    return SyncPlan(post=reversals + post)
