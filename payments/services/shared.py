"""What every payment write shares: the audit snapshot, the one conditional save, the event
detail and the refund record.

Each use case (charge, settlement, refund, cancel, webhooks) writes a payment the same way:
the payment, version-checked and often under a status condition, together with its audit
entry (hotel.audit.services.audit_add) in one DynamoDB transaction. `payment_save` is that
write, and tells the caller when the condition failed (someone settled the payment
meanwhile) so each caller decides what that means for it. A caller that writes the payment
in a transaction of its own adds the entry itself (audit_add, OBJECT_TYPE, payment_snapshot).
"""

from __future__ import annotations

import logging

from pynamodb.exceptions import PynamoDBException, TransactWriteError

from hotel.audit.services import audit_add
from hotel.dynamo import conditional_check_failed, transact

from ..exceptions import PaymentNotFound
from ..models import OWED, REFUND_REQUESTED, Payment
from ..selectors import payment_get

logger = logging.getLogger(__name__)

# Domain events (hotel.events) the payment services publish.
PaymentSucceeded = "PaymentSucceeded"
PaymentFailed = "PaymentFailed"
PaymentRefunded = "PaymentRefunded"
PaymentDisputed = "PaymentDisputed"

OBJECT_TYPE = "payments.payment"  # the audit log's object type for a payment
WEBHOOK_ACTOR = "system:payment-webhook"
AUTO_REFUND = "system:auto-refund"


def payment_snapshot(payment: Payment) -> dict:
    extra = {"dispute": payment.dispute} if payment.dispute else {}
    if payment.purpose:
        extra["purpose"] = payment.purpose
    if payment.is_guarantee:  # Stripe ids only: never card data
        extra.update(
            kind=payment.kind,
            stripeSetupIntentId=payment.stripeSetupIntentId,
            stripePaymentMethodId=payment.stripePaymentMethodId,
        )
    return {
        **extra,
        "bookingId": payment.bookingId,
        "status": payment.status,
        "amount": payment.amount,
        "currency": payment.currency,
        "refundedAmount": payment.refundedAmount,
        "paymentMethod": payment.paymentMethod,
        "stripePaymentIntentId": payment.stripePaymentIntentId,
    }


def payment_save(
    payment: Payment,
    *,
    action: str,
    before: dict | None,
    actor: str,
    now,
    request_id: str | None = None,
    condition=None,
    also=None,
    last_try: bool = False,
) -> bool:
    """Save the payment (version-checked, plus `condition`) and its audit entry (`action`
    from `before` to its snapshot now) atomically, with `also(tx)`'s writes. With a
    `condition`, False when a condition failed (nothing was written: the caller reloads or
    refuses); without one, on a caller's `last_try`, and for any other failure,
    TransactWriteError is raised."""
    after = payment_snapshot(payment)

    def build(tx):
        tx.save(payment, condition=condition)
        audit_add(
            tx,
            actor=actor,
            action=action,
            object_type=OBJECT_TYPE,
            object_id=payment.transactionId,
            before=before,
            after=after,
            now=now,
            request_id=request_id,
        )
        if also is not None:
            also(tx)

    try:
        transact(build)
    except TransactWriteError as exc:
        if condition is None or last_try or not conditional_check_failed(exc):
            raise
        return False
    return True


def reload(payment: Payment) -> Payment:
    return payment_get(transaction_id=payment.transactionId, consistent=True)


def event_detail(payment: Payment) -> dict:
    return {
        "transactionId": payment.transactionId,
        "bookingId": payment.bookingId,
        "status": payment.status,
        "amount": payment.amount,
        "currency": payment.currency,
        "refundedAmount": payment.refundedAmount,
    }


def is_money(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def refund_record(*, amount: int, now, actor: str) -> dict:
    return {
        "refundId": None,
        "amount": amount,
        "at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "actor": actor,
        "status": REFUND_REQUESTED,
    }


def refund_owed_mark(payment: Payment, *, now) -> None:
    """Mark `payment` as owing the provider's answer to a refund (its RefundOwedIndex keys),
    keeping the time of the oldest one still owed."""
    payment.refundOwed = OWED
    if payment.refundOwedSince is None:
        payment.refundOwedSince = int(now.timestamp())


def owed_actions(records: list[dict]) -> list:
    """The update actions that drop the owed marker once no refund in `records` waits."""
    if any(record.get("status") == REFUND_REQUESTED for record in records):
        return []
    return [Payment.refundOwed.remove(), Payment.refundOwedSince.remove()]


def refund_record_done(payment: Payment, *, refund_id: str, status: str) -> None:
    """Note the provider's refund id on the last refund record. Best effort: the money moved.

    The write is conditional on the refund records being those reserved (not on the
    payment's version: nothing else it says matters here). When it fails — or its answer was
    lost, and botocore's retry of the write that did happen finds the records changed —
    the stored records are read back: the refund is reported unrecorded only if it is."""
    reserved = list(payment.refunds or [])
    done = [*reserved[:-1], {**reserved[-1], "refundId": refund_id, "status": status}]
    try:
        payment.update(
            actions=[Payment.refunds.set(done), *owed_actions(done)],
            condition=Payment.refunds == reserved,
            add_version_condition=False,
        )
    except Exception:  # The refund happened; only its id may not be recorded.
        if _refund_recorded(payment, done):
            return
        logger.exception("Could not record refund %s on %s", refund_id, payment.transactionId)


def _refund_recorded(payment: Payment, done: list[dict]) -> bool:
    """Whether the stored payment's refund records hold `done[-1]` where it belongs (then
    `payment` takes the stored records and version). False when it cannot be read."""
    try:
        stored = reload(payment)
    except (PynamoDBException, PaymentNotFound):
        return False
    records = list(stored.refunds or [])
    if len(records) < len(done) or records[len(done) - 1] != done[-1]:
        return False
    payment.refunds, payment.version = records, stored.version
    return True
