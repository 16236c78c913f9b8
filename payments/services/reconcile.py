"""Reconcile open payments with the provider, so money the provider took always ends recorded.

A payment is settled by the synchronous answer (charge.py) or by the provider's webhook
(webhooks.py). Both can be lost: the process dies between the provider's answer and the write
that records it, and the webhook finds the app down (or dies while handling it) and is not
sent again soon enough. `payments_reconcile` (`manage.py reconcile_payments`, scheduled every
10 minutes as `hotel.jobs.reconcile_payments`) asks the provider about every payment still
open `older_than` after it was opened, and settles it through the webhook's own functions
(settlement.payment_settle_success / payment_settle_failure, guarantee_refresh), so it is
idempotent with a late webhook, with the synchronous answer and with itself:

- the provider took the money: the payment completes and confirms its booking (or, when the
  booking can no longer take it, is refunded automatically, as a late webhook would be);
- the provider declined or cancelled it: failed (the booking can be paid again);
- the provider has no charge for a pending payment: the process died before asking, nothing
  was taken; it is marked failed (a success the provider reports later still wins) and its
  mark on the booking removed;
- the provider still waits (3-D Secure, processing): left for the webhook or the next run.

Then it completes the refunds reserved on a payment whose provider answer was never noted
(refunds_owed: a process that died after a cancel or a refund was written).

The candidates come from the payments' status index (pending, awaiting 3-D Secure, and failed
without a provider id, i.e. a gateway error whose charge may have gone through), opened
between LOOKBACK and `older_than` ago: a few Queries, never a Scan.
"""

from __future__ import annotations

import contextlib
import logging
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bookings.exceptions import HoldExpired, PriceChanged

from ..exceptions import BookingNotPayable, PaymentGatewayError
from ..models import COMPLETED, FAILED, OPEN_STATUSES, PENDING, REQUIRES_ACTION, Payment
from ..providers import get_provider
from ..providers.base import FAILED as PROVIDER_FAILED
from ..providers.base import SUCCEEDED, IntentState
from ..selectors import payment_get
from .guarantee import guarantee_refresh
from .refunds_owed import OUTCOMES as REFUND_OUTCOMES
from .refunds_owed import refunds_owed_complete
from .settlement import (
    mark_closed,
    payment_settle_failure,
    payment_settle_success,
    provider_intent_id,
)
from .shared import payment_save, payment_snapshot, reload

logger = logging.getLogger(__name__)

RECONCILE_ACTOR = "system:payment-reconcile"
OLDER_THAN = timedelta(minutes=10)  # the synchronous answer and the first webhook are long done
LOOKBACK = timedelta(days=3)  # as long as Stripe retries a webhook; older ones are staff's
MAX_PER_RUN = 200  # provider lookups per run (every 10 minutes): the rest wait for the next
# A payment this job found unsent is asked about again for an hour (a charge the provider
# reports late), then left to its webhook: not one provider search per run for three days.
UNSENT_RECHECK = timedelta(hours=1)
UNSENT_MESSAGE = "The payment never reached the provider; nothing was charged."

# Outcomes, per payment
COMPLETED_NOW = "completed"
REFUNDED_NOW = "refunded"  # taken for a booking that could not keep it: given back
FAILED_NOW = "failed"
UNSENT = "unsent"  # never reached the provider: failed
RELEASED = "released"  # a guarantee for a booking that could not be kept
WAITING = "waiting"  # the provider (or the guest) has not finished
SETTLED = "settled"  # settled meanwhile (a webhook)
MISMATCH = "mismatch"  # the provider's charge disagrees with the payment: staff must look
ERROR = "error"  # the provider could not be asked: the next run tries again


@dataclass
class Reconciled:
    """What one run did: outcome -> the transaction ids."""

    outcomes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, outcome: str, transaction_id: str) -> None:
        self.outcomes[outcome].append(transaction_id)

    @property
    def checked(self) -> int:
        """Open payments looked at (refunds owed are counted apart: refunds)."""
        return sum(len(ids) for o, ids in self.outcomes.items() if o not in REFUND_OUTCOMES)

    @property
    def refunds(self) -> int:
        return sum(len(ids) for o, ids in self.outcomes.items() if o in REFUND_OUTCOMES)

    def count(self, outcome: str) -> int:
        return len(self.outcomes.get(outcome, ()))


def payments_reconcile(
    *, now: datetime, older_than: timedelta = OLDER_THAN, lookback: timedelta = LOOKBACK
) -> Reconciled:
    """Settle every payment still open `older_than` after it was opened (module docstring)."""
    result, seen = Reconciled(), set()
    for payment in open_payments(now=now, older_than=older_than, lookback=lookback):
        if payment.transactionId in seen:
            continue  # moved from one status to another by this run
        if len(seen) >= MAX_PER_RUN:
            logger.warning("reconcile_payments: %s payments checked; the rest next run", len(seen))
            break
        seen.add(payment.transactionId)
        try:
            outcome = payment_reconcile(payment, now=now)
        except PaymentGatewayError:
            logger.warning("Could not reconcile %s: the provider failed", payment.transactionId)
            outcome = ERROR
        except Exception:  # one payment's surprise must not stop the others' reconciling
            logger.exception("Could not reconcile %s", payment.transactionId)
            outcome = ERROR
        result.add(outcome, payment.transactionId)
    refunds_owed_complete(now=now, older_than=older_than, add=result.add)
    return result


def open_payments(
    *, now: datetime, older_than: timedelta, lookback: timedelta
) -> Iterator[Payment]:
    """The payments a run looks at: Queries of the status index over the window."""
    window = Payment.createdAt.between(now - lookback, now - older_than)
    for status in (PENDING, REQUIRES_ACTION, FAILED):
        for payment in Payment.by_status.query(status, range_key_condition=window):
            if status == FAILED and (payment.is_guarantee or provider_intent_id(payment)):
                continue  # the provider answered (declined): its webhooks tell the rest
            if status == FAILED and _unsent_long_ago(payment, now=now):
                continue
            yield payment


def _unsent_long_ago(payment: Payment, *, now: datetime) -> bool:
    return payment.failureMessage == UNSENT_MESSAGE and (
        payment.updatedAt is None or payment.updatedAt < now - UNSENT_RECHECK
    )


def payment_reconcile(payment: Payment, *, now: datetime) -> str:
    """Ask the provider about one open payment and settle it; the outcome.
    Raises PaymentGatewayError."""
    payment = reload(payment)  # the index is eventually consistent; act on the item itself
    if payment.status not in OPEN_STATUSES:
        return SETTLED
    if payment.is_guarantee:
        return _guarantee(payment, now=now)
    provider, intent_id = get_provider(), provider_intent_id(payment)
    if intent_id:
        state = provider.payment_state(intent_id=intent_id)
    else:
        state = provider.payment_find(
            transaction_id=payment.transactionId, created_at=payment.createdAt
        )
    if state is None:
        if intent_id or payment.status != PENDING:
            return WAITING
        return _fail_unsent(payment, now=now)
    if _disagrees(payment, state):
        logger.error(
            "Payment %s disagrees with the provider's %s (%s %s): not settled",
            payment.transactionId,
            state.intent_id,
            state.amount,
            state.currency,
        )
        return MISMATCH
    if state.status == SUCCEEDED:
        try:
            settled = payment_settle_success(
                transaction_id=payment.transactionId,
                intent_id=state.intent_id,
                brand=state.brand,
                actor=RECONCILE_ACTOR,
                now=now,
            )
        except (HoldExpired, BookingNotPayable, PriceChanged):
            return REFUNDED_NOW  # the booking could not be kept: the money went back
        return COMPLETED_NOW if settled.status == COMPLETED else SETTLED
    if state.status == PROVIDER_FAILED and payment.status in (PENDING, REQUIRES_ACTION):
        payment_settle_failure(
            payment,
            message=state.message or "The payment did not go through.",
            intent_id=state.intent_id,
            reason=state.reason,
            actor=RECONCILE_ACTOR,
            now=now,
        )
        return FAILED_NOW
    return WAITING


def payment_recovered(*, transaction_id: str, now: datetime) -> Payment:
    """A payment whose request died before answering, as it is now: settled meanwhile by the
    webhook or this job, or, still pending, asked at the provider first (the dead request
    may have been charged and not recorded it). A provider that cannot say now leaves it as
    it is (the job asks again). Raises PaymentNotFound."""
    payment = payment_get(transaction_id=transaction_id, consistent=True)
    if payment.status == PENDING:
        with contextlib.suppress(PaymentGatewayError):
            payment_reconcile(payment, now=now)
        payment = payment_get(transaction_id=transaction_id, consistent=True)
    return payment


def _guarantee(payment: Payment, *, now: datetime) -> str:
    """A card guarantee takes no money: settle it from its SetupIntent, when one is known."""
    if payment.status == FAILED or not payment.stripeSetupIntentId:
        return WAITING
    try:
        settled = guarantee_refresh(
            transaction_id=payment.transactionId, actor=RECONCILE_ACTOR, now=now
        )
    except (HoldExpired, BookingNotPayable, PriceChanged):
        return RELEASED  # the booking could not be kept; nothing was charged
    if settled.status == COMPLETED:
        return COMPLETED_NOW
    return FAILED_NOW if settled.status == FAILED else WAITING


def _disagrees(payment: Payment, state: IntentState) -> bool:
    return (
        state.amount != payment.amount
        or state.currency != payment.currency
        or state.metadata.get("transactionId", payment.transactionId) != payment.transactionId
        or state.metadata.get("bookingId", payment.bookingId) != payment.bookingId
    )


def _fail_unsent(payment: Payment, *, now: datetime) -> str:
    """A pending payment the provider never saw: mark it failed (no event: the guest was
    told nothing of it) and drop its mark on the booking (an open payment blocks the
    booking's date change). Failed, not cancelled: a success the provider reports after all
    (its webhook, a later run) still settles it."""
    before = payment_snapshot(payment)
    payment.status = FAILED
    payment.failureMessage = UNSENT_MESSAGE
    payment.updatedAt = now
    saved = payment_save(
        payment,
        action="status:failed",
        before=before,
        actor=RECONCILE_ACTOR,
        now=now,
        condition=Payment.status == PENDING,
        also=lambda tx: mark_closed(tx, payment),
    )
    return UNSENT if saved else SETTLED
