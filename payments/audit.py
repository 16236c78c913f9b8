"""The payment's audit snapshot and entry: what every payment write records, in one place
(services, settlement and the cancel all write payments)."""

from __future__ import annotations

from hotel.audit.services import audit_entry

from .models import Payment


def payment_snapshot(payment: Payment) -> dict:
    extra = {"dispute": payment.dispute} if payment.dispute else {}
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


def payment_audit(payment: Payment, *, action: str, before, actor: str, now, request_id=None):
    return audit_entry(
        actor=actor,
        action=action,
        object_type="payments.payment",
        object_id=payment.transactionId,
        before=before,
        after=payment_snapshot(payment),
        now=now,
        request_id=request_id,
    )
