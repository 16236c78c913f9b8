"""A payment and its booking's price: what keeps a booking from being confirmed underpaid.

Three rules, each enforced by DynamoDB rather than by a read before a write:

1. Opening a payment marks the booking (`Booking.openPayments`, a set of transaction ids) in
   the payment's own transaction, conditional on the booking still being pending at the
   price being charged. The mark bumps the booking's version, so a date change that read
   the booking before it fails on its version condition, reads again and is refused with
   PAYMENT_IN_PROGRESS (bookings.services.booking_change). A change that wins the race
   makes the payment's condition fail instead: nothing is charged (AMOUNT_MISMATCH).
2. Settling confirms the booking only if it costs exactly what was paid, as a condition of
   the confirming transaction (`booking_transition(paid=…)`, `booking_revive_paid(paid=…)`).
   Otherwise the booking stays as it is and the payment is refunded automatically (or, if
   the refund fails, left completed with a note for staff).
3. A payment that ends without confirming (declined, refunded, cancelled) removes its mark
   in the same transaction; confirming the booking clears all marks. Once one attempt has
   paid, the booking's other open attempts are cancelled at the provider and marked
   cancelled (`open_attempts_cancel`), so none stays "awaiting 3-D Secure".
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from pynamodb.exceptions import TransactWriteError

from bookings.models import PENDING as BOOKING_PENDING
from bookings.models import Booking
from hotel.dynamo import conditional_check_failed, transact

from .audit import payment_audit, payment_snapshot
from .models import CANCELLED, PENDING, REQUIRES_ACTION, Payment
from .providers import get_provider

logger = logging.getLogger(__name__)

CANCELLABLE = (PENDING, REQUIRES_ACTION)


def mark_open(tx, booking: Booking, payment: Payment) -> None:
    """Add `payment` to the booking's open payments, conditional on the booking still being
    pending at the payment's price. Bumps the booking's version (no condition on it)."""
    tx.update(
        booking,
        actions=[Booking.openPayments.add({payment.transactionId})],
        condition=(Booking.status == BOOKING_PENDING)
        & (Booking.totalPrice == payment.amount)
        & (Booking.currency == payment.currency),
        add_version_condition=False,
    )


def mark_closed(tx, payment: Payment) -> None:
    """Remove `payment` from its booking's open payments (a no-op if it is not there)."""
    booking = Booking(payment.bookingId, version=0)  # version: bumped, never a condition
    tx.update(
        booking,
        actions=[Booking.openPayments.delete({payment.transactionId})],
        condition=Booking.bookingId.exists(),
        add_version_condition=False,
    )


def abandoned_after() -> timedelta:
    """How long a 3-D Secure attempt may wait for the guest before it counts as abandoned."""
    return timedelta(seconds=settings.HOTEL_3DS_ABANDONED_AFTER_SECONDS)


def is_abandoned(payment: Payment, *, now: datetime) -> bool:
    return payment.status == REQUIRES_ACTION and payment.updatedAt <= now - abandoned_after()


def open_attempts_cancel(
    *,
    booking_id: str,
    reason: str,
    actor: str,
    now: datetime,
    keep: str | None = None,
    only=None,
) -> list[Payment]:
    """Cancel the booking's open attempts (except `keep`, and only those `only(payment)`
    accepts) at the provider, then mark them cancelled and drop their marks, audited.

    An attempt the provider will not cancel (it succeeded or is processing) is left to its
    own settlement, which refunds it if the booking cannot take it. An attempt still in
    flight (no provider id yet) is left too. Never raises: returns the attempts cancelled.
    """
    from .selectors import payments_for_booking

    cancelled = []
    for payment in payments_for_booking(booking_id=booking_id):
        if payment.transactionId == keep or payment.status not in CANCELLABLE:
            continue
        if not payment.stripePaymentIntentId or (only is not None and not only(payment)):
            continue
        try:
            if get_provider().cancel(intent_id=payment.stripePaymentIntentId):
                cancelled.append(_mark_cancelled(payment, reason=reason, actor=actor, now=now))
        except Exception:
            logger.exception("Could not cancel attempt %s of %s", payment.transactionId, booking_id)
    return [p for p in cancelled if p is not None]


def abandoned_attempts_cancel(*, booking_id: str, actor: str, now: datetime) -> list[Payment]:
    """Cancel the booking's 3-D Secure attempts the guest abandoned (is_abandoned)."""
    return open_attempts_cancel(
        booking_id=booking_id,
        reason="3-D Secure was not completed; cancelled when the dates were changed.",
        actor=actor,
        now=now,
        only=lambda payment: is_abandoned(payment, now=now),
    )


def _mark_cancelled(payment: Payment, *, reason: str, actor: str, now: datetime):
    before = payment_snapshot(payment)
    payment.status = CANCELLED
    payment.failureMessage = reason[:500]
    payment.updatedAt = now
    entry = payment_audit(payment, action="status:cancelled", before=before, actor=actor, now=now)

    def build(tx):
        tx.save(payment, condition=Payment.status.is_in(*CANCELLABLE))
        tx.save(entry)
        mark_closed(tx, payment)

    try:
        transact(build)
    except TransactWriteError as exc:
        if not conditional_check_failed(exc):
            raise
        return None  # Settled meanwhile (a provider success that beat the cancel).
    return payment
