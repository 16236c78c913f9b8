"""Payment writes: charge a booking, settle the provider's answer, refund, handle webhooks.

The flow of a payment (pretix's habit: write what you are about to do, then do it):

1. Check the booking (pending, hold live) and the amount against its quote; nothing is
   written or charged when they do not match.
2. Write a pending Payment together with a claim on the attempt number (a conditional put:
   two concurrent attempts for one booking cannot both charge).
3. Ask the provider with an idempotency key made of booking and attempt number.
4. Settle: on success the payment becomes completed and the booking confirmed in one
   DynamoDB transaction (`booking_transition(also=…)`). When the booking cannot be
   confirmed any more (hold lost, cancelled, paid by another attempt) the money is
   refunded automatically. The synchronous answer and the webhook both settle through
   the same function; whichever comes second finds the work done.

Money is an int of minor units everywhere. Card data never reaches this module: only
the provider's ids and the card brand.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError

from bookings.exceptions import BookingNotFound, HoldExpired, InvalidTransition, PriceChanged
from bookings.holds import booking_hold_extend
from bookings.models import CONFIRMED as BOOKING_CONFIRMED
from bookings.models import EXPIRED as BOOKING_EXPIRED
from bookings.models import PENDING as BOOKING_PENDING
from bookings.models import Booking
from bookings.services import (
    ID_ALPHABET,
    booking_flag,
    booking_revive_paid,
    booking_transition,
    hotel_today,
)
from hotel import events
from hotel.dynamo import conditional_check_failed, transact
from hotel.errors import Conflict, ValidationFailed
from hotel.idempotency import KEY_TTL, IdempotencyKey

from .audit import payment_audit, payment_snapshot
from .exceptions import (
    AmountMismatch,
    BookingNotPayable,
    InvalidPaymentMethod,
    PaymentDeclined,
    PaymentGatewayError,
    PaymentInProgress,
    PaymentNotRefundable,
    RefundTooLarge,
)
from .models import (
    COMPLETED,
    FAILED,
    OPEN_STATUSES,
    PARTIALLY_REFUNDED,
    PENDING,
    REFUNDABLE_STATUSES,
    REFUNDED,
    REQUIRES_ACTION,
    Payment,
    ProcessedWebhookEvent,
)
from .providers import get_provider
from .providers.base import (
    PAYMENT_DISPUTED,
    PAYMENT_FAILED,
    PAYMENT_REFUNDED,
    PAYMENT_SUCCEEDED,
    SUCCEEDED,
    WebhookEvent,
)
from .selectors import payment_get, payments_for_booking
from .settlement import abandoned_attempts_cancel, mark_closed, mark_open, open_attempts_cancel

logger = logging.getLogger(__name__)

PaymentSucceeded = "PaymentSucceeded"
PaymentFailed = "PaymentFailed"
PaymentRefunded = "PaymentRefunded"
PaymentDisputed = "PaymentDisputed"

# A pending payment younger than this is in flight and blocks a second attempt; an older one
# was orphaned (the process died mid-call) and no longer does.
IN_FLIGHT = timedelta(minutes=2)
WEBHOOK_EVENT_TTL = timedelta(days=30)
WEBHOOK_ACTOR = "system:payment-webhook"
AUTO_REFUND = "system:auto-refund"


# --- helpers --------------------------------------------------------------------------------------


def new_transaction_id(now: datetime) -> str:
    suffix = "".join(secrets.choice(ID_ALPHABET) for _ in range(8))
    return f"TXN-{hotel_today(now):%Y%m%d}-{suffix}"


def _event_detail(payment: Payment) -> dict:
    return {
        "transactionId": payment.transactionId,
        "bookingId": payment.bookingId,
        "status": payment.status,
        "amount": payment.amount,
        "currency": payment.currency,
        "refundedAmount": payment.refundedAmount,
    }


def _reload(payment: Payment) -> Payment:
    return payment_get(transaction_id=payment.transactionId, consistent=True)


def _save_with_audit(payment: Payment, entry, *, condition=None, also=None) -> None:
    """Save the payment (version-checked, plus `condition`) and its audit entry atomically
    (with `also(tx)`'s writes)."""

    def build(tx):
        tx.save(payment, condition=condition)
        tx.save(entry)
        if also is not None:
            also(tx)

    transact(build)


def _is_money(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# --- create ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentAttempt:
    payment: Payment
    client_secret: str | None = None  # only while 3-D Secure waits for the guest


def payment_create(
    *,
    booking_id: str,
    amount: int,
    currency: str,
    payment_method_id: str,
    actor: str,
    now: datetime,
    request_id: str | None = None,
) -> PaymentAttempt:
    """Charge a pending booking its quoted price and confirm it.

    Returns the attempt: payment completed (booking confirmed), requires_action (with the
    client secret for 3-D Secure) or pending (the provider answers by webhook).
    Raises BookingNotFound, BookingNotPayable, HoldExpired (before charging, or after an
    automatic refund), AmountMismatch, PaymentInProgress, PaymentDeclined,
    InvalidPaymentMethod, PaymentGatewayError.
    """
    booking = _payable_booking(booking_id, now=now)
    if (
        not _is_money(amount)
        or amount != booking.totalPrice
        or ((currency or "").upper() != booking.currency)
    ):
        raise AmountMismatch(
            f"Booking {booking_id} costs {booking.totalPrice} {booking.currency} (minor units).",
            details={"expected": {"amount": booking.totalPrice, "currency": booking.currency}},
        )
    booking_hold_extend(booking_id=booking.bookingId, now=now)  # the hold outlasts the payment
    payment = _payment_open(booking, actor=actor, now=now, request_id=request_id)
    provider = get_provider()
    try:
        result = provider.create_and_confirm(
            amount=payment.amount,
            currency=payment.currency,
            payment_method=payment_method_id,
            metadata={"bookingId": booking.bookingId, "transactionId": payment.transactionId},
            idempotency_key=_attempt_key(booking.bookingId, payment.attempt),
        )
    except (PaymentDeclined, InvalidPaymentMethod, PaymentGatewayError) as exc:
        _payment_fail(
            payment,
            message=exc.message,
            intent_id=getattr(exc, "intent_id", None),
            actor=actor,
            now=now,
            request_id=request_id,
        )
        raise
    if result.status == SUCCEEDED:
        payment = payment_settle_success(
            transaction_id=payment.transactionId,
            intent_id=result.intent_id,
            brand=result.brand,
            actor=actor,
            now=now,
            request_id=request_id,
        )
        return PaymentAttempt(payment=payment)
    before = payment_snapshot(payment)
    payment.status = REQUIRES_ACTION if result.status == REQUIRES_ACTION else PENDING
    payment.stripePaymentIntentId = result.intent_id
    payment.paymentMethod = result.brand
    payment.updatedAt = now
    entry = payment_audit(
        payment,
        action=f"status:{payment.status}",
        before=before,
        actor=actor,
        now=now,
        request_id=request_id,
    )
    try:
        _save_with_audit(payment, entry, condition=Payment.status == PENDING)
    except TransactWriteError as exc:
        if not conditional_check_failed(exc):
            raise
        payment = _reload(payment)  # The webhook settled it meanwhile.
    return PaymentAttempt(
        payment=payment,
        client_secret=result.client_secret if payment.status == REQUIRES_ACTION else None,
    )


def _payable_booking(booking_id: str, *, now: datetime) -> Booking:
    try:
        booking = Booking.get(booking_id, consistent_read=True)
    except DoesNotExist as exc:
        raise BookingNotFound(f"Booking {booking_id} does not exist.") from exc
    if booking.status != BOOKING_PENDING:
        raise BookingNotPayable(
            f"Booking {booking_id} is {booking.status}; only a pending booking can be paid.",
            details={"status": booking.status},
        )
    if booking.expiresAt is None or booking.expiresAt <= now:
        raise HoldExpired(f"The hold on {booking_id} has expired; please book again.")
    return booking


def _attempt_key(booking_id: str, attempt: int) -> str:
    return f"payments.attempt:{booking_id}:{attempt}"


def _payment_open(booking: Booking, *, actor: str, now: datetime, request_id) -> Payment:
    """Write the pending payment and claim its attempt number in one transaction."""
    earlier = payments_for_booking(booking_id=booking.bookingId)
    in_flight = [p for p in earlier if p.status == PENDING and p.createdAt > now - IN_FLIGHT]
    if in_flight:
        raise PaymentInProgress(details={"transactionId": in_flight[-1].transactionId})
    attempt = max((p.attempt for p in earlier), default=0) + 1
    payment = Payment(
        transactionId=new_transaction_id(now),
        bookingId=booking.bookingId,
        attempt=attempt,
        amount=booking.totalPrice,
        currency=booking.currency,
        status=PENDING,
        provider=get_provider().name,
        refundedAmount=0,
        refunds=[],
        createdBy=actor,
        createdAt=now,
        updatedAt=now,
    )
    claim = IdempotencyKey(
        key=_attempt_key(booking.bookingId, attempt),
        fingerprint=payment.transactionId,
        createdAt=now,
        expiresAt=now + KEY_TTL,
    )
    entry = payment_audit(
        payment, action="create", before=None, actor=actor, now=now, request_id=request_id
    )

    def build(tx):
        tx.save(claim, condition=IdempotencyKey.key.does_not_exist())
        tx.save(payment, condition=Payment.transactionId.does_not_exist())
        tx.save(entry)
        mark_open(tx, booking, payment)  # pending at this price, or nothing is written

    try:
        transact(build)
    except TransactWriteError as exc:
        if conditional_check_failed(exc):
            _payable_booking_at(booking.bookingId, amount=payment.amount, now=now)
            raise PaymentInProgress() from exc  # Another attempt took this number first.
        raise
    return payment


def _payable_booking_at(booking_id: str, *, amount: int, now: datetime) -> None:
    """After a lost race: raise why the booking cannot be paid `amount` now, if it cannot."""
    booking = _payable_booking(booking_id, now=now)
    if booking.totalPrice != amount:
        raise AmountMismatch(
            f"Booking {booking_id} now costs {booking.totalPrice} {booking.currency} "
            "(minor units); nothing was charged.",
            details={"expected": {"amount": booking.totalPrice, "currency": booking.currency}},
        )


def _payment_fail(payment: Payment, *, message: str, intent_id, actor, now, request_id=None):
    """Mark an open attempt failed (the booking stays pending and can be paid again)."""
    before = payment_snapshot(payment)
    payment.status = FAILED
    payment.failureMessage = (message or "")[:500] or None
    payment.stripePaymentIntentId = payment.stripePaymentIntentId or intent_id
    payment.updatedAt = now
    entry = payment_audit(
        payment, action="status:failed", before=before, actor=actor, now=now, request_id=request_id
    )
    try:
        _save_with_audit(
            payment,
            entry,
            condition=Payment.status.is_in(PENDING, REQUIRES_ACTION),
            also=lambda tx: mark_closed(tx, payment),
        )
    except TransactWriteError as exc:
        if not conditional_check_failed(exc):
            raise
        return _reload(payment)  # Settled meanwhile (a success wins over a failure).
    events.publish(PaymentFailed, **_event_detail(payment))
    return payment


# --- settle ---------------------------------------------------------------------------------------


def payment_settle_success(
    *,
    transaction_id: str,
    intent_id: str,
    brand: str | None,
    actor: str,
    now: datetime,
    request_id: str | None = None,
) -> Payment:
    """The provider took the money: complete the payment and confirm its booking, atomically.

    Idempotent: a payment already completed (or refunded) is returned as it is. A booking
    the sweeper already expired is confirmed again when its nights are still free
    (booking_revive_paid). When the booking cannot be confirmed, the money is refunded
    automatically and
    HoldExpired (the hold ended and its nights are gone, or the booking expired),
    BookingNotPayable (cancelled, or paid by another attempt) or PriceChanged (the booking
    no longer costs what was paid: it stays unconfirmed) is raised; if that refund fails,
    the payment stays completed for staff and PaymentGatewayError is raised. Once the
    booking is confirmed, its other open attempts are cancelled (settlement).
    """
    payment = payment_get(transaction_id=transaction_id, consistent=True)
    if payment.status not in OPEN_STATUSES:
        return payment
    before = payment_snapshot(payment)
    payment.status = COMPLETED
    payment.completedAt = now
    payment.updatedAt = now
    payment.failureMessage = None
    payment.stripePaymentIntentId = intent_id
    payment.paymentMethod = brand or payment.paymentMethod
    entry = payment_audit(payment, action="status:completed", before=before, actor=actor, now=now)

    def also(tx):
        tx.save(payment, condition=Payment.status.is_in(*OPEN_STATUSES))
        tx.save(entry)

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
        current = _reload(payment)
        if current.status not in OPEN_STATUSES:
            return current  # Settled by someone else (the webhook or the synchronous answer).
        reason = exc.__cause__ if isinstance(exc, _Unconfirmable) else exc
        return _refund_unconfirmable(current, intent_id=intent_id, reason=reason, now=now)
    events.publish(PaymentSucceeded, **_event_detail(payment))
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


def _refund_unconfirmable(payment: Payment, *, intent_id: str, reason: Exception, now):
    """Money was taken for a booking that cannot be confirmed: give it back, then raise."""
    booking_status = _booking_status(payment.bookingId)
    error: type[Exception] = BookingNotPayable
    if isinstance(reason, PriceChanged):
        why = "The booking's price changed before the payment went through"
        error = PriceChanged
    elif booking_status in (BOOKING_CONFIRMED, "checked-in", "checked-out"):
        why = "The booking was already paid by another payment"
    elif booking_status in ("cancelled", "no-show"):
        why = f"The booking was {booking_status} before the payment went through"
    else:
        why = "The booking's hold ended before the payment went through"
        error = HoldExpired
    before = payment_snapshot(payment)
    payment.status = REFUNDED
    payment.refundedAmount = payment.amount
    payment.stripePaymentIntentId = intent_id
    payment.failureMessage = f"{why}; refunded automatically."
    payment.updatedAt = now
    payment.refunds = [
        *(payment.refunds or []),
        _refund_record(amount=payment.amount, now=now, actor=AUTO_REFUND),
    ]
    entry = payment_audit(
        payment, action="refund:automatic", before=before, actor=AUTO_REFUND, now=now
    )
    try:  # Reserve first: of two concurrent settlers only one refunds.
        _save_with_audit(
            payment,
            entry,
            condition=Payment.status.is_in(*OPEN_STATUSES),
            also=lambda tx: mark_closed(tx, payment),
        )
    except TransactWriteError as exc:
        if not conditional_check_failed(exc):
            raise
        return _reload(payment)
    try:
        refund = get_provider().refund(
            intent_id=intent_id,
            amount=payment.amount,
            idempotency_key=f"payments.autorefund:{payment.transactionId}",
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
        payment.completedAt = now
        payment.failureMessage = f"{why}; the automatic refund failed: refund this payment."
        entry = payment_audit(
            payment, action="refund:automatic-failed", before=before, actor=AUTO_REFUND, now=now
        )
        _save_with_audit(payment, entry)
        raise
    _refund_record_done(payment, refund_id=refund.refund_id, status=refund.status)
    events.publish(PaymentRefunded, **_event_detail(payment), automatic=True)
    details = {"transactionId": payment.transactionId, "refunded": True}
    raise error(f"{why}; the payment was refunded.", details=details) from reason


def _booking_status(booking_id: str) -> str | None:
    try:
        return Booking.get(booking_id, consistent_read=True, attributes_to_get=["status"]).status
    except DoesNotExist:
        return None


def _refund_record(*, amount: int, now: datetime, actor: str) -> dict:
    return {
        "refundId": None,
        "amount": amount,
        "at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "actor": actor,
        "status": "requested",
    }


def _refund_record_done(payment: Payment, *, refund_id: str, status: str) -> None:
    """Note the provider's refund id on the last refund record. Best effort: the money moved."""
    refunds = list(payment.refunds or [])
    refunds[-1] = {**refunds[-1], "refundId": refund_id, "status": status}
    try:
        payment.update(actions=[Payment.refunds.set(refunds)])
    except Exception:  # The refund happened; only its id is not recorded.
        logger.exception("Could not record refund %s on %s", refund_id, payment.transactionId)


# --- refund ---------------------------------------------------------------------------------------


def payment_refund(
    *,
    transaction_id: str,
    amount: int | None = None,
    actor: str,
    now: datetime,
    request_id: str | None = None,
) -> Payment:
    """Refund all (amount=None) or part of what is left of a completed payment.

    The refund is reserved on the payment (a version-conditional write with its audit
    entry) before the provider is asked, so two concurrent refunds can never give back
    more than was paid; if the provider fails, the reservation is undone.
    Raises PaymentNotFound, PaymentNotRefundable, ValidationFailed, RefundTooLarge,
    Conflict (changed meanwhile), PaymentGatewayError.
    """
    payment = payment_get(transaction_id=transaction_id, consistent=True)
    if payment.status not in REFUNDABLE_STATUSES:
        raise PaymentNotRefundable(
            f"Payment {transaction_id} is {payment.status}; only a completed payment can be "
            "refunded.",
            details={"status": payment.status},
        )
    remaining = payment.amount - payment.refundedAmount
    if amount is None:
        amount = remaining
    if not _is_money(amount) or amount <= 0:
        raise ValidationFailed(details={"fields": {"amount": ["A positive whole number."]}})
    if amount > remaining:
        raise RefundTooLarge(
            f"At most {remaining} {payment.currency} (minor units) can still be refunded.",
            details={"refundable": remaining, "currency": payment.currency},
        )
    previous = {
        "status": payment.status,
        "refundedAmount": payment.refundedAmount,
        "refunds": list(payment.refunds or []),
        "version": payment.version,
    }
    before = payment_snapshot(payment)
    payment.refundedAmount += amount
    payment.status = REFUNDED if payment.refundedAmount == payment.amount else PARTIALLY_REFUNDED
    payment.refunds = [*previous["refunds"], _refund_record(amount=amount, now=now, actor=actor)]
    payment.updatedAt = now
    entry = payment_audit(
        payment, action="refund", before=before, actor=actor, now=now, request_id=request_id
    )
    try:
        _save_with_audit(payment, entry, condition=Payment.status == previous["status"])
    except TransactWriteError as exc:
        if conditional_check_failed(exc):
            raise Conflict(
                "The payment changed while the refund was prepared; reload and try again.",
                code="STALE_OBJECT",
            ) from exc
        raise
    try:
        refund = get_provider().refund(
            intent_id=payment.stripePaymentIntentId,
            amount=amount,
            idempotency_key=f"payments.refund:{transaction_id}:{len(payment.refunds)}",
        )
    except PaymentGatewayError:
        _refund_undo(payment, previous=previous, actor=actor, now=now, request_id=request_id)
        raise
    _refund_record_done(payment, refund_id=refund.refund_id, status=refund.status)
    events.publish(PaymentRefunded, **_event_detail(payment), amountRefunded=amount)
    return payment


def _refund_undo(payment: Payment, *, previous: dict, actor, now, request_id) -> None:
    before = payment_snapshot(payment)
    payment.status = previous["status"]
    payment.refundedAmount = previous["refundedAmount"]
    payment.refunds = previous["refunds"]
    payment.updatedAt = now
    entry = payment_audit(
        payment, action="refund:failed", before=before, actor=actor, now=now, request_id=request_id
    )
    try:
        _save_with_audit(payment, entry)
    except Exception:  # Keep the provider's error as the one raised.
        logger.exception("Could not undo the refund reservation on %s", payment.transactionId)


# --- webhooks -------------------------------------------------------------------------------------


def payment_webhook_handle(*, payload: bytes, signature: str | None, now: datetime) -> str:
    """Verify, de-duplicate and apply one provider webhook. Returns the outcome.

    Each event id is recorded once with a conditional write: a replay answers
    "duplicate" and changes nothing. Handling is idempotent besides, so events that
    arrive out of order or twice end in the same state. If handling fails the record is
    removed again so the provider's retry is not mistaken for a replay.
    Raises InvalidWebhook (nothing is written).
    """
    event = get_provider().parse_webhook(payload=payload, signature=signature)
    record = ProcessedWebhookEvent(
        eventId=event.id,
        type=event.type,
        receivedAt=now,
        expiresAt=now + WEBHOOK_EVENT_TTL,
    )
    try:
        record.save(condition=ProcessedWebhookEvent.eventId.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return "duplicate"
        raise
    try:
        outcome = _webhook_apply(event, now=now)
    except Exception:
        record.delete()
        raise
    try:
        record.update(actions=[ProcessedWebhookEvent.outcome.set(outcome)])
    except Exception:  # The event was handled; the note is cosmetic.
        logger.exception("Could not note the outcome of webhook event %s", event.id)
    return outcome


def _webhook_apply(event: WebhookEvent, *, now: datetime) -> str:
    if event.type not in (PAYMENT_SUCCEEDED, PAYMENT_FAILED, PAYMENT_REFUNDED, PAYMENT_DISPUTED):
        return "ignored"
    payment = _payment_for_event(event)
    if payment is None:
        return "ignored"
    if event.type == PAYMENT_REFUNDED:
        return _webhook_refunded(payment, event, now=now)
    if event.type == PAYMENT_DISPUTED:
        return _webhook_disputed(payment, event, now=now)
    if event.type == PAYMENT_FAILED:
        if payment.status not in (PENDING, REQUIRES_ACTION):
            return "no-op"
        _payment_fail(
            payment,
            message=event.message or "The payment failed.",
            intent_id=event.intent_id,
            actor=WEBHOOK_ACTOR,
            now=now,
        )
        return "failed"
    if payment.status not in OPEN_STATUSES:
        return "no-op"
    try:
        payment_settle_success(
            transaction_id=payment.transactionId,
            intent_id=event.intent_id,
            brand=None,
            actor=WEBHOOK_ACTOR,
            now=now,
        )
    except (HoldExpired, BookingNotPayable, PriceChanged):
        return "refunded"  # The money went back; the guest's booking could not be kept.
    return "completed"


def _webhook_refunded(payment: Payment, event: WebhookEvent, *, now: datetime) -> str:
    """A refund made at the provider (its dashboard, or ours coming back): bring
    refundedAmount up to the charge's `amount_refunded`. Never lowers it and never counts
    a refund twice (ours is reserved before the provider is asked, so it is no-op here)."""
    for attempt in range(3):
        total = min(event.amount_refunded or 0, payment.amount)
        if (
            payment.status not in (*REFUNDABLE_STATUSES, REFUNDED)
            or total <= payment.refundedAmount
        ):
            return "no-op"
        before = payment_snapshot(payment)
        previous = payment.refundedAmount
        payment.refundedAmount = total
        payment.status = REFUNDED if total == payment.amount else PARTIALLY_REFUNDED
        payment.refunds = [
            *(payment.refunds or []),
            {
                **_refund_record(amount=total - previous, now=now, actor=WEBHOOK_ACTOR),
                "status": "succeeded",
                "source": "provider",
            },
        ]
        payment.updatedAt = now
        entry = payment_audit(
            payment, action="refund:provider", before=before, actor=WEBHOOK_ACTOR, now=now
        )
        try:
            _save_with_audit(payment, entry, condition=Payment.refundedAmount == previous)
        except TransactWriteError as exc:
            if not conditional_check_failed(exc) or attempt == 2:
                raise
            payment = _reload(payment)
            continue
        events.publish(
            PaymentRefunded,
            **_event_detail(payment),
            amountRefunded=total - previous,
            external=True,
        )
        return "refunded"
    return "no-op"  # pragma: no cover


def _webhook_disputed(payment: Payment, event: WebhookEvent, *, now: datetime) -> str:
    """The cardholder disputed the charge: mark the payment and flag its booking for staff,
    in one transaction, both audited. A dispute already recorded is a no-op."""
    dispute = dict(event.dispute or {})
    if payment.dispute and payment.dispute.get("id") == dispute.get("id"):
        return "no-op"
    before = payment_snapshot(payment)
    payment.dispute = {**dispute, "at": now.strftime("%Y-%m-%dT%H:%M:%SZ")}
    payment.updatedAt = now
    entry = payment_audit(payment, action="dispute", before=before, actor=WEBHOOK_ACTOR, now=now)

    def also(tx):
        tx.save(payment)
        tx.save(entry)

    reason = dispute.get("reason") or "unknown reason"
    booking_flag(
        booking_id=payment.bookingId,
        flag="disputed",
        detail=f"Payment {payment.transactionId} disputed ({reason}).",
        actor=WEBHOOK_ACTOR,
        now=now,
        also=also,
    )
    logger.warning(
        "Payment %s of %s disputed (%s)", payment.transactionId, payment.bookingId, reason
    )
    events.publish(PaymentDisputed, **_event_detail(payment), dispute=payment.dispute)
    return "disputed"


def _payment_for_event(event: WebhookEvent) -> Payment | None:
    """The payment an event is about, if it is one of ours and agrees with what we stored."""
    transaction_id = event.metadata.get("transactionId")
    if not transaction_id and event.type == PAYMENT_DISPUTED and event.intent_id:
        # A dispute does not carry the payment's metadata: ask the provider for it.
        event_metadata = get_provider().payment_metadata(intent_id=event.intent_id)
        transaction_id = event_metadata.get("transactionId")
    if not transaction_id:
        logger.info("Webhook %s for %s carries no transactionId", event.id, event.intent_id)
        return None
    try:
        payment = Payment.get(transaction_id, consistent_read=True)
    except DoesNotExist:
        logger.warning("Webhook %s names unknown payment %s", event.id, transaction_id)
        return None
    mismatch = (
        (payment.stripePaymentIntentId and payment.stripePaymentIntentId != event.intent_id)
        or (event.amount is not None and event.amount != payment.amount)
        or (event.currency and event.currency != payment.currency)
        or event.metadata.get("bookingId", payment.bookingId) != payment.bookingId
    )
    if mismatch:
        logger.error(
            "Webhook %s disagrees with payment %s (intent %s, amount %s %s): ignored",
            event.id,
            transaction_id,
            event.intent_id,
            event.amount,
            event.currency,
        )
        return None
    return payment


# --- a guest's online date change -----------------------------------------------------------------


def booking_change_by_guest(
    *,
    booking_id: str,
    check_in: date,
    check_out: date,
    actor: str,
    now: datetime,
    request_id: str | None = None,
) -> Booking:
    """Move a booking to new dates when booking_change_quote allows it online, then change it.

    A new price needs the booking's open payments settled first (PaymentOpen, 409
    PAYMENT_IN_PROGRESS); 3-D Secure attempts the guest abandoned (settlement.is_abandoned)
    are cancelled at the provider first, so they do not block the change.

    Raises ChangeNotAllowed (details.reason: a CHANGE_* code) and whatever
    booking_change_quote and bookings.services.booking_change raise.
    """
    from bookings.services import booking_change

    from .exceptions import ChangeNotAllowed
    from .selectors import booking_change_quote

    try:
        booking = Booking.get(booking_id, consistent_read=True)
    except DoesNotExist as exc:
        raise BookingNotFound(f"Booking {booking_id} does not exist.") from exc
    change = booking_change_quote(booking=booking, check_in=check_in, check_out=check_out, now=now)
    if not change.allowed:
        raise ChangeNotAllowed(details={"reason": change.reason})
    if booking.openPayments and change.quote.total != booking.totalPrice:
        abandoned_attempts_cancel(booking_id=booking_id, actor=actor, now=now)
    return booking_change(
        booking_id=booking_id,
        check_in=check_in,
        check_out=check_out,
        actor=actor,
        now=now,
        request_id=request_id,
    )
