"""The one cancel: a booking is cancelled with the refund its cancellation policy gives back.

Every edge that cancels (the guest's page, `POST /api/bookings/{id}/cancel`,
`PUT /api/bookings/{id}/status`, the admin's Cancel on a booking and on the list) calls
`booking_cancel_with_refund`. Bookings cannot import payments, so the plain lifecycle
cancel (`bookings.services.booking_transition`) asks a guard that this module registers
(`refuse_plain_cancel_of_paid`): a booking with money paid is refused there, and only this
service, which passes `refund_handled=True`, cancels it.

Staff holding OVERRIDE_PERMISSION (managers, accountants) may refund another amount than
the policy's, 0 to what was paid, with a reason; the decision is audited on the booking in
the same transaction as the cancel. The refund is reserved on its payments in that
transaction too (owed: payments.services.refunds_owed), then asked of the provider after the
cancel: a refund the provider refuses never undoes the cancel (it is noted for staff), and
one whose process dies first is completed by reconcile_payments. The guest's email names the
amount.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from bookings.exceptions import BookingNotFound, InvalidTransition
from bookings.lifecycle import allowed_targets, can_cancel
from bookings.models import CANCELLED, Booking
from bookings.services import booking_transition
from hotel import events
from hotel.audit.services import audit_add
from hotel.dynamo import transaction_room
from hotel.errors import Conflict, ValidationFailed

from ..cancellation import CancellationQuote
from ..exceptions import PaymentGatewayError
from ..models import REFUNDABLE_STATUSES, Payment
from ..selectors import (
    amount_paid,
    booking_amount_paid,
    booking_cancellation_quote,
    cancellation_quote_for,
    payment_get,
    payments_for_booking,
)
from .refund import RefundLeftOwed, payment_refund, refund_reserve, refund_send
from .shared import OBJECT_TYPE as PAYMENT_OBJECT
from .shared import payment_save, payment_snapshot

logger = logging.getLogger(__name__)

# A cancellation through booking_cancel_with_refund is done, with what it refunded.
CancellationSettled = "CancellationSettled"
# Managers ("*") and accountants ("payments.*") hold it; the front desk does not.
OVERRIDE_PERMISSION = "payments.override_cancellation_refund"
MAX_REASON = 500

REFUNDED_NOW = "refunded"
NOTHING_TO_REFUND = "none"
REFUND_FAILED = "failed"


class CancelNeedsRefund(Conflict):
    """A plain cancel of a booking with money paid (it must go through the refund)."""

    code = "CANCEL_NEEDS_REFUND"
    default_message = "This booking has been paid: cancel it with its refund."


@dataclass(frozen=True)
class RefundPart:
    transaction_id: str
    amount: int  # minor units going back to this payment
    brand: str | None  # the card brand, for staff ("visa")


@dataclass(frozen=True)
class CancellationPreview:
    """What cancelling now would do: the policy's quote and where its refund goes."""

    booking: Booking
    quote: CancellationQuote
    parts: tuple[RefundPart, ...]


@dataclass(frozen=True)
class Cancellation:
    booking: Booking
    refund: int  # minor units given back (what was refunded unless refund_status is failed)
    currency: str
    refund_status: str  # REFUNDED_NOW, NOTHING_TO_REFUND or REFUND_FAILED
    policy_refund: int  # what the policy gave; differs from `refund` when overridden
    overridden: bool = False


def may_override_refund(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(OVERRIDE_PERMISSION))


def refund_split(payments: list[Payment], amount: int) -> list[tuple[Payment, int]]:
    """Spread `amount` over the refundable payments, oldest first."""
    parts, left = [], amount
    for payment in payments:
        if left <= 0:
            break
        if payment.status not in REFUNDABLE_STATUSES:
            continue
        part = min(left, payment.amount - payment.refundedAmount)
        if part > 0:
            parts.append((payment, part))
            left -= part
    return parts


def booking_cancellation_preview(
    *, booking: Booking, now: datetime, amount: int | None = None
) -> CancellationPreview:
    """The policy's quote for cancelling `booking` now and the payments that `amount`
    (default: the policy's refund) would go back to."""
    quote = booking_cancellation_quote(booking=booking, now=now)
    payments = payments_for_booking(booking_id=booking.bookingId)
    split = refund_split(payments, quote.refund if amount is None else amount)
    parts = tuple(
        RefundPart(transaction_id=p.transactionId, amount=part, brand=p.paymentMethod)
        for p, part in split
    )
    return CancellationPreview(booking=booking, quote=quote, parts=parts)


def refuse_plain_cancel_of_paid(booking: Booking) -> None:
    """The guard on bookings' plain cancel: money paid goes back through this module."""
    paid = booking_amount_paid(booking_id=booking.bookingId)
    if paid > 0:
        raise CancelNeedsRefund(
            f"Booking {booking.bookingId} has {paid} {booking.currency} (minor units) paid: "
            "cancel it with its refund.",
            details={"paid": paid, "currency": booking.currency},
        )


def _override_validate(amount, reason: str | None, *, paid: int, currency: str) -> str:
    """Check an override (all problems at once). Returns the cleaned reason."""
    errors: dict[str, list[str]] = {}
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        errors["refundAmount"] = ["A whole number of minor units, 0 or more."]
    elif amount > paid:
        errors["refundAmount"] = [
            f"At most what was paid: {paid} {currency} (minor units).",
        ]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = ["Say why the refund differs from the policy."]
    elif len(reason) > MAX_REASON:
        errors["reason"] = [f"At most {MAX_REASON} characters."]
    if errors:
        raise ValidationFailed(details={"fields": errors})
    return reason


def booking_cancel_with_refund(
    *,
    booking_id: str,
    actor: str,
    now: datetime,
    request_id: str | None = None,
    refund_amount: int | None = None,
    reason: str | None = None,
) -> Cancellation:
    """Cancel a booking and refund what the policy gives back of what was paid, or
    `refund_amount` (0 ≤ amount ≤ paid, with a `reason`) when staff override it.

    The caller checks that the actor may override (may_override_refund). The decision
    (policy and refunded amounts, reason) is audited on the booking in the cancel's
    transaction, and so is the refund's reservation on the payments (refunds_owed), when
    the stay's items leave room for it. The provider is asked after the cancel; a refund it
    refuses does not undo the cancellation: it is logged, noted on the payment for staff
    (`failureMessage`, audited) and reported as REFUND_FAILED. The guest's cancellation
    email names the refund.
    Raises BookingNotFound, InvalidTransition (cannot be cancelled), ValidationFailed
    (the override).
    """
    # What was paid is read before the booking: a concurrent cancel refunds only after its
    # write, so whoever still finds the booking cancellable also finds the money unrefunded
    # and loses at the conditional write (409), never at the override's bound (400).
    payments = _payments_read(booking_id)
    paid = amount_paid(payments)
    try:
        booking = Booking.get(booking_id, consistent_read=True)
    except DoesNotExist as exc:
        raise BookingNotFound(f"Booking {booking_id} does not exist.") from exc
    if not can_cancel(booking):
        raise InvalidTransition(
            f"A {booking.status} booking cannot become {CANCELLED}.",
            details={
                "from": booking.status,
                "to": CANCELLED,
                "allowed": sorted(allowed_targets(booking.status)),
            },
        )
    quote = cancellation_quote_for(booking, paid=paid, now=now)
    overridden = refund_amount is not None
    if overridden:
        reason = _override_validate(refund_amount, reason, paid=quote.paid, currency=quote.currency)
    else:
        reason = (reason or "").strip()[:MAX_REASON] or None
    refund = refund_amount if overridden else quote.refund
    # The refund is reserved on its payments in the cancel's own transaction (owed until
    # the provider answers): a process that dies after the cancel leaves it for
    # reconcile_payments to complete (refunds_owed), never lost. Unless the stay's own
    # items leave no room for them (a 45-night stay with extras): then refunded after.
    reserved = [
        (payment, part, refund_reserve(payment, amount=part, actor=actor, now=now))
        for payment, part in refund_split(payments, refund)
    ]
    in_cancel: list = []  # the reservations the cancel's transaction wrote
    record_decision = None
    if quote.paid > 0 or overridden:
        decided = {
            "paid": quote.paid,
            "policyRefund": quote.refund,
            "refund": refund_amount if overridden else quote.refund,
            "overridden": overridden,
            "reason": reason,
            "currency": quote.currency,
        }

        def record_decision(tx):
            audit_add(
                tx,
                actor=actor,
                action="cancel:refund",
                object_type="bookings.booking",
                object_id=booking_id,
                before=None,  # a decision, not a change: the entry lists what was decided
                after=decided,
                now=now,
                request_id=request_id,
            )
            in_cancel[:] = reserved if transaction_room(tx) >= 2 * len(reserved) else []
            for payment, _part, previous in in_cancel:
                tx.save(payment, condition=Payment.status == previous["status"])
                audit_add(
                    tx,
                    actor=actor,
                    action="refund",
                    object_type=PAYMENT_OBJECT,
                    object_id=payment.transactionId,
                    before=previous["snapshot"],
                    after=payment_snapshot(payment),
                    now=now,
                    request_id=request_id,
                )

    booking = booking_transition(
        booking_id=booking_id,
        to_status=CANCELLED,
        actor=actor,
        now=now,
        request_id=request_id,
        also=record_decision,
        refund_handled=True,
    )
    # Read again after the cancel: a payment that completed between the quote and the
    # cancel is counted (none can complete for a cancelled booking).
    # Consistent reads: the booking's index may not show the reservations yet.
    reserved_total = sum(part for _payment, part, _previous in in_cancel)
    payments = _payments_read(booking_id)
    paid = amount_paid(payments) + reserved_total
    if paid != quote.paid:
        quote = cancellation_quote_for(booking, paid=paid, now=now)
    refund = refund_amount if overridden else quote.refund
    status = NOTHING_TO_REFUND
    if in_cancel:
        status = _reserved_refunds_send(
            in_cancel, booking_id=booking_id, actor=actor, now=now, request_id=request_id
        )
    if refund > reserved_total and status != REFUND_FAILED:
        status = _cancellation_refund(
            booking,
            payments,
            amount=refund - reserved_total,
            actor=actor,
            now=now,
            request_id=request_id,
        )
    events.publish(
        CancellationSettled,
        bookingId=booking.bookingId,
        refund=refund,
        fee=max(quote.paid - refund, 0),
        policyRefund=quote.refund,
        overridden=overridden,
        currency=quote.currency,
        refundStatus=status,
    )
    return Cancellation(
        booking=booking,
        refund=refund,
        currency=quote.currency,
        refund_status=status,
        policy_refund=quote.refund,
        overridden=overridden,
    )


def _reserved_refunds_send(reserved, *, booking_id: str, actor, now, request_id) -> str:
    """Ask the provider for the refunds the cancel reserved, each on its own. Never raises:
    a refund the provider refused is undone and noted on its payment for staff; any other
    failure leaves it owed (reconcile_payments completes it)."""
    failed = False
    for payment, part, previous in reserved:
        try:
            refund_send(
                payment, amount=part, previous=previous, actor=actor, now=now, request_id=request_id
            )
        except Exception as exc:  # noqa: BLE001 - logged by _refund_failed
            # Refused: undone, staff must refund it. Anything else: the reservation stands.
            refused = isinstance(exc, PaymentGatewayError) and not isinstance(exc, RefundLeftOwed)
            _refund_failed(
                payment, part, booking_id, owed=part if refused else None, actor=actor, now=now
            )
            failed = True
    return REFUND_FAILED if failed else REFUNDED_NOW


def _payments_read(booking_id: str) -> list[Payment]:
    """The booking's payments, each read consistently (its index lags behind writes)."""
    return [
        payment_get(transaction_id=p.transactionId, consistent=True)
        for p in payments_for_booking(booking_id=booking_id)
    ]


def _cancellation_refund(
    booking: Booking, payments: list[Payment], *, amount: int, actor, now, request_id
) -> str:
    """Refund `amount` over `payments` (the booking's, as read), oldest first. Never
    raises."""
    split = refund_split(payments, amount)
    left = amount
    for payment, part in split:
        try:
            payment_refund(
                transaction_id=payment.transactionId,
                amount=part,
                actor=actor,
                now=now,
                request_id=request_id,
            )
        except Exception as exc:  # noqa: BLE001 - logged by _refund_failed
            owed = None if isinstance(exc, RefundLeftOwed) else left  # owed: the job makes it
            _refund_failed(payment, part, booking.bookingId, owed=owed, actor=actor, now=now)
            return REFUND_FAILED
        left -= part
    if left > 0:  # The payments changed since the quote; staff must look.
        logger.error("Cancellation of %s left %s unrefunded", booking.bookingId, left)
        return REFUND_FAILED
    return REFUNDED_NOW


def _refund_failed(
    payment: Payment, part: int, booking_id: str, *, owed: int | None, actor: str, now
) -> None:
    """Log a cancellation refund that failed (called from its except block); with `owed`,
    note on the payment for staff that this much is still to refund."""
    logger.exception(
        "Cancellation refund of %s %s on %s failed; booking %s stays cancelled",
        part,
        payment.currency,
        payment.transactionId,
        booking_id,
    )
    if owed is not None:
        _note_refund_failed(payment.transactionId, amount=owed, actor=actor, now=now)


def _note_refund_failed(transaction_id: str, *, amount: int, actor: str, now) -> None:
    """Leave staff a marker on the payment (and the audit log): this refund is still owed."""
    try:
        payment = payment_get(transaction_id=transaction_id, consistent=True)
        before = payment_snapshot(payment)
        payment.failureMessage = (
            f"The booking was cancelled but its refund of {amount} {payment.currency} "
            "(minor units) failed: refund this payment."
        )
        payment.updatedAt = now
        payment_save(
            payment, action="refund:cancellation-failed", before=before, actor=actor, now=now
        )
    except Exception:
        logger.exception("Could not mark %s as owing a cancellation refund", transaction_id)
