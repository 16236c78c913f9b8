"""Stripe PaymentIntents (charges) and SetupIntents (a card kept as a guarantee) through
`stripe.StripeClient`; localstripe when STRIPE_API_BASE is set.

Only parameters that both Stripe and localstripe accept are sent (no
`automatic_payment_methods`, `description`, `return_url` or refund `reason`): the same
calls run in tests, in `make run` and in production. stripe 15+ objects are not dicts:
read attributes, or `to_dict()`.
"""

from __future__ import annotations

import json
import logging

import stripe
from django.conf import settings

from payments.exceptions import (
    InvalidPaymentMethod,
    InvalidWebhook,
    PaymentDeclined,
)

from .base import (
    FAILED,
    PAYMENT_DISPUTED,
    PAYMENT_FAILED,
    PAYMENT_REFUNDED,
    PAYMENT_SUCCEEDED,
    PROCESSING,
    REQUIRES_ACTION,
    SETUP_FAILED,
    SETUP_SUCCEEDED,
    SUCCEEDED,
    PaymentProvider,
    ProviderResult,
    RefundResult,
    ReusableCard,
    WebhookEvent,
)
from .stripe_errors import (
    _about_payment_method,
    _brand,
    _cancel_intent,
    _card_declined,
    _error_intent_id,
    _gateway_error,
    _intent_declined,
    decline_reason,
)
from .stripe_events import (
    charge_refunded_event,
    dispute_created_event,
    intent_refunds,
    refuse_future,
    setup_event,
)
from .stripe_lookup import StripeLookups

logger = logging.getLogger("payments.stripe")

EVENT_TYPES = {
    "payment_intent.succeeded": PAYMENT_SUCCEEDED,
    "payment_intent.payment_failed": PAYMENT_FAILED,
    "charge.refunded": PAYMENT_REFUNDED,  # also a refund made in Stripe's dashboard
    "charge.dispute.created": PAYMENT_DISPUTED,
    "setup_intent.succeeded": SETUP_SUCCEEDED,  # a guarantee saved after 3-D Secure
    "setup_intent.setup_failed": SETUP_FAILED,
}
# Stripe retries a failed webhook for days; one older than this is a replay of a stale event.
WEBHOOK_TOLERANCE_SECONDS = 300
HTTP_TIMEOUT_SECONDS = 20  # below the Lambda timeout, so a slow Stripe ends in a clean 503


class StripeProvider(StripeLookups, PaymentProvider):
    name = "stripe"

    def __init__(
        self,
        *,
        api_key: str | None = None,
        webhook_secret: str | None = None,
        api_base: str | None = None,
    ):
        self.webhook_secret = webhook_secret or settings.STRIPE_WEBHOOK_SECRET
        api_base = api_base or settings.STRIPE_API_BASE
        self.client = stripe.StripeClient(
            api_key or settings.STRIPE_SECRET_KEY,
            base_addresses={"api": api_base} if api_base else None,
            max_network_retries=1,
            http_client=stripe.RequestsClient(timeout=HTTP_TIMEOUT_SECONDS),
        )

    # --- charging ---------------------------------------------------------------------------

    def create_and_confirm(
        self,
        *,
        amount: int,
        currency: str,
        payment_method: str,
        metadata: dict[str, str],
        idempotency_key: str,
        customer: str | None = None,
    ) -> ProviderResult:
        method = self._payment_method(payment_method)
        params = {
            "amount": amount,
            "currency": currency.lower(),
            "payment_method": method,
            "payment_method_types": ["card"],
            "confirm": True,
            "metadata": metadata,
            "expand": ["payment_method"],
        }
        if customer:
            params["customer"] = customer
        intent = self._intent_create(params, idempotency_key, "create a PaymentIntent")
        status = {"succeeded": SUCCEEDED, "requires_action": REQUIRES_ACTION}.get(
            intent.status, PROCESSING
        )
        if intent.status == "requires_payment_method":  # declined without raising
            raise _intent_declined(intent.last_payment_error, intent.id)
        return ProviderResult(
            status=status,
            intent_id=intent.id,
            client_secret=intent.client_secret if status == REQUIRES_ACTION else None,
            brand=_brand(intent.payment_method),
        )

    def charge_saved_card(
        self,
        *,
        customer: str,
        payment_method: str,
        amount: int,
        currency: str,
        metadata: dict[str, str],
        idempotency_key: str,
    ) -> ProviderResult:
        """Stripe's off-session charge: customer + payment_method + off_session + confirm.
        localstripe 1.15 takes the same parameters; where real Stripe raises a CardError
        `authentication_required` for a card that wants 3-D Secure, localstripe answers
        `requires_action`: that intent is cancelled and declined the same way."""
        params = {
            "amount": amount,
            "currency": currency.lower(),
            "customer": customer,
            "payment_method": payment_method,
            "payment_method_types": ["card"],
            "off_session": True,
            "confirm": True,
            "metadata": metadata,
            "expand": ["payment_method"],
        }
        intent = self._intent_create(params, idempotency_key, "charge a saved card")
        if intent.status == "requires_action":
            _cancel_intent(self.client.v1.payment_intents, intent.id, "PaymentIntent")
            raise PaymentDeclined(
                "The bank asks the cardholder to authenticate; charge the card at the desk.",
                intent_id=intent.id,
                reason="authentication_required",
                details={"declineCode": "authentication_required"},
            )
        if intent.status == "requires_payment_method":
            raise _intent_declined(intent.last_payment_error, intent.id)
        return ProviderResult(
            status=SUCCEEDED if intent.status == "succeeded" else PROCESSING,
            intent_id=intent.id,
            brand=_brand(intent.payment_method),
        )

    def _intent_create(self, params: dict, idempotency_key: str, doing: str):
        """Create (and confirm) a PaymentIntent; Stripe's errors as the provider's."""
        try:
            return self.client.v1.payment_intents.create(
                params=params, options={"idempotency_key": idempotency_key}
            )
        except stripe.CardError as exc:
            raise _card_declined(exc, intent_id=_error_intent_id(exc)) from exc
        except stripe.InvalidRequestError as exc:
            if _about_payment_method(exc):
                raise InvalidPaymentMethod() from exc
            raise _gateway_error(exc, doing) from exc
        except stripe.StripeError as exc:
            raise _gateway_error(exc, doing) from exc

    def _payment_method(self, value: str) -> str:
        """A PaymentIntent takes a PaymentMethod (pm_…) or a card (card_…); a Stripe.js token
        (tok_…) is turned into one first (localstripe's Stripe.js only makes tokens)."""
        if not value.startswith("tok_"):
            return value
        try:
            return self.client.v1.payment_methods.create(
                params={"type": "card", "card": {"token": value}}
            ).id
        except stripe.InvalidRequestError:
            pass  # localstripe cannot make a PaymentMethod from a token: use the token's card
        except stripe.StripeError as exc:
            raise _gateway_error(exc, "read a card token") from exc
        try:
            return self.client.v1.tokens.retrieve(value).card.id
        except stripe.InvalidRequestError as exc:
            raise InvalidPaymentMethod() from exc
        except stripe.StripeError as exc:
            raise _gateway_error(exc, "read a card token") from exc

    def make_reusable(
        self, *, payment_method: str, metadata: dict[str, str], idempotency_key: str
    ) -> ReusableCard:
        """A customer with the card attached: a token becomes a PaymentMethod first, then
        it is attached (a token or an unattached PaymentMethod serves only one charge).
        localstripe makes no PaymentMethod from a token: there the token's card is added
        to the customer as a source (a card_ id, which a PaymentIntent takes as well)."""
        try:
            customer = self.client.v1.customers.create(
                params={"metadata": metadata},
                options={"idempotency_key": f"{idempotency_key}:customer"},
            ).id
            method = payment_method
            if method.startswith("tok_"):
                try:
                    method = self.client.v1.payment_methods.create(
                        params={"type": "card", "card": {"token": method}},
                        options={"idempotency_key": f"{idempotency_key}:method"},
                    ).id
                except stripe.InvalidRequestError:  # localstripe: the token as a source
                    card = self.client.v1.customers.payment_sources.create(
                        customer,
                        params={"source": method},
                        options={"idempotency_key": f"{idempotency_key}:source"},
                    )
                    return ReusableCard(customer=customer, payment_method=card.id)
            self.client.v1.payment_methods.attach(
                method,
                params={"customer": customer},
                options={"idempotency_key": f"{idempotency_key}:attach"},
            )
        except stripe.CardError as exc:
            raise _card_declined(exc) from exc
        except stripe.InvalidRequestError as exc:
            if _about_payment_method(exc) or payment_method.startswith("tok_"):
                raise InvalidPaymentMethod() from exc
            raise _gateway_error(exc, "attach a card to a customer") from exc
        except stripe.StripeError as exc:
            raise _gateway_error(exc, "attach a card to a customer") from exc
        return ReusableCard(customer=customer, payment_method=method)

    # --- a card kept as a guarantee ---------------------------------------------------------

    def create_and_confirm_setup(
        self,
        *,
        payment_method: str,
        metadata: dict[str, str],
        idempotency_key: str,
        customer: str | None = None,
    ) -> ProviderResult:
        """A customer (so the card can be charged off-session later; `customer` when the
        card is already attached to one) and a SetupIntent confirmed with the card, in
        calls localstripe accepts too (it takes no `confirm=True` at creation: the confirm
        is its own call)."""
        method = self._payment_method(payment_method)
        try:
            customer = customer or (
                self.client.v1.customers.create(
                    params={"metadata": metadata},
                    options={"idempotency_key": f"{idempotency_key}:customer"},
                ).id
            )
            intent = self.client.v1.setup_intents.create(
                params={
                    "customer": customer,
                    "usage": "off_session",
                    "payment_method_types": ["card"],
                    "metadata": metadata,
                },
                options={"idempotency_key": f"{idempotency_key}:setup"},
            )
            intent = self.client.v1.setup_intents.confirm(
                intent.id,
                params={"payment_method": method},
                options={"idempotency_key": f"{idempotency_key}:confirm"},
            )
        except stripe.CardError as exc:
            raise _card_declined(exc) from exc
        except stripe.InvalidRequestError as exc:
            if _about_payment_method(exc):
                raise InvalidPaymentMethod() from exc
            raise _gateway_error(exc, "confirm a SetupIntent") from exc
        except stripe.StripeError as exc:
            raise _gateway_error(exc, "confirm a SetupIntent") from exc
        if intent.status in ("requires_payment_method", "canceled"):
            raise _intent_declined(intent.last_setup_error, intent.id)
        return self._setup_result(intent, customer=customer)

    def setup_status(self, *, intent_id: str) -> ProviderResult:
        try:
            intent = self.client.v1.setup_intents.retrieve(intent_id)
        except stripe.StripeError as exc:
            raise _gateway_error(exc, "read a SetupIntent") from exc
        return self._setup_result(intent, customer=getattr(intent, "customer", None))

    def cancel_setup(self, *, intent_id: str) -> bool:
        return _cancel_intent(self.client.v1.setup_intents, intent_id, "SetupIntent")

    def _setup_result(self, intent, *, customer) -> ProviderResult:
        status = {
            "succeeded": SUCCEEDED,
            "requires_action": REQUIRES_ACTION,
            "requires_payment_method": FAILED,
            "canceled": FAILED,
        }.get(intent.status, PROCESSING)
        method = intent.payment_method if isinstance(intent.payment_method, str) else None
        return ProviderResult(
            status=status,
            intent_id=intent.id,
            client_secret=intent.client_secret if status == REQUIRES_ACTION else None,
            brand=self._method_brand(method) if status == SUCCEEDED else None,
            payment_method=method,
            customer=customer if isinstance(customer, str) else None,
        )

    def _method_brand(self, method_id: str | None) -> str | None:
        """The saved card's brand only. Best effort: the guarantee is saved either way."""
        if not method_id:
            return None
        try:
            return _brand(self.client.v1.payment_methods.retrieve(method_id))
        except stripe.StripeError:
            logger.warning("Could not read the brand of %s", method_id)
            return None

    # --- refunds ----------------------------------------------------------------------------

    def refund(self, *, intent_id: str, amount: int, idempotency_key: str) -> RefundResult:
        try:
            refund = self.client.v1.refunds.create(
                params={"payment_intent": intent_id, "amount": amount},
                options={"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as exc:
            raise _gateway_error(exc, "refund a payment") from exc
        return RefundResult(
            refund_id=refund.id,
            amount=refund.amount,
            status="succeeded" if refund.status == "succeeded" else "pending",
        )

    def refunds(self, *, intent_id: str) -> list[RefundResult]:
        return intent_refunds(self.client, intent_id)

    # --- cancelling an attempt that has not succeeded ---------------------------------------

    def cancel(self, *, intent_id: str) -> bool:
        return _cancel_intent(self.client.v1.payment_intents, intent_id, "PaymentIntent")

    # --- webhooks ---------------------------------------------------------------------------

    def parse_webhook(self, *, payload: bytes, signature: str | None) -> WebhookEvent:
        try:
            stripe.WebhookSignature.verify_header(
                payload, signature, self.webhook_secret, WEBHOOK_TOLERANCE_SECONDS
            )
            refuse_future(signature, WEBHOOK_TOLERANCE_SECONDS)
            event = json.loads(payload)
        except (stripe.SignatureVerificationError, ValueError) as exc:
            raise InvalidWebhook() from exc
        if not isinstance(event, dict) or not isinstance(event.get("id"), str):
            raise InvalidWebhook("The webhook body is not a Stripe event.")
        kind = EVENT_TYPES.get(event.get("type"), str(event.get("type")))
        obj = (event.get("data") or {}).get("object") or {}
        if kind == PAYMENT_REFUNDED:
            return charge_refunded_event(event["id"], obj)
        if kind == PAYMENT_DISPUTED:
            return dispute_created_event(event["id"], obj)
        if kind in (SETUP_SUCCEEDED, SETUP_FAILED):
            return setup_event(event["id"], kind, obj)
        if kind not in (PAYMENT_SUCCEEDED, PAYMENT_FAILED):
            return WebhookEvent(id=event["id"], type=kind)
        if not isinstance(obj, dict) or not isinstance(obj.get("id"), str):
            raise InvalidWebhook("The event carries no PaymentIntent.")
        error = obj.get("last_payment_error") or {}
        metadata = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
        amount = obj.get("amount")
        return WebhookEvent(
            id=event["id"],
            type=kind,
            intent_id=obj["id"],
            amount=amount if isinstance(amount, int) and not isinstance(amount, bool) else None,
            currency=str(obj.get("currency") or "").upper() or None,
            metadata={str(k): str(v) for k, v in metadata.items()},
            message=error.get("message") if isinstance(error, dict) else None,
            reason=decline_reason(error) if isinstance(error, dict) else None,
        )

    def payment_metadata(self, *, intent_id: str) -> dict[str, str]:
        try:
            intent = self.client.v1.payment_intents.retrieve(intent_id)
        except stripe.InvalidRequestError as exc:
            if exc.http_status == 404:
                return {}  # not a payment of this account: nothing of ours
            raise _gateway_error(exc, "read a PaymentIntent") from exc
        except stripe.StripeError as exc:
            raise _gateway_error(exc, "read a PaymentIntent") from exc
        metadata = intent.metadata.to_dict() if intent.metadata else {}
        return {str(k): str(v) for k, v in metadata.items()}
