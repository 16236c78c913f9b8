"""A card kept as a booking's guarantee (at_hotel payment terms): nothing is charged now.

The guest "pays" an at_hotel booking through the same flow as any other (the payment
endpoint, the guest's pay page): charge.payment_create opens a payment of amount 0 with
kind GUARANTEE, and this module saves the card with a SetupIntent (the provider's
`create_and_confirm_setup`) instead of charging it. Success settles exactly as a charge
does (settlement.payment_settle_success): the payment completes and the booking is
confirmed in one transaction. The payment stores the SetupIntent, payment method and
customer ids only, never card data.

3-D Secure: a SetupIntent may ask for it too. The attempt is then requires_action with
the SetupIntent's client secret for Stripe.js `confirmCardSetup`; the end comes from
`guarantee_refresh` (asked by the pay page's status poll and by the provider's
setup_intent webhook), which reads the SetupIntent back from the provider.

Nothing is ever refunded for a guarantee (amount 0). Charging the card later (a no-show
fee, the stay at check-out) is the folio's job: payments.no_show records the fee due.
"""

from __future__ import annotations

from datetime import datetime

from ..exceptions import InvalidPaymentMethod, PaymentDeclined, PaymentGatewayError
from ..models import OPEN_STATUSES, PENDING, REQUIRES_ACTION, Payment
from ..providers import get_provider
from ..providers.base import FAILED, SUCCEEDED, ProviderResult
from ..selectors import payment_get
from .settlement import payment_settle_failure, payment_settle_success, set_provider_ids
from .shared import payment_save, payment_snapshot, reload


def guarantee_confirm(
    payment: Payment,
    *,
    payment_method_id: str,
    key: str,
    customer: str | None = None,
    actor: str,
    now: datetime,
    request_id: str | None = None,
) -> tuple[Payment, str | None]:
    """Save the card of an opened guarantee payment and settle the provider's answer.

    `customer`: the one the card is already attached to (several stays paid with one
    card), else the provider makes one. Returns the payment and, while 3-D Secure waits
    for the guest, the SetupIntent's client secret. Raises PaymentDeclined, InvalidPaymentMethod,
    PaymentGatewayError (the attempt is marked failed first), and what
    payment_settle_success raises.
    """
    try:
        result = get_provider().create_and_confirm_setup(
            payment_method=payment_method_id,
            metadata={"bookingId": payment.bookingId, "transactionId": payment.transactionId},
            idempotency_key=key,
            customer=customer,
        )
    except (PaymentDeclined, InvalidPaymentMethod, PaymentGatewayError) as exc:
        payment_settle_failure(
            payment,
            message=exc.message,
            intent_id=getattr(exc, "intent_id", None),
            reason=getattr(exc, "reason", None),
            actor=actor,
            now=now,
            request_id=request_id,
        )
        raise
    payment = _settle(payment, result, actor=actor, now=now, request_id=request_id)
    return payment, (result.client_secret if payment.status == REQUIRES_ACTION else None)


def guarantee_refresh(
    *, transaction_id: str, actor: str, now: datetime, request_id: str | None = None
) -> Payment:
    """Settle an open guarantee from the provider's state of its SetupIntent (after the
    guest's 3-D Secure). Anything else is returned as it is. Raises PaymentGatewayError and
    what payment_settle_success raises (the booking could not be confirmed)."""
    payment = payment_get(transaction_id=transaction_id, consistent=True)
    if not payment.is_guarantee or payment.status not in OPEN_STATUSES:
        return payment
    if not payment.stripeSetupIntentId:
        return payment  # still in flight: the synchronous answer will settle it
    result = get_provider().setup_status(intent_id=payment.stripeSetupIntentId)
    return _settle(payment, result, actor=actor, now=now, request_id=request_id)


def _settle(payment: Payment, result: ProviderResult, *, actor, now, request_id) -> Payment:
    if result.status == SUCCEEDED:
        return payment_settle_success(
            transaction_id=payment.transactionId,
            intent_id=result.intent_id,
            brand=result.brand,
            actor=actor,
            now=now,
            request_id=request_id,
            payment_method=result.payment_method,
            customer=result.customer,
        )
    if result.status == FAILED:
        return payment_settle_failure(
            payment,
            message="Your bank did not confirm the card.",
            intent_id=result.intent_id,
            actor=actor,
            now=now,
            request_id=request_id,
        )
    status = REQUIRES_ACTION if result.status == REQUIRES_ACTION else PENDING
    if payment.status == status and payment.stripeSetupIntentId == result.intent_id:
        return payment
    before = payment_snapshot(payment)
    payment.status = status
    set_provider_ids(
        payment, result.intent_id, payment_method=result.payment_method, customer=result.customer
    )
    payment.updatedAt = now
    if not payment_save(
        payment,
        action=f"status:{status}",
        before=before,
        actor=actor,
        now=now,
        request_id=request_id,
        condition=Payment.status.is_in(PENDING, REQUIRES_ACTION),
    ):
        payment = reload(payment)  # settled meanwhile
    return payment
