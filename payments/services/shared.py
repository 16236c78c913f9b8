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
import uuid

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
        "key": uuid.uuid4().hex,  # the provider's idempotency key: this record's alone
    }


def refund_idempotency_key(transaction_id: str, record: dict) -> str:
    """The provider's idempotency key of one refund record: its own random `key` (two
    records of one payment never share one, even made in the same second for the same
    amount, and a record undone never lends it to the next)."""
    return f"payments.refund:{transaction_id}:{record.get('key') or record['at']}"


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
    """Note the provider's refund id on the refund record reserved last on `payment`. Best
    effort: the money moved (an id never noted is found by refunds_owed).

    The write is conditional on the refund records being those read (not on the payment's
    version: nothing else it says matters here). When it fails — another refund reserved
    meanwhile, or its own answer was lost and botocore's retry finds the records changed —
    the stored records are read back and the record, found by its key, is noted there: it
    is reported unrecorded only if it is."""
    mine = (payment.refunds or [])[-1]
    for _attempt in range(3):
        records = list(payment.refunds or [])
        at = _record_index(records, mine)
        if at is None or records[at].get("refundId") == refund_id:
            return  # gone (undone meanwhile), or noted by the write whose answer was lost
        done = [*records[:at], {**records[at], "refundId": refund_id, "status": status}]
        done += records[at + 1 :]
        try:
            payment.update(
                actions=[Payment.refunds.set(done), *owed_actions(done)],
                condition=Payment.refunds == records,
                add_version_condition=False,
            )
            return
        except Exception:  # noqa: BLE001 - read back and try again
            try:
                stored = reload(payment)
            except (PynamoDBException, PaymentNotFound):
                break
            payment.refunds, payment.version = stored.refunds, stored.version
            payment.refundOwed, payment.refundOwedSince = stored.refundOwed, stored.refundOwedSince
    logger.error("Could not record refund %s on %s", refund_id, payment.transactionId)


def _record_index(records: list[dict], mine: dict) -> int | None:
    """Where `mine` is among `records`: by its key (records made before keys: equal)."""
    for index, record in enumerate(records):
        if (mine.get("key") and record.get("key") == mine.get("key")) or record == mine:
            return index
    return None
