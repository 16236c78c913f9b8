"""Payment reads: by id, a booking's payments through the bookingId index (no Scan), what
they add up to, and the quotes that depend on them (a cancellation's refund, whether a guest
may change a paid booking online)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pynamodb.exceptions import DoesNotExist

from bookings.booking_terms import booking_policy, payment_terms_summary
from bookings.models import CONFIRMED, Booking
from bookings.pricing import Quote
from bookings.quotes import booking_restay_quote, guest_change_refusal
from bookings.services import hotel_today

from .cancellation import CancellationQuote, InvalidPolicy, cancellation_quote, parse_policy
from .exceptions import PaymentNotFound
from .models import COMPLETED, GUARANTEE, REFUNDABLE_STATUSES, REFUNDED, Payment

MAX_ID_LENGTH = 64


def payment_get(*, transaction_id: str, consistent: bool = False) -> Payment:
    """Raises PaymentNotFound."""
    if not 1 <= len(transaction_id) <= MAX_ID_LENGTH:  # DynamoDB refuses over-long keys
        raise PaymentNotFound(f"Payment {transaction_id[:MAX_ID_LENGTH]}… does not exist.")
    try:
        return Payment.get(transaction_id, consistent_read=consistent)
    except DoesNotExist as exc:
        raise PaymentNotFound(f"Payment {transaction_id} does not exist.") from exc


def payments_for_booking(*, booking_id: str) -> list[Payment]:
    """A booking's payments, oldest first (a booking has a handful at most)."""
    return list(Payment.by_booking.query(booking_id))


def payment_summary(
    payments: list[Payment], *, currency: str, booking: Booking | None = None
) -> dict:
    """What a booking's payments add up to: paid (taken minus refunded), refunded, status
    "unpaid" | "paid" | "partially_refunded" | "refunded" (minor units of `currency`).

    With the `booking`, also what its payment terms ask (bookings.booking_terms): dueNow
    (taken at booking), balanceDue (total and extras − paid, due at check-in), terms ("prepay" |
    "deposit" | "at_hotel") and guaranteed (a card is kept as the guarantee)."""
    taken = [p for p in payments if p.status in (*REFUNDABLE_STATUSES, REFUNDED)]
    total = sum(p.amount for p in taken)
    refunded = sum(p.refundedAmount for p in taken)
    if total == 0:
        status = "unpaid"
    elif refunded == 0:
        status = "paid"
    elif refunded >= total:
        status = "refunded"
    else:
        status = "partially_refunded"
    paid = total - refunded
    summary = {"paid": paid, "refunded": refunded, "currency": currency, "status": status}
    if booking is not None:
        summary.update(payment_terms_summary(booking, paid=paid))
        summary["guaranteed"] = any(p.kind == GUARANTEE and p.status == COMPLETED for p in payments)
    return summary


def booking_payment_summary(*, booking: Booking) -> dict:
    """payment_summary of a booking's payments with its terms (one Query of the bookingId
    index)."""
    return payment_summary(
        payments_for_booking(booking_id=booking.bookingId),
        currency=booking.currency,
        booking=booking,
    )


def cancellation_policy():
    """The hotel's policy (settings.HOTEL_CANCELLATION_POLICY), strongest rule first: the
    default plan's. A booking follows its own (booking_policy)."""
    try:
        return parse_policy(settings.HOTEL_CANCELLATION_POLICY)
    except InvalidPolicy as exc:
        raise ImproperlyConfigured(f"HOTEL_CANCELLATION_POLICY: {exc}") from exc


def booking_amount_paid(*, booking_id: str) -> int:
    """What the guest has paid for a booking and not had back (minor units)."""
    return amount_paid(payments_for_booking(booking_id=booking_id))


def amount_paid(payments: list[Payment]) -> int:
    """What `payments` took and have not given back (minor units)."""
    return sum(p.amount - p.refundedAmount for p in payments if p.status in REFUNDABLE_STATUSES)


def cancellation_quote_for(booking: Booking, *, paid: int, now: datetime) -> CancellationQuote:
    """What cancelling `booking` now would refund of `paid` under the policy it was sold
    with (bookings.booking_terms.booking_policy: its snapshot's, else the hotel's)."""
    return cancellation_quote(
        check_in=date.fromisoformat(booking.checkIn),
        today=hotel_today(now),
        paid=paid,
        currency=booking.currency,
        policy=booking_policy(booking),
    )


def booking_cancellation_quote(*, booking: Booking, now: datetime) -> CancellationQuote:
    """What cancelling `booking` now would refund under the policy it was sold with."""
    return cancellation_quote_for(
        booking, paid=booking_amount_paid(booking_id=booking.bookingId), now=now
    )


# --- a guest's online date change -----------------------------------------------------------------

# Why a guest may not move a booking online besides the lifecycle's reasons
# (bookings.quotes.CHANGE_HOLD_EXPIRED, CHANGE_NOT_CHANGEABLE): the money rules.
CHANGE_POLICY_WINDOW = "policy_window"
CHANGE_PRICE_DIFFERS = "price_differs"


@dataclass(frozen=True)
class GuestChangeQuote:
    quote: Quote  # the price of the new stay in the booking's room
    reason: str | None  # None: the guest may make this change online; else a CHANGE_* code

    @property
    def allowed(self) -> bool:
        return self.reason is None


def booking_change_quote(
    *, booking: Booking, check_in: date, check_out: date, now: datetime
) -> GuestChangeQuote:
    """What moving a booking to new dates costs, and whether the guest may do it online.

    A pending booking with a live hold may move to any bookable dates (it is then paid at
    the new price). A confirmed booking may move while cancelling it would still refund it
    in full under the policy it was sold with (booking_policy: a non-refundable booking
    never), and only to dates that cost what it costs now: no money moves online (anything
    else is a cancellation and a new booking, or the front desk). Availability is checked
    by the change itself. Raises ValidationFailed, StayTooLong, StayRuleViolation, NotFound.
    """
    quote = booking_restay_quote(booking=booking, check_in=check_in, check_out=check_out, now=now)
    reason = guest_change_refusal(booking, now)
    if reason is None and booking.status == CONFIRMED:  # paid: the money rules apply
        rule = booking_cancellation_quote(booking=booking, now=now).rule
        if rule is None or rule.refund_percent < 100:
            reason = CHANGE_POLICY_WINDOW
        elif quote.total != booking.totalPrice:
            reason = CHANGE_PRICE_DIFFERS
    return GuestChangeQuote(quote=quote, reason=reason)
