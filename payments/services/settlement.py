"""Settle a payment: the provider's answer (success or failure) applied to the payment and
its booking, the automatic refund when the booking cannot take the money, and the rules that
keep a booking from being confirmed underpaid.

The synchronous answer (charge.py) and the webhook (webhooks.py) both settle through
`payment_settle_success` / `payment_settle_failure`; whichever comes second finds the work
done.

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
from pynamodb.exceptions import DoesNotExist

from bookings.booking_terms import due_now_condition
from bookings.exceptions import BookingNotFound, HoldExpired, InvalidTransition, PriceChanged
from bookings.holds import HoldExtension
from bookings.models import CANCELLED as BOOKING_CANCELLED
from bookings.models import CHECKED_IN, CHECKED_OUT, NO_SHOW, Booking
from bookings.models import CONFIRMED as BOOKING_CONFIRMED
from bookings.models import EXPIRED as BOOKING_EXPIRED
from bookings.models import PENDING as BOOKING_PENDING
from bookings.services import booking_revive_paid, booking_transition
from hotel import events
from hotel.audit.services import audit_add

from ..exceptions import BookingNotPayable, PaymentGatewayError
from ..models import (
    CANCELLED,
    COMPLETED,
    FAILED,
    OPEN_STATUSES,
    PENDING,
    REFUNDED,
    REQUIRES_ACTION,
    Payment,
)
from ..providers import get_provider
from ..selectors import payment_get, payments_for_booking
from .on_bill import payment_settle_on_bill
from .shared import (
    AUTO_REFUND,
    OBJECT_TYPE,
    PaymentFailed,
    PaymentRefunded,
    PaymentSucceeded,
    event_detail,
    payment_save,
    payment_snapshot,
    refund_idempotency_key,
    refund_owed_mark,
    refund_record,
    refund_record_done,
    reload,
)

logger = logging.getLogger(__name__)

CANCELLABLE = (PENDING, REQUIRES_ACTION)


def mark_open(
    tx, booking: Booking, payment: Payment, extension: HoldExtension | None = None
) -> None:
    """Add `payment` to the booking's open payments, conditional on the booking still being
    pending and taking the payment's amount now (due_now_condition) at the booking's price;
    with `extension` (bookings.holds.hold_extension), its hold is extended in the same
    write, conditional on it still running. Bumps the booking's version (no condition on
    it)."""
    actions = [Booking.openPayments.add({payment.transactionId})]
    condition = (
        (Booking.status == BOOKING_PENDING)
        & due_now_condition(payment.amount)
        & (Booking.totalPrice == booking.totalPrice)
        & (Booking.currency == payment.currency)
    )
    if extension is not None:
        actions += extension.booking_actions(payment.createdAt)
        condition &= extension.booking_condition(payment.createdAt)
        extension.add_others(tx)
    tx.update(booking, actions=actions, condition=condition, add_version_condition=False)


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
    cancelled = []
    for payment in payments_for_booking(booking_id=booking_id):
        if payment.transactionId == keep or payment.status not in CANCELLABLE:
            continue
        intent_id = provider_intent_id(payment)
        if not intent_id or (only is not None and not only(payment)):
            continue
        provider = get_provider()
        cancel = provider.cancel_setup if payment.is_guarantee else provider.cancel
        try:
            if cancel(intent_id=intent_id):
                cancelled.append(_mark_cancelled(payment, reason=reason, actor=actor, now=now))
        except Exception:
            logger.exception("Could not cancel attempt %s of %s", payment.transactionId, booking_id)
    return [p for p in cancelled if p is not None]


def provider_intent_id(payment: Payment) -> str | None:
    """The provider's id of the attempt: its SetupIntent (a guarantee) or PaymentIntent."""
    return payment.stripeSetupIntentId if payment.is_guarantee else payment.stripePaymentIntentId


def set_provider_ids(payment: Payment, intent_id, *, payment_method=None, customer=None) -> None:
    """Note the provider's ids on the payment (a guarantee's SetupIntent, saved payment
    method and customer; a charge's PaymentIntent), keeping those already known."""
    if payment.is_guarantee:
        payment.stripeSetupIntentId = intent_id or payment.stripeSetupIntentId
        payment.stripePaymentMethodId = payment_method or payment.stripePaymentMethodId
        payment.stripeCustomerId = customer or payment.stripeCustomerId
    else:
        payment.stripePaymentIntentId = intent_id or payment.stripePaymentIntentId


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
    saved = payment_save(
        payment,
        action="status:cancelled",
        before=before,
        actor=actor,
        now=now,
        condition=Payment.status.is_in(*CANCELLABLE),
        also=lambda tx: mark_closed(tx, payment),
    )
    return payment if saved else None  # None: settled meanwhile (a success beat the cancel)


# --- the provider's answer -------------------------------------------------------------------


def payment_settle_failure(
    payment: Payment, *, message: str, intent_id, actor, now, request_id=None, reason=None
) -> Payment:
    """Mark an open attempt failed (the booking stays pending and can be paid again);
    `reason`: the provider's decline code, if it gave one (Payment.failureCode)."""
    before = payment_snapshot(payment)
    payment.status = FAILED
    payment.failureMessage = (message or "")[:500] or None
    payment.failureCode = (reason or "")[:60] or None
    set_provider_ids(payment, provider_intent_id(payment) or intent_id)
    payment.updatedAt = now
    saved = payment_save(
        payment,
        action="status:failed",
        before=before,
        actor=actor,
        now=now,
        request_id=request_id,
        condition=Payment.status.is_in(PENDING, REQUIRES_ACTION),
        also=lambda tx: mark_closed(tx, payment),
    )
    if not saved:
        return reload(payment)  # Settled meanwhile (a success wins over a failure).
    events.publish(PaymentFailed, **event_detail(payment))
    return payment


def payment_settle_success(
    *,
    transaction_id: str,
    intent_id: str,
    brand: str | None,
    actor: str,
    now: datetime,
    request_id: str | None = None,
    payment_method: str | None = None,
    customer: str | None = None,
) -> Payment:
    """The provider took the money (or saved the guarantee card: `intent_id` is then the
    SetupIntent, with the saved `payment_method` and `customer`): complete the payment and
    confirm its booking, atomically.

    Idempotent: a payment already completed (or refunded) is returned as it is. A booking
    the sweeper already expired is confirmed again when its nights are still free
    (booking_revive_paid). When the booking cannot be confirmed, the money is refunded
    automatically and
    HoldExpired (the hold ended and its nights are gone, or the booking expired),
    BookingNotPayable (cancelled, or paid by another attempt) or PriceChanged (the booking
    no longer costs what was paid: it stays unconfirmed) is raised; if that refund fails,
    the payment stays completed for staff and PaymentGatewayError is raised. Once the
    booking is confirmed, its other open attempts are cancelled (open_attempts_cancel).
    """
    payment = payment_get(transaction_id=transaction_id, consistent=True)
    if payment.status not in OPEN_STATUSES:
        return payment
    if payment.is_on_bill:  # the booking is confirmed already: nothing to confirm
        return payment_settle_on_bill(
            payment, intent_id=intent_id, brand=brand, actor=actor, now=now
        )
    before = payment_snapshot(payment)
    payment.status = COMPLETED
    payment.completedAt = now
    payment.updatedAt = now
    payment.failureMessage = None
    set_provider_ids(payment, intent_id, payment_method=payment_method, customer=customer)
    payment.paymentMethod = brand or payment.paymentMethod
    after = payment_snapshot(payment)

    def also(tx):
        tx.save(payment, condition=Payment.status.is_in(*OPEN_STATUSES))
        audit_add(
            tx,
            actor=actor,
            action="status:completed",
            object_type=OBJECT_TYPE,
            object_id=payment.transactionId,
            before=before,
            after=after,
            now=now,
        )

    try:
        try:
            booking_transition(
                booking_id=payment.bookingId,
                to_status=BOOKING_CONFIRMED,
                actor=actor,
                now=now,
                request_id=request_id,
                also=also,
                late_confirm=True,
                paid=payment.amount,
            )
        except (HoldExpired, InvalidTransition, BookingNotFound) as exc:
            revived = _booking_status(payment.bookingId) == BOOKING_EXPIRED and _revive(
                payment, actor=actor, now=now, request_id=request_id, also=also
            )
            if not revived:
                raise _Unconfirmable(exc) from exc
    except (_Unconfirmable, PriceChanged) as exc:
        current = reload(payment)
        if current.status not in OPEN_STATUSES:
            return current  # Settled by someone else (the webhook or the synchronous answer).
        reason = exc.__cause__ if isinstance(exc, _Unconfirmable) else exc
        if current.is_guarantee:
            return _release_guarantee(current, intent_id=intent_id, reason=reason, now=now)
        return _refund_unconfirmable(current, intent_id=intent_id, reason=reason, now=now)
    events.publish(PaymentSucceeded, **event_detail(payment))
    open_attempts_cancel(
        booking_id=payment.bookingId,
        keep=payment.transactionId,
        reason=f"Not needed: the booking was paid by {payment.transactionId}.",
        actor=actor,
        now=now,
    )
    return payment


class _Unconfirmable(Exception):
    """The booking cannot be confirmed (its cause says why): the payment is refunded."""


def _revive(payment: Payment, *, actor, now, request_id, also) -> bool:
    """Confirm the expired booking of a paid payment if its nights are still free and it
    costs what was paid (else PriceChanged)."""
    try:
        booking_revive_paid(
            booking_id=payment.bookingId,
            actor=actor,
            now=now,
            request_id=request_id,
            also=also,
            paid=payment.amount,
        )
    except (HoldExpired, InvalidTransition, BookingNotFound):
        return False
    return True


def _unconfirmable_why(payment: Payment, reason: Exception) -> tuple[str, type[Exception]]:
    """Why a payment's booking cannot be confirmed, and the error to raise."""
    booking_status = _booking_status(payment.bookingId)
    if isinstance(reason, PriceChanged):
        return "The booking's price changed before the payment went through", PriceChanged
    if booking_status in (BOOKING_CONFIRMED, CHECKED_IN, CHECKED_OUT):
        return "The booking was already paid by another payment", BookingNotPayable
    if booking_status in (BOOKING_CANCELLED, NO_SHOW):
        return f"The booking was {booking_status} before the payment went through", (
            BookingNotPayable
        )
    return "The booking's hold ended before the payment went through", HoldExpired


def _release_guarantee(payment: Payment, *, intent_id: str, reason: Exception, now):
    """A card was saved for a booking that cannot be confirmed: nothing was taken, so nothing
    goes back; the guarantee is marked cancelled (never to be charged), then raise."""
    why, error = _unconfirmable_why(payment, reason)
    before = payment_snapshot(payment)
    payment.status = CANCELLED
    set_provider_ids(payment, intent_id)
    payment.failureMessage = f"{why}; the card guarantee was not kept."
    payment.updatedAt = now
    saved = payment_save(
        payment,
        action="status:cancelled",
        before=before,
        actor=AUTO_REFUND,
        now=now,
        condition=Payment.status.is_in(*OPEN_STATUSES),
        also=lambda tx: mark_closed(tx, payment),
    )
    if not saved:
        return reload(payment)
    events.publish(PaymentFailed, **event_detail(payment))
    details = {"transactionId": payment.transactionId, "refunded": False}
    raise error(f"{why}; nothing was charged.", details=details) from reason


def _refund_unconfirmable(payment: Payment, *, intent_id: str, reason: Exception, now):
    """Money was taken for a booking that cannot be confirmed: give it back, then raise."""
    why, error = _unconfirmable_why(payment, reason)
    before = payment_snapshot(payment)
    payment.status = REFUNDED
    payment.refundedAmount = payment.amount
    payment.stripePaymentIntentId = intent_id
    payment.failureMessage = f"{why}; refunded automatically."
    payment.updatedAt = now
    payment.refunds = [
        *(payment.refunds or []),
        refund_record(amount=payment.amount, now=now, actor=AUTO_REFUND),
    ]
    refund_owed_mark(payment, now=now)  # a death before Stripe's answer: refunds_owed
    saved = payment_save(  # Reserve first: of two concurrent settlers only one refunds.
        payment,
        action="refund:automatic",
        before=before,
        actor=AUTO_REFUND,
        now=now,
        condition=Payment.status.is_in(*OPEN_STATUSES),
        also=lambda tx: mark_closed(tx, payment),
    )
    if not saved:
        return reload(payment)
    try:
        refund = get_provider().refund(
            intent_id=intent_id,
            amount=payment.amount,
            idempotency_key=refund_idempotency_key(payment.transactionId, payment.refunds[-1]),
        )
    except PaymentGatewayError:
        logger.error(
            "Automatic refund of %s failed: it stays completed for staff to refund",
            payment.transactionId,
        )
        before = payment_snapshot(payment)
        payment.status = COMPLETED
        payment.refundedAmount = 0
        payment.refunds = payment.refunds[:-1]
        payment.refundOwed = payment.refundOwedSince = None
        payment.completedAt = now
        payment.failureMessage = f"{why}; the automatic refund failed: refund this payment."
        payment_save(
            payment, action="refund:automatic-failed", before=before, actor=AUTO_REFUND, now=now
        )
        raise
    refund_record_done(payment, refund_id=refund.refund_id, status=refund.status)
    events.publish(PaymentRefunded, **event_detail(payment), automatic=True)
    details = {"transactionId": payment.transactionId, "refunded": True}
    raise error(f"{why}; the payment was refunded.", details=details) from reason


def _booking_status(booking_id: str) -> str | None:
    try:
        return Booking.get(booking_id, consistent_read=True, attributes_to_get=["status"]).status
    except DoesNotExist:
        return None
