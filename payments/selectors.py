"""Payment reads: by id, and a booking's payments through the bookingId index (no Scan)."""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pynamodb.exceptions import DoesNotExist

from bookings.models import Booking
from bookings.services import hotel_today

from .cancellation import CancellationQuote, InvalidPolicy, cancellation_quote, parse_policy
from .exceptions import PaymentNotFound
from .models import REFUNDABLE_STATUSES, REFUNDED, Payment

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


def payment_summary(payments: list[Payment], *, currency: str) -> dict:
    """What a booking's payments add up to: paid (taken minus refunded), refunded, status
    "unpaid" | "paid" | "partially_refunded" | "refunded" (minor units of `currency`)."""
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
    return {"paid": total - refunded, "refunded": refunded, "currency": currency, "status": status}


def booking_payment_summary(*, booking: Booking) -> dict:
    """payment_summary of a booking's payments (one Query of the bookingId index)."""
    return payment_summary(
        payments_for_booking(booking_id=booking.bookingId), currency=booking.currency
    )


def cancellation_policy():
    """The configured policy (settings.HOTEL_CANCELLATION_POLICY), strongest rule first."""
    try:
        return parse_policy(settings.HOTEL_CANCELLATION_POLICY)
    except InvalidPolicy as exc:
        raise ImproperlyConfigured(f"HOTEL_CANCELLATION_POLICY: {exc}") from exc


def booking_amount_paid(*, booking_id: str) -> int:
    """What the guest has paid for a booking and not had back (minor units)."""
    return sum(
        p.amount - p.refundedAmount
        for p in payments_for_booking(booking_id=booking_id)
        if p.status in REFUNDABLE_STATUSES
    )


def booking_cancellation_quote(*, booking: Booking, now: datetime) -> CancellationQuote:
    """What cancelling `booking` now would refund under the hotel's policy."""
    return cancellation_quote(
        check_in=date.fromisoformat(booking.checkIn),
        today=hotel_today(now),
        paid=booking_amount_paid(booking_id=booking.bookingId),
        currency=booking.currency,
        policy=cancellation_policy(),
    )
