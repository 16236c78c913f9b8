"""The Stripe provider's helpers for Stripe's errors and objects: cancelling an intent that
may already be final, a payment method's brand (nothing else of the card), and turning an
unexpected Stripe failure into the gateway error the API answers with (logged with its
traceback)."""

from __future__ import annotations

import logging

import stripe

from payments.exceptions import PaymentGatewayError, PaymentGatewayUnavailable

logger = logging.getLogger("payments.stripe")


def _cancel_intent(intents, intent_id: str, kind: str) -> bool:
    """Cancel a PaymentIntent or SetupIntent (`intents`: the client's service for it); True
    when it is cancelled, also when it already was."""
    try:
        intent = intents.cancel(intent_id)
    except stripe.InvalidRequestError as exc:
        try:  # Stripe refuses to cancel a succeeded (or already cancelled) intent.
            status = intents.retrieve(intent_id).status
        except stripe.StripeError:
            raise _gateway_error(exc, f"cancel a {kind}") from exc
        return status == "canceled"
    except stripe.StripeError as exc:
        raise _gateway_error(exc, f"cancel a {kind}") from exc
    return intent.status == "canceled"


def _brand(method) -> str | None:
    """The card brand (or method type) of an expanded payment method; nothing else of it."""
    if method is None or isinstance(method, str):
        return None
    card = getattr(method, "card", None)
    brand = getattr(card, "brand", None) if card is not None else getattr(method, "brand", None)
    kind = getattr(method, "type", None)
    value = brand or kind
    return str(value).lower() if value else None


def _error_intent_id(exc: stripe.StripeError) -> str | None:
    intent = getattr(exc.error, "payment_intent", None) if exc.error else None
    if isinstance(intent, str):
        return intent
    return getattr(intent, "id", None)


def _about_payment_method(exc: stripe.InvalidRequestError) -> bool:
    param = exc.param or ""
    return (
        exc.http_status == 404
        or exc.code == "resource_missing"
        or param.startswith("payment_method")
    )


def _gateway_error(exc: stripe.StripeError, doing: str) -> PaymentGatewayError:
    """Log an unexpected Stripe failure with its traceback; return the error to raise."""
    logger.error(
        "Stripe failed to %s: %s (HTTP %s, request %s)",
        doing,
        type(exc).__name__,
        exc.http_status,
        exc.request_id,
        exc_info=exc,
    )
    if isinstance(exc, stripe.APIConnectionError | stripe.RateLimitError):
        return PaymentGatewayUnavailable()
    return PaymentGatewayError()
