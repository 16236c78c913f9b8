"""The provider's webhooks: verify, de-duplicate and apply each event once.

Events settle payments through the same functions as the synchronous answer
(settlement.py), so whichever comes second finds the work done; refunds made at the
provider and disputes are recorded here.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime, timedelta

from pynamodb.exceptions import DeleteError, DoesNotExist, PutError

from bookings.exceptions import HoldExpired, PriceChanged
from bookings.services import booking_flag
from hotel import events
from hotel.audit.services import audit_add

from ..exceptions import BookingNotPayable
from ..models import (
    OPEN_STATUSES,
    PARTIALLY_REFUNDED,
    PENDING,
    REFUNDABLE_STATUSES,
    REFUNDED,
    REQUIRES_ACTION,
    Payment,
    ProcessedWebhookEvent,
)
from ..providers import get_provider
from ..providers.base import (
    PAYMENT_DISPUTED,
    PAYMENT_FAILED,
    PAYMENT_REFUNDED,
    PAYMENT_SUCCEEDED,
    SETUP_FAILED,
    SETUP_SUCCEEDED,
    WebhookEvent,
)
from .guarantee import guarantee_refresh
from .settlement import payment_settle_failure, payment_settle_success
from .shared import (
    OBJECT_TYPE,
    WEBHOOK_ACTOR,
    PaymentDisputed,
    PaymentRefunded,
    event_detail,
    payment_save,
    payment_snapshot,
    refund_record,
    reload,
)

logger = logging.getLogger(__name__)

WEBHOOK_EVENT_TTL = timedelta(days=30)
REFUND_NOT_COUNTED = ("failed", "canceled", "cancelled")  # as the bill counts them (stay_lines)


def payment_webhook_handle(*, payload: bytes, signature: str | None, now: datetime) -> str:
    """Verify, de-duplicate and apply one provider webhook. Returns the outcome.

    Each event id is recorded once with a conditional write: a replay of an event handled
    to the end (its outcome noted) answers "duplicate" and changes nothing. Handling is
    idempotent besides, so events that arrive out of order or twice end in the same state.
    If handling fails the record is removed again so the provider's retry is not mistaken
    for a replay; if the process dies while handling, the record stays without an outcome
    and the provider's retry handles the event again.
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
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
        if _handled(event.id):
            return "duplicate"
        logger.warning("Webhook event %s was not handled to the end: handling it again", event.id)
    try:
        outcome = _webhook_apply(event, now=now)
    except Exception:
        # Not a record another delivery of the event (handled alongside) completed meanwhile.
        with contextlib.suppress(DeleteError):
            record.delete(condition=ProcessedWebhookEvent.outcome.does_not_exist())
        raise
    record.outcome = outcome
    try:  # the whole record (its expiry too), were it deleted by a failed delivery meanwhile
        record.save()
    except Exception:  # The event was handled; the note is cosmetic.
        logger.exception("Could not note the outcome of webhook event %s", event.id)
    return outcome


def _handled(event_id: str) -> bool:
    """Whether the recorded event was handled to the end (its outcome noted)."""
    try:
        record = ProcessedWebhookEvent.get(event_id, consistent_read=True)
    except DoesNotExist:
        return False  # handled and failed meanwhile: its record was removed
    return record.outcome is not None


ACTED_ON = (
    PAYMENT_SUCCEEDED,
    PAYMENT_FAILED,
    PAYMENT_REFUNDED,
    PAYMENT_DISPUTED,
    SETUP_SUCCEEDED,
    SETUP_FAILED,
)


def _webhook_apply(event: WebhookEvent, *, now: datetime) -> str:
    if event.type not in ACTED_ON:
        return "ignored"
    payment = _payment_for_event(event)
    if payment is None:
        return "ignored"
    if event.type in (SETUP_SUCCEEDED, SETUP_FAILED):
        return _webhook_setup(payment, now=now)
    if event.type == PAYMENT_REFUNDED:
        return _webhook_refunded(payment, event, now=now)
    if event.type == PAYMENT_DISPUTED:
        return _webhook_disputed(payment, event, now=now)
    if event.type == PAYMENT_FAILED:
        if payment.status not in (PENDING, REQUIRES_ACTION):
            return "no-op"
        payment_settle_failure(
            payment,
            message=event.message or "The payment failed.",
            intent_id=event.intent_id,
            reason=event.reason,
            actor=WEBHOOK_ACTOR,
            now=now,
        )
        return "failed"
    return _webhook_succeeded(payment, event, now=now)


def _webhook_succeeded(payment: Payment, event: WebhookEvent, *, now: datetime) -> str:
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


def _webhook_setup(payment: Payment, *, now: datetime) -> str:
    """A guarantee's SetupIntent ended (after 3-D Secure): settle it from the provider's
    state of the intent (guarantee_refresh), as the pay page's status poll does."""
    if not payment.is_guarantee:
        return "ignored"
    try:
        settled = guarantee_refresh(
            transaction_id=payment.transactionId, actor=WEBHOOK_ACTOR, now=now
        )
    except (HoldExpired, BookingNotPayable, PriceChanged):
        return "released"  # The booking could not be kept; nothing was charged.
    return settled.status


def _webhook_refunded(payment: Payment, event: WebhookEvent, *, now: datetime) -> str:
    """A refund made at the provider (its dashboard, or ours coming back): bring
    refundedAmount up to what the provider has refunded, one record per provider refund.
    Never lowers it and never counts a refund twice (ours is reserved before the provider is
    asked, so it is a no-op here).

    Events come late, twice and out of order: one whose `amount_refunded` is not above
    what is recorded is stale (a no-op); a newer one is a cue to read the provider's refunds
    back, so every order of events records the same refunds. A refund the provider lists
    proves the charge succeeded: when its event overtakes the success's, the payment is
    settled first as the success would settle it, so that the refund is not lost (the late
    success is then a no-op)."""
    if payment.status in OPEN_STATUSES and not payment.is_guarantee:
        intent_id = payment.stripePaymentIntentId or event.intent_id
        if not get_provider().refunds(intent_id=intent_id):
            return "no-op"  # the provider took no money, or has refunded none of it
        if _webhook_succeeded(payment, event, now=now) != "completed":
            return "refunded"  # refunded in full automatically: the booking could not be kept
        payment = reload(payment)
    for attempt in range(3):
        if (
            payment.status not in (*REFUNDABLE_STATUSES, REFUNDED)
            or min(event.amount_refunded or 0, payment.amount) <= payment.refundedAmount
        ):
            return "no-op"
        added = _refunds_unrecorded(payment, event, now=now)  # not empty: the event is newer
        before = payment_snapshot(payment)
        previous = payment.refundedAmount
        payment.refundedAmount = previous + sum(record["amount"] for record in added)
        payment.status = (
            REFUNDED if payment.refundedAmount == payment.amount else PARTIALLY_REFUNDED
        )
        payment.refunds = [*(payment.refunds or []), *added]
        payment.updatedAt = now
        saved = payment_save(
            payment,
            action="refund:provider",
            before=before,
            actor=WEBHOOK_ACTOR,
            now=now,
            condition=Payment.refundedAmount == previous,
            last_try=attempt == 2,
        )
        if not saved:
            payment = reload(payment)
            continue
        events.publish(
            PaymentRefunded,
            **event_detail(payment),
            amountRefunded=payment.refundedAmount - previous,
            external=True,
        )
        return "refunded"
    return "no-op"  # pragma: no cover


def _refunds_unrecorded(payment: Payment, event: WebhookEvent, *, now: datetime) -> list[dict]:
    """Records of the refunds the provider made that the payment does not hold yet, each
    with the provider's id, oldest first, bringing refundedAmount up to the larger of the
    provider's total and the event's (never past the amount paid). A record without an id
    (ours while the provider was asked) stands for a provider refund of its amount; what
    the provider does not list yet is one record without an id."""
    records = payment.refunds or []
    known = {record.get("refundId") for record in records if record.get("refundId")}
    unnamed = [
        int(record["amount"])
        for record in records
        if not record.get("refundId") and record.get("status") not in REFUND_NOT_COUNTED
    ]
    listed = get_provider().refunds(intent_id=payment.stripePaymentIntentId)
    target = min(max(event.amount_refunded or 0, sum(r.amount for r in listed)), payment.amount)
    room = target - payment.refundedAmount
    added = []
    for refund in listed:
        if refund.refund_id in known:
            continue
        if refund.amount in unnamed:
            unnamed.remove(refund.amount)
            continue
        if refund.amount > room:
            break
        added.append(_provider_record(refund.amount, now, refund.refund_id, refund.status))
        room -= refund.amount
    if room > 0:
        added.append(_provider_record(room, now, None, "succeeded"))
    return added


def _provider_record(amount: int, now: datetime, refund_id: str | None, status: str) -> dict:
    record = refund_record(amount=amount, now=now, actor=WEBHOOK_ACTOR)
    return {**record, "refundId": refund_id, "status": status, "source": "provider"}


def _webhook_disputed(payment: Payment, event: WebhookEvent, *, now: datetime) -> str:
    """The cardholder disputed the charge: mark the payment and flag its booking for staff,
    in one transaction, both audited. A dispute already recorded is a no-op."""
    dispute = dict(event.dispute or {})
    if payment.dispute and payment.dispute.get("id") == dispute.get("id"):
        return "no-op"
    before = payment_snapshot(payment)
    payment.dispute = {**dispute, "at": now.strftime("%Y-%m-%dT%H:%M:%SZ")}
    payment.updatedAt = now
    after = payment_snapshot(payment)

    def also(tx):
        tx.save(payment)
        audit_add(
            tx,
            actor=WEBHOOK_ACTOR,
            action="dispute",
            object_type=OBJECT_TYPE,
            object_id=payment.transactionId,
            before=before,
            after=after,
            now=now,
        )

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
    events.publish(PaymentDisputed, **event_detail(payment), dispute=payment.dispute)
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
    if event.type in (SETUP_SUCCEEDED, SETUP_FAILED):
        known = payment.stripeSetupIntentId
        if not payment.is_guarantee or (known and known != event.intent_id):
            logger.error("Webhook %s disagrees with payment %s: ignored", event.id, transaction_id)
            return None
        return payment
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
