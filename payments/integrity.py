"""The product's invariants, checked from the data itself: inventory (bookings.integrity)
and money. What `manage.py check_integrity` prints after a restore drill or an incident and
what the reliability storms assert. It reads whole tables (consistent Scans): an operator's
tool, never on a request's path.

Money, per booking:
- a payment never has more refunded than it took, and its `refundedAmount` is the sum of
  its refund records that did not fail;
- the bill holds exactly one payment line per completed online payment and one refund line
  per refund, for the same amounts (payments.folio.stay_lines.money_lines): what was paid
  is what the folio says;
- every folio's balance, and the bill's, is the sum of its lines' effects;
- a booking confirmed by an online payment took at least what its terms asked at booking,
  unless its price was changed after it was confirmed (the difference is then a balance on
  the bill, settled at the desk or online).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable

from bookings.booking_terms import booking_due_now
from bookings.integrity import InventoryData, inventory_problems
from bookings.models import CHECKED_IN, CHECKED_OUT, CONFIRMED, Booking
from hotel.audit.models import AuditEntry
from hotel.audit.services import object_key

from .folio.models import Folio, FolioLine
from .folio.stay_lines import MONEY_SOURCES, live_lines, money_lines
from .models import CHARGE, REFUNDABLE_STATUSES, REFUNDED, Payment

CONFIRMED_STATES = (CONFIRMED, CHECKED_IN, CHECKED_OUT)
FAILED_REFUNDS = ("failed", "canceled", "cancelled")


def refund_problems(payments: list[Payment]) -> list[str]:
    problems = []
    for p in payments:
        recorded = sum(
            int(r["amount"]) for r in p.refunds or () if r.get("status") not in FAILED_REFUNDS
        )
        if p.refundedAmount > p.amount:
            problems.append(f"{p.transactionId}: refunded {p.refundedAmount} > paid {p.amount}")
        if p.refundedAmount != recorded:
            problems.append(
                f"{p.transactionId}: refundedAmount {p.refundedAmount}, refund records {recorded}"
            )
    return problems


def bill_money_problems(
    payments: dict[str, list[Payment]], lines: dict[str, list[FolioLine]]
) -> list[str]:
    """The bill's card lines against the booking's payments, per booking."""
    problems = []
    for booking_id in sorted(set(payments) | set(lines)):
        expected = Counter((d.source, d.amount) for d in money_lines(payments.get(booking_id, [])))
        posted = Counter(
            (line.source, line.amount)
            for line in live_lines(lines.get(booking_id, []))
            if (line.source or "").startswith(MONEY_SOURCES)
        )
        if expected != posted:
            missing, extra = expected - posted, posted - expected
            problems.append(
                f"{booking_id}: payments not on the bill {sorted(missing.items())}, "
                f"on the bill without a payment {sorted(extra.items())}"
            )
    return problems


def balance_problems(headers: list[Folio], lines: dict[str, list[FolioLine]]) -> list[str]:
    problems = []
    for header in headers:
        mine = lines.get(header.bookingId, [])
        total = sum(line.effect for line in mine)
        if header.balance != total:
            problems.append(f"{header.bookingId}: balance {header.balance}, lines {total}")
        for folio in header.folios or ():
            part = sum(line.effect for line in mine if line.folioId == folio["folioId"])
            if folio.get("balance", 0) != part:
                problems.append(
                    f"{header.bookingId} {folio['folioId']}: balance {folio.get('balance')}, "
                    f"lines {part}"
                )
    return problems


def _own_charges(payments: list[Payment]) -> list[Payment]:
    """The online payments that confirm a booking (not a balance, not a guarantee)."""
    return [
        p
        for p in payments
        if (p.kind or CHARGE) == CHARGE
        and not p.purpose
        and p.status in (*REFUNDABLE_STATUSES, REFUNDED)
    ]


def _confirmed_price(booking_id: str) -> int | None:
    """The booking's total when it was last confirmed from pending (its audit trail)."""
    price = None
    for entry in AuditEntry.query(object_key("bookings.booking", booking_id)):
        before, after = entry.before or {}, entry.after or {}
        if before.get("status") == "pending" and after.get("status") == CONFIRMED:
            price = after.get("totalPrice")
    return price


def underpaid_problems(
    bookings: dict[str, Booking],
    payments: dict[str, list[Payment]],
    confirmed_price: Callable[[str], int | None] = _confirmed_price,
) -> list[str]:
    problems = []
    for booking_id, booking in sorted(bookings.items()):
        own = _own_charges(payments.get(booking_id, []))
        if booking.status not in CONFIRMED_STATES or not own:
            continue  # not confirmed, or confirmed without an online payment (desk, staff)
        if confirmed_price(booking_id) != booking.totalPrice:
            continue  # re-priced since: the difference is the bill's balance
        taken = sum(p.amount for p in own)
        if taken < booking_due_now(booking):
            problems.append(
                f"{booking_id}: {booking.status}, took {taken} of the {booking_due_now(booking)} "
                "its terms ask at booking"
            )
    return problems


def integrity_problems() -> dict[str, list[str]]:
    """Every check's name → what is wrong (empty lists: all is well)."""
    data = InventoryData.read()
    payments: dict[str, list[Payment]] = defaultdict(list)
    all_payments = list(Payment.scan(consistent_read=True))
    for payment in all_payments:
        payments[payment.bookingId].append(payment)
    lines: dict[str, list[FolioLine]] = defaultdict(list)
    for line in FolioLine.scan(consistent_read=True):
        lines[line.bookingId].append(line)
    headers = list(Folio.scan(consistent_read=True))
    booking_lines = {k: v for k, v in lines.items() if k in data.bookings}
    return {
        **inventory_problems(data),
        "refunds never exceed payments": refund_problems(all_payments),
        "what was paid is what the folio says": bill_money_problems(
            {k: v for k, v in payments.items() if k in data.bookings}, booking_lines
        ),
        "every bill's balance is the sum of its lines": balance_problems(headers, lines),
        "no confirmed booking underpaid": underpaid_problems(data.bookings, payments),
    }
