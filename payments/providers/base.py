"""The payment provider interface (pretix's documented provider base class, made small).

A provider charges a payment method once, saves one as a guarantee (a SetupIntent: nothing
charged), refunds, and turns a signed webhook into a provider-neutral event. Everything
else (which booking, what amount, what the status means for the hotel) belongs to
payments.services. Every implementation must pass tests/payments/test_provider_contract.py.

Errors: `PaymentDeclined` when the card or bank says no (expected),
`InvalidPaymentMethod` when the payment method id is unusable (a client mistake),
`PaymentGatewayError` / `PaymentGatewayUnavailable` for everything unexpected (the
provider logs those with a traceback), `InvalidWebhook` for a bad signature or body.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# ProviderResult.status values
SUCCEEDED = "succeeded"
REQUIRES_ACTION = "requires_action"
PROCESSING = "processing"
FAILED = "failed"  # setup_status only: the guarantee can never succeed any more

# WebhookEvent.type values the hotel acts on
PAYMENT_SUCCEEDED = "payment.succeeded"
PAYMENT_FAILED = "payment.failed"
PAYMENT_REFUNDED = "payment.refunded"  # refunded at the provider (e.g. in its dashboard)
PAYMENT_DISPUTED = "payment.disputed"  # the cardholder opened a dispute (chargeback)
SETUP_SUCCEEDED = "setup.succeeded"  # a card guarantee was saved (after 3-D Secure)
SETUP_FAILED = "setup.failed"


@dataclass(frozen=True)
class ProviderResult:
    """The outcome of `create_and_confirm` (or `create_and_confirm_setup`) when the provider
    did not refuse the payment.

    status: SUCCEEDED (money taken, or the card saved), REQUIRES_ACTION (the guest must
    authenticate with `client_secret` in the browser; the webhook tells the end),
    PROCESSING (the provider will tell by webhook). brand: the card brand or method type
    only (e.g. "visa"). A setup also names the saved `payment_method` and its `customer`
    (provider ids, never card data).
    """

    status: str
    intent_id: str
    client_secret: str | None = None
    brand: str | None = None
    message: str | None = None
    payment_method: str | None = None
    customer: str | None = None


@dataclass(frozen=True)
class RefundResult:
    refund_id: str
    amount: int
    status: str  # "succeeded" or "pending" (the provider will finish it)


@dataclass(frozen=True)
class WebhookEvent:
    """A verified provider event. `type` is PAYMENT_SUCCEEDED / PAYMENT_FAILED /
    PAYMENT_REFUNDED / PAYMENT_DISPUTED for the events the hotel acts on, else the
    provider's own type (ignored). `amount_refunded`: the provider's running total of
    what was refunded (PAYMENT_REFUNDED); `dispute`: {"id", "amount", "reason",
    "status"} (PAYMENT_DISPUTED)."""

    id: str
    type: str
    intent_id: str | None = None
    amount: int | None = None
    currency: str | None = None
    metadata: dict = field(default_factory=dict)
    message: str | None = None
    reason: str | None = None  # a failure's decline code ("insufficient_funds"…), if given
    amount_refunded: int | None = None
    dispute: dict | None = None


@dataclass(frozen=True)
class IntentState:
    """Where a charge stands at the provider (for reconciling what the hotel recorded):
    status SUCCEEDED (the money was taken), REQUIRES_ACTION, PROCESSING or FAILED (it can
    never take money any more: declined, cancelled); the hotel's `metadata`."""

    intent_id: str
    status: str
    amount: int
    currency: str
    metadata: dict = field(default_factory=dict)
    brand: str | None = None
    message: str | None = None
    reason: str | None = None  # a failure's decline code, if the provider gave one


@dataclass(frozen=True)
class ReusableCard:
    """A card made reusable for several charges: a customer and the payment method (a
    PaymentMethod or card id) attached to it. Ids only, never card data."""

    customer: str
    payment_method: str


class PaymentProvider:
    """Base class: subclass it and point HOTEL_PAYMENT_PROVIDER at the subclass."""

    name = "base"

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
        """Charge `amount` minor units of `currency` to `payment_method` at once.

        `idempotency_key` makes a retry of the same attempt return the first outcome
        instead of charging twice. `customer`: the one `payment_method` is attached to
        (from `make_reusable`). Raises PaymentDeclined, InvalidPaymentMethod,
        PaymentGatewayError.
        """
        raise NotImplementedError

    def make_reusable(
        self, *, payment_method: str, metadata: dict[str, str], idempotency_key: str
    ) -> ReusableCard:
        """Attach the card the guest gave (a token or an unattached PaymentMethod, usable
        only once at the provider) to a new customer, so several charges can use it.
        Raises PaymentDeclined, InvalidPaymentMethod, PaymentGatewayError."""
        raise NotImplementedError

    def create_and_confirm_setup(
        self,
        *,
        payment_method: str,
        metadata: dict[str, str],
        idempotency_key: str,
        customer: str | None = None,
    ) -> ProviderResult:
        """Save `payment_method` as a guarantee to charge later off-session, taking nothing.
        `customer`: the one it is already attached to (else a new customer is made).

        The result's status is SUCCEEDED (saved), REQUIRES_ACTION (3-D Secure with
        `client_secret`; `setup_status` or the webhook tells the end) or PROCESSING.
        Raises PaymentDeclined, InvalidPaymentMethod, PaymentGatewayError.
        """
        raise NotImplementedError

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
        """Charge a card saved as a guarantee (`customer`, `payment_method` from
        `create_and_confirm_setup`) off-session: the guest is not there, so a bank that asks
        for 3-D Secure is a decline (code "authentication_required"), never REQUIRES_ACTION.
        Status SUCCEEDED or PROCESSING. Raises PaymentDeclined, InvalidPaymentMethod,
        PaymentGatewayError.
        """
        raise NotImplementedError

    def setup_status(self, *, intent_id: str) -> ProviderResult:
        """Where a guarantee stands now (after the guest's 3-D Secure): SUCCEEDED,
        REQUIRES_ACTION, PROCESSING, or "failed" (it can never succeed any more).
        Raises PaymentGatewayError."""
        raise NotImplementedError

    def cancel_setup(self, *, intent_id: str) -> bool:
        """Cancel a guarantee that has not succeeded; as `cancel`. Raises
        PaymentGatewayError."""
        raise NotImplementedError

    def refund(self, *, intent_id: str, amount: int, idempotency_key: str) -> RefundResult:
        """Give back `amount` minor units of a succeeded payment. Raises PaymentGatewayError."""
        raise NotImplementedError

    def refunds(self, *, intent_id: str) -> list[RefundResult]:
        """The refunds of a payment that count (succeeded or pending), oldest first,
        wherever they were made (ours, the provider's dashboard); none while the payment has
        not succeeded. Raises PaymentGatewayError."""
        raise NotImplementedError

    def cancel(self, *, intent_id: str) -> bool:
        """Cancel a payment that has not succeeded (e.g. one waiting for 3-D Secure), so it
        can never take money. True if it is cancelled now (or was already); False if it
        cannot be any more (it succeeded or is processing). Raises PaymentGatewayError."""
        raise NotImplementedError

    def parse_webhook(self, *, payload: bytes, signature: str | None) -> WebhookEvent:
        """Verify the signature of a webhook body and parse it. Raises InvalidWebhook."""
        raise NotImplementedError

    def payment_state(self, *, intent_id: str) -> IntentState | None:
        """Where the charge `intent_id` stands now; None if the provider does not know it.
        Raises PaymentGatewayError."""
        raise NotImplementedError

    def payment_find(self, *, transaction_id: str, created_at: datetime) -> IntentState | None:
        """The charge made for the hotel's `transaction_id` (in its metadata) around
        `created_at`, when the hotel never learned its id (the process died while asking):
        a succeeded one first; None if there is none. Raises PaymentGatewayError."""
        raise NotImplementedError

    def payment_metadata(self, *, intent_id: str) -> dict[str, str]:
        """The metadata the hotel attached to a payment (for events that do not carry it,
        such as disputes). Raises PaymentGatewayError."""
        raise NotImplementedError
