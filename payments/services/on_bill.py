"""Settle a payment made onto the bill (Payment.purpose: the card on file, the balance paid
online): the booking is already confirmed or in house, so success only completes the
payment; the bill picks it up from the PaymentSucceeded event (payments.folio.events).

The booking's own payment (purpose None) settles in settlement.py, which confirms the
booking in the same transaction; both the synchronous answer and the webhook come here
through `payment_settle_success`, whichever is second finds the work done.
"""

from __future__ import annotations

from datetime import datetime

from hotel import events

from ..models import COMPLETED, OPEN_STATUSES, Payment
from .shared import PaymentSucceeded, event_detail, payment_save, payment_snapshot, reload


def payment_settle_on_bill(
    payment: Payment, *, intent_id: str, brand: str | None, actor: str, now: datetime
) -> Payment:
    """Complete an open payment onto the bill, audited; idempotent (a settled payment is
    returned as it is)."""
    if payment.status not in OPEN_STATUSES:
        return payment
    before = payment_snapshot(payment)
    payment.status = COMPLETED
    payment.completedAt = now
    payment.updatedAt = now
    payment.failureMessage = None
    payment.stripePaymentIntentId = intent_id or payment.stripePaymentIntentId
    payment.paymentMethod = brand or payment.paymentMethod
    if not payment_save(
        payment,
        action="status:completed",
        before=before,
        actor=actor,
        now=now,
        condition=Payment.status.is_in(*OPEN_STATUSES),
    ):
        return reload(payment)
    events.publish(PaymentSucceeded, **event_detail(payment), purpose=payment.purpose)
    return payment
