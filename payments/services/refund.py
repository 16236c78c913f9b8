"""Refund a completed payment, all or part of what is left of it.

The refund is reserved on the payment before the provider is asked, so two concurrent
refunds can never give back more than was paid; if the provider fails, the reservation is
undone. The admin, the API and the cancel (cancel.py) all refund through `payment_refund`.
"""

from __future__ import annotations

import logging
from datetime import datetime

from hotel import events
from hotel.audit.services import audit_add
from hotel.dynamo import transact
from hotel.errors import StaleObject, ValidationFailed

from ..exceptions import (
    PaymentGatewayError,
    PaymentGatewayUnavailable,
    PaymentNotRefundable,
    RefundTooLarge,
)
from ..models import PARTIALLY_REFUNDED, REFUNDABLE_STATUSES, REFUNDED, Payment
from ..providers import get_provider
from ..selectors import payment_get
from .shared import (
    OBJECT_TYPE,
    PaymentRefunded,
    event_detail,
    is_money,
    payment_save,
    payment_snapshot,
    refund_idempotency_key,
    refund_owed_mark,
    refund_record,
    refund_record_done,
)

logger = logging.getLogger(__name__)


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
    StaleObject (409 STALE_OBJECT: changed meanwhile), PaymentGatewayError.
    """
    payment = payment_get(transaction_id=transaction_id, consistent=True)
    if payment.is_guarantee:
        raise PaymentNotRefundable(
            f"Payment {transaction_id} is a card guarantee: it took no money to refund.",
            details={"kind": payment.kind},
        )
    if payment.status not in REFUNDABLE_STATUSES:
        raise PaymentNotRefundable(
            f"Payment {transaction_id} is {payment.status}; only a completed payment can be "
            "refunded.",
            details={"status": payment.status},
        )
    remaining = payment.amount - payment.refundedAmount
    if amount is None:
        amount = remaining
    if not is_money(amount) or amount <= 0:
        raise ValidationFailed(details={"fields": {"amount": ["A positive whole number."]}})
    if amount > remaining:
        raise RefundTooLarge(
            f"At most {remaining} {payment.currency} (minor units) can still be refunded.",
            details={"refundable": remaining, "currency": payment.currency},
        )
    previous = refund_reserve(payment, amount=amount, actor=actor, now=now)
    if not payment_save(
        payment,
        action="refund",
        before=previous["snapshot"],
        actor=actor,
        now=now,
        request_id=request_id,
        condition=Payment.status == previous["status"],
    ):
        raise StaleObject(
            "The payment changed while the refund was prepared; reload and try again."
        )
    refund_send(
        payment, amount=amount, previous=previous, actor=actor, now=now, request_id=request_id
    )
    return payment


def refund_reserve(payment: Payment, *, amount: int, actor: str, now: datetime) -> dict:
    """Reserve a refund of `amount` on `payment` (in memory: the caller writes it, with its
    audit entry from the returned "snapshot"): counted in refundedAmount, a record
    REFUND_REQUESTED, the owed marker set. Returns what refund_send needs to undo it."""
    previous = {
        "status": payment.status,
        "refundedAmount": payment.refundedAmount,
        "refunds": list(payment.refunds or []),
        "refundOwed": payment.refundOwed,
        "refundOwedSince": payment.refundOwedSince,
        "snapshot": payment_snapshot(payment),
    }
    payment.refundedAmount += amount
    payment.status = REFUNDED if payment.refundedAmount == payment.amount else PARTIALLY_REFUNDED
    payment.refunds = [*previous["refunds"], refund_record(amount=amount, now=now, actor=actor)]
    payment.updatedAt = now
    refund_owed_mark(payment, now=now)
    return previous


class RefundLeftOwed(PaymentGatewayError):
    """The provider failed and the reservation could not be undone: the refund stays owed
    (reconcile_payments asks for it again); nobody should refund it by hand meanwhile."""

    code = "REFUND_PENDING"
    default_message = (
        "The payment provider failed; the refund stays recorded and is asked for again "
        "automatically. Do not refund it again."
    )


def refund_send(
    payment: Payment, *, amount: int, previous: dict, actor: str, now: datetime, request_id=None
) -> None:
    """Ask the provider for the refund reserved (and written) last on `payment`, note its id
    and publish PaymentRefunded; if the provider refuses, undo the reservation and raise
    PaymentGatewayError. RefundLeftOwed when it could not be undone, or when the provider
    could not be reached or was busy (whether it refunded is unknown). A process that dies in
    between leaves the reservation owed: reconcile_payments completes it (refunds_owed),
    under the same idempotency key."""
    record = payment.refunds[-1]
    try:
        refund = get_provider().refund(
            intent_id=payment.stripePaymentIntentId,
            amount=amount,
            idempotency_key=refund_idempotency_key(payment.transactionId, record),
        )
    except PaymentGatewayUnavailable as exc:
        # Unreachable (a timeout: the refund may be made) or rate limited: nothing to undo
        # on a guess; the reservation stays owed and reconcile_payments settles it.
        raise RefundLeftOwed() from exc
    except PaymentGatewayError as exc:
        if not _refund_undo(
            payment, previous=previous, actor=actor, now=now, request_id=request_id
        ):
            raise RefundLeftOwed() from exc
        raise
    refund_record_done(payment, refund_id=refund.refund_id, status=refund.status)
    events.publish(PaymentRefunded, **event_detail(payment), amountRefunded=amount)


def _refund_undo(payment: Payment, *, previous: dict, actor, now, request_id) -> bool:
    """Undo the reservation the provider failed, with its audit entry, on the condition
    that the refund records are still those reserved (not on the version: another write
    meanwhile must not keep a refund nobody made). False when it could not be undone."""
    reserved = list(payment.refunds or [])
    before = payment_snapshot(payment)
    actions = [
        Payment.status.set(previous["status"]),
        Payment.refundedAmount.set(previous["refundedAmount"]),
        Payment.refunds.set(previous["refunds"]),
        Payment.updatedAt.set(now),
    ]
    if previous["refundOwed"] is None:
        actions += [Payment.refundOwed.remove(), Payment.refundOwedSince.remove()]
    after = {**before, "status": previous["status"], "refundedAmount": previous["refundedAmount"]}

    def build(tx):
        tx.update(
            payment,
            actions=actions,
            condition=Payment.refunds == reserved,
            add_version_condition=False,
        )
        audit_add(
            tx,
            actor=actor,
            action="refund:failed",
            object_type=OBJECT_TYPE,
            object_id=payment.transactionId,
            before=before,
            after=after,
            now=now,
            request_id=request_id,
        )

    try:
        transact(build)
    except Exception:  # Keep the provider's error as the one raised.
        logger.exception("Could not undo the refund reservation on %s", payment.transactionId)
        return False
    payment.status = previous["status"]
    payment.refundedAmount = previous["refundedAmount"]
    payment.refunds = previous["refunds"]
    payment.refundOwed = previous["refundOwed"]
    payment.refundOwedSince = previous["refundOwedSince"]
    payment.updatedAt = now
    return True
