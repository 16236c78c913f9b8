"""The Stripe provider's reads for reconciliation (payments.services.reconcile): where a
PaymentIntent stands now, and the one made for a transaction whose PaymentIntent id the hotel
never stored (the process died between Stripe's answer and the write that records it).

The second one lists the PaymentIntents created in a short window around the payment (Stripe's
`created` filter; Search is not offered in every country, India among them) and matches the
hotel's `transactionId` in their metadata. localstripe has no `created` filter: there the
list is read in full and filtered here (a test store is small).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import stripe

from .base import FAILED, PROCESSING, REQUIRES_ACTION, SUCCEEDED, IntentState
from .stripe_errors import _brand, _gateway_error, decline_reason

# A charge is asked for just after its pending payment is written, and answered within the
# client's timeouts and retry: the window its PaymentIntent was created in.
CREATED_BEFORE = timedelta(minutes=1)
CREATED_AFTER = timedelta(minutes=10)
STATES = {
    "succeeded": SUCCEEDED,
    "requires_action": REQUIRES_ACTION,
    "requires_payment_method": FAILED,  # declined: a new payment method is needed
    "canceled": FAILED,
}


class StripeLookups:
    """Mixed into StripeProvider (its `client`)."""

    client: stripe.StripeClient

    def payment_state(self, *, intent_id: str) -> IntentState | None:
        try:
            intent = self.client.v1.payment_intents.retrieve(
                intent_id, params={"expand": ["payment_method"]}
            )
        except stripe.InvalidRequestError as exc:
            if exc.http_status == 404:
                return None
            raise _gateway_error(exc, "read a PaymentIntent") from exc
        except stripe.StripeError as exc:
            raise _gateway_error(exc, "read a PaymentIntent") from exc
        return _state(intent)

    def payment_find(self, *, transaction_id: str, created_at: datetime) -> IntentState | None:
        start = int((created_at - CREATED_BEFORE).timestamp())
        end = int((created_at + CREATED_AFTER).timestamp())
        try:
            found = [
                _state(intent)
                for intent in self._created_between(start, end)
                if _metadata(intent).get("transactionId") == transaction_id
            ]
        except stripe.StripeError as exc:
            raise _gateway_error(exc, "list PaymentIntents") from exc
        succeeded = [state for state in found if state.status == SUCCEEDED]
        return (succeeded or found or [None])[0]

    def _created_between(self, start: int, end: int) -> Iterator:
        try:
            page = self.client.v1.payment_intents.list(
                params={"limit": 100, "created": {"gte": start, "lte": end}}
            )
        except stripe.InvalidRequestError as exc:
            if "created" not in str(exc):
                raise
            page = self.client.v1.payment_intents.list(params={"limit": 100})  # localstripe
        for intent in page.auto_paging_iter():
            if start <= intent.created <= end:
                yield intent


def _metadata(intent) -> dict[str, str]:
    metadata = intent.metadata.to_dict() if intent.metadata else {}
    return {str(k): str(v) for k, v in metadata.items()}


def _state(intent) -> IntentState:
    error = getattr(intent, "last_payment_error", None)
    return IntentState(
        intent_id=intent.id,
        status=STATES.get(intent.status, PROCESSING),
        amount=intent.amount,
        currency=str(intent.currency or "").upper(),
        metadata=_metadata(intent),
        brand=_brand(intent.payment_method),
        message=getattr(error, "message", None) if error else None,
        reason=decline_reason(error),
    )
