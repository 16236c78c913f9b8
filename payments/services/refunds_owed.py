"""Complete refunds reserved on a payment whose provider answer was never noted.

A refund is reserved on its payment (counted in refundedAmount, a record REFUND_REQUESTED,
the payment in the sparse RefundOwedIndex) before the provider is asked: by payment_refund
in its own write, by a cancel in the cancel's own transaction. The process can die before
the provider is asked or before its answer is noted; the money owed would then be counted
as given back while it never was. `refunds_owed_complete` (run by reconcile_payments every
10 minutes) takes every payment owed longer than `older_than` and, per record still
requested:

- the provider lists a refund of the same amount that no record names: the refund was made,
  its id is noted (the answer was lost);
- else the refund is asked for now, under the idempotency key the first request used
  (shared.refund_idempotency_key), so a request that reached the provider is not made twice;
- a provider that fails leaves it owed for the next run.

The records are written with a condition that they are those read, so a late answer of the
first request, the charge.refunded webhook and a concurrent run cannot record a refund twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from pynamodb.exceptions import PynamoDBException

from hotel import events

from ..exceptions import PaymentGatewayError
from ..models import OWED, REFUND_REQUESTED, Payment
from ..providers import get_provider
from .shared import (
    PaymentRefunded,
    event_detail,
    owed_actions,
    refund_idempotency_key,
    reload,
)

logger = logging.getLogger(__name__)

REFUND_SENT = "refund-sent"  # asked of the provider now
REFUND_FOUND = "refund-found"  # the provider had made it: its id noted
REFUND_ERROR = "refund-error"  # the provider could not be asked: the next run tries again
OUTCOMES = (REFUND_SENT, REFUND_FOUND, REFUND_ERROR)


def refunds_owed(*, now: datetime, older_than: timedelta) -> list[Payment]:
    """The payments owed a refund's answer since at least `older_than` ago, oldest first
    (as the index has them: refund_owed_complete reads each again)."""
    cutoff = int((now - older_than).timestamp())
    return list(
        Payment.refunds_owed.query(OWED, range_key_condition=Payment.refundOwedSince <= cutoff)
    )


def refunds_owed_complete(*, now: datetime, older_than: timedelta, add) -> None:
    """Complete every refund owed longer than `older_than`; `add(outcome, transaction_id)`
    counts each record's outcome (REFUND_SENT, REFUND_FOUND, REFUND_ERROR)."""
    for entry in refunds_owed(now=now, older_than=older_than):
        try:
            outcomes = refund_owed_complete(reload(entry), before=now - older_than)
        except Exception:  # one payment's surprise must not stop the others
            logger.exception("Could not complete the refunds owed on %s", entry.transactionId)
            outcomes = [REFUND_ERROR]
        for outcome in outcomes:
            add(outcome, entry.transactionId)


def refund_owed_complete(payment: Payment, *, before: datetime) -> list[str]:
    """Complete the requested refund records of one payment made before `before` (a younger
    one may still be in its request); an outcome per record."""
    reserved = list(payment.refunds or [])
    records = list(reserved)
    stamp = before.strftime("%Y-%m-%dT%H:%M:%SZ")  # the records' own format: compared as text
    waiting = [
        i
        for i, record in enumerate(records)
        if record.get("status") == REFUND_REQUESTED and str(record.get("at", "")) <= stamp
    ]
    if not waiting:
        if payment.refundOwed and not any(r.get("status") == REFUND_REQUESTED for r in records):
            _records_save(payment, reserved=reserved, records=records)  # drop a stale marker
        return []
    provider = get_provider()
    known = {record.get("refundId") for record in records if record.get("refundId")}
    unnamed = [
        refund
        for refund in provider.refunds(intent_id=payment.stripePaymentIntentId)
        if refund.refund_id not in known
    ]
    outcomes, completed = [], 0
    for index in waiting:
        amount = int(records[index]["amount"])
        made = next((refund for refund in unnamed if refund.amount == amount), None)
        if made is not None:
            unnamed.remove(made)
            outcomes.append(REFUND_FOUND)
        else:
            try:
                made = provider.refund(
                    intent_id=payment.stripePaymentIntentId,
                    amount=amount,
                    idempotency_key=refund_idempotency_key(payment.transactionId, records[index]),
                )
            except PaymentGatewayError:
                logger.warning("Refund owed on %s: the provider failed", payment.transactionId)
                outcomes.append(REFUND_ERROR)
                continue
            outcomes.append(REFUND_SENT)
        records[index] = {**records[index], "refundId": made.refund_id, "status": made.status}
        completed += amount
    if records != reserved:
        _records_save(payment, reserved=reserved, records=records)
    if completed:
        events.publish(
            PaymentRefunded, **event_detail(payment), amountRefunded=completed, recovered=True
        )
    return outcomes


def _records_save(payment: Payment, *, reserved: list[dict], records: list[dict]) -> None:
    """Note the provider's answers (and drop the marker when none is owed any more), on the
    condition that the records are still those read. Raises when that fails: the provider
    has the refund, the next run finds it listed and notes it."""
    try:
        payment.update(
            actions=[Payment.refunds.set(records), *owed_actions(records)],
            condition=Payment.refunds == reserved,
            add_version_condition=False,
        )
    except PynamoDBException:
        stored = reload(payment)
        if list(stored.refunds or []) != records:
            raise
