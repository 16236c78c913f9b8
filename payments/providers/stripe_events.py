"""Stripe webhook objects turned into provider-neutral events (payments.providers.base):
a refunded Charge, a Dispute, a SetupIntent's end. The PaymentIntent events are parsed by
StripeProvider.parse_webhook itself. And the refunds of an intent, read back from Stripe
when its `charge.refunded` arrives (an event may be late: Stripe's list is the truth)."""

from __future__ import annotations

import logging
import time

import stripe

from .base import PAYMENT_DISPUTED, PAYMENT_REFUNDED, RefundResult, WebhookEvent
from .stripe_errors import _gateway_error

logger = logging.getLogger("payments.stripe")


def _money(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _metadata(obj: dict) -> dict[str, str]:
    metadata = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    return {str(k): str(v) for k, v in metadata.items()}


def charge_refunded_event(event_id: str, charge) -> WebhookEvent:
    """`charge.refunded`: the Charge, with the running total `amount_refunded`. A charge made
    by a PaymentIntent carries the intent's id and (copied at creation) its metadata."""
    if (
        not isinstance(charge, dict)
        or not isinstance(charge.get("payment_intent"), str)
        or _money(charge.get("amount_refunded")) is None
    ):
        logger.warning("Event %s carries no usable Charge: ignored", event_id)
        return WebhookEvent(id=event_id, type="charge.refunded")  # not one the hotel acts on
    return WebhookEvent(
        id=event_id,
        type=PAYMENT_REFUNDED,
        intent_id=charge["payment_intent"],
        amount=_money(charge.get("amount")),
        currency=str(charge.get("currency") or "").upper() or None,
        metadata=_metadata(charge),
        amount_refunded=charge["amount_refunded"],
    )


def dispute_created_event(event_id: str, dispute) -> WebhookEvent:
    """`charge.dispute.created`: the Dispute (its metadata is its own, not the payment's)."""
    if not isinstance(dispute, dict) or not isinstance(dispute.get("payment_intent"), str):
        logger.warning("Event %s carries no usable Dispute: ignored", event_id)
        return WebhookEvent(id=event_id, type="charge.dispute.created")
    return WebhookEvent(
        id=event_id,
        type=PAYMENT_DISPUTED,
        intent_id=dispute["payment_intent"],
        currency=str(dispute.get("currency") or "").upper() or None,
        dispute={
            "id": str(dispute.get("id") or ""),
            "amount": _money(dispute.get("amount")),
            "reason": str(dispute.get("reason") or "") or None,
            "status": str(dispute.get("status") or "") or None,
        },
    )


def setup_event(event_id: str, kind: str, intent) -> WebhookEvent:
    """`setup_intent.succeeded` / `setup_intent.setup_failed`: a guarantee's SetupIntent (its
    metadata names the payment). The hotel reads the intent back before acting on it."""
    if not isinstance(intent, dict) or not isinstance(intent.get("id"), str):
        logger.warning("Event %s carries no usable SetupIntent: ignored", event_id)
        return WebhookEvent(id=event_id, type=f"setup_intent:{kind}")
    return WebhookEvent(id=event_id, type=kind, intent_id=intent["id"], metadata=_metadata(intent))


def refuse_future(signature: str, tolerance: int) -> None:
    """Stripe's library only refuses signatures that are too old; one dated more than the
    tolerance ahead of our clock is refused too (a replay window opened in advance)."""
    pairs = [part.split("=", 1) for part in signature.split(",")]
    stamps = [pair[1] for pair in pairs if len(pair) == 2 and pair[0] == "t"]
    try:  # the one verify_header checked: the last "t" (it reads the pairs into a dict)
        timestamp = int(stamps[-1])
    except (IndexError, ValueError) as exc:  # verify_header has already refused these
        raise stripe.SignatureVerificationError("No timestamp", signature) from exc
    if timestamp > time.time() + tolerance:
        raise stripe.SignatureVerificationError(
            f"Timestamp outside the tolerance zone ({timestamp})", signature
        )


def intent_refunds(client: stripe.StripeClient, intent_id: str) -> list[RefundResult]:
    """The PaymentIntent's refunds that count (succeeded or pending), oldest first; none
    while it has not succeeded (an intent that took no money has nothing to refund)."""
    try:
        if client.v1.payment_intents.retrieve(intent_id).status != "succeeded":
            return []
        listed = client.v1.refunds.list(params={"payment_intent": intent_id, "limit": 100})
        refunds = list(listed.auto_paging_iter())
    except stripe.StripeError as exc:
        raise _gateway_error(exc, "list a payment's refunds") from exc
    refunds.reverse()  # Stripe lists the newest first
    refunds.sort(key=lambda refund: refund.created or 0)
    return [
        RefundResult(
            refund_id=refund.id,
            amount=refund.amount,
            status="succeeded" if refund.status == "succeeded" else "pending",
        )
        for refund in refunds
        if refund.status in ("succeeded", "pending")
    ]
