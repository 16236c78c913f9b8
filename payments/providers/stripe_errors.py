"""The Stripe provider's helpers for Stripe's errors and objects: cancelling an intent that
may already be final, a payment method's brand (nothing else of the card), a refusal as
PaymentDeclined with Stripe's reason for it, and turning an unexpected Stripe failure into
the gateway error the API answers with (logged with its traceback)."""

from __future__ import annotations

import logging

import stripe

from payments.exceptions import PaymentDeclined, PaymentGatewayError, PaymentGatewayUnavailable

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


def decline_reason(error) -> str | None:
    """Stripe's most precise reason for a refusal: the issuer's `decline_code`
    ("insufficient_funds") else the error's `code` ("expired_card", "incorrect_cvc",
    "payment_intent_authentication_failure"). `error`: a CardError's error object, an
    intent's last_payment_error or last_setup_error, or that of an event's payload."""
    if not error:
        return None
    if isinstance(error, dict):  # an event's JSON (stripe's objects are not dicts)
        value = error.get("decline_code") or error.get("code")
    else:
        value = getattr(error, "decline_code", None) or getattr(error, "code", None)
    return str(value)[:60] if value else None


def _card_declined(exc: stripe.CardError, *, intent_id: str | None = None) -> PaymentDeclined:
    """Stripe's CardError as PaymentDeclined: its message for the guest (English), its code
    in details (the API's), its most precise reason (`decline_reason`)."""
    return PaymentDeclined(
        exc.user_message or PaymentDeclined.default_message,
        intent_id=intent_id,
        reason=decline_reason(exc.error) or exc.code,
        details={"declineCode": exc.code} if exc.code else None,
    )


def _intent_declined(error, intent_id: str) -> PaymentDeclined:
    """An intent that ended without raising (requires_payment_method): its `error`
    (last_payment_error or last_setup_error) as PaymentDeclined."""
    message = getattr(error, "message", None) if error else None
    return PaymentDeclined(message or None, intent_id=intent_id, reason=decline_reason(error))


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
