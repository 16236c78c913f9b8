"""Take money onto the bill of a booking that is already confirmed or in house: open a
Payment with a purpose (Payment.purpose), ask the provider, settle its answer
(on_bill.payment_settle_on_bill through settlement.payment_settle_success).

Unlike the booking's own payment (charge.py) the booking is not marked (openPayments) and
its price is not a condition: the amount is what the bill says now, and a bill that moved
meanwhile shows the payment against the new balance (a credit is refunded, a debt stays
owed), which is what a desk does with a guest's card too. The attempt number is claimed in
the payment's own transaction as in charge.py, so the provider's idempotency key is unique
per attempt; a caller may add a claim of its own (`claim_key`: e.g. one no-show charge per
booking, ever).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from pynamodb.transactions import TransactWrite

from bookings.models import Booking
from hotel.audit.services import audit_add
from hotel.dynamo import condition_failed_as, transact
from hotel.idempotency import KEY_TTL, IdempotencyKey

from ..exceptions import (
    InvalidPaymentMethod,
    PaymentDeclined,
    PaymentGatewayError,
    PaymentInProgress,
)
from ..models import CHARGE, PENDING, REQUIRES_ACTION, Payment
from ..providers import get_provider
from ..providers.base import SUCCEEDED, ProviderResult
from ..selectors import payments_for_booking
from .charge import IN_FLIGHT, PaymentAttempt, new_transaction_id
from .settlement import is_abandoned, payment_settle_failure, payment_settle_success
from .shared import OBJECT_TYPE, payment_save, payment_snapshot, reload

# A claim made by the caller (claim_key) outlives any retry of the event that caused it.
CLAIM_TTL = timedelta(days=400)


class AlreadyCharged(PaymentInProgress):
    code = "ALREADY_CHARGED"
    default_message = "This charge was made already."


def on_bill_open(
    booking: Booking,
    *,
    amount: int,
    purpose: str,
    actor: str,
    now: datetime,
    request_id: str | None = None,
    claim_key: str | None = None,
    also: Callable[[TransactWrite, Payment], None] | None = None,
) -> Payment:
    """Write the pending payment of `amount` for `purpose` with its attempt claim (and
    `claim_key`'s, if given; `also(tx, payment)`'s writes) in one transaction. Raises
    PaymentInProgress (another attempt is in flight or took the number, or one whose request
    died cannot be settled yet), AlreadyCharged (`claim_key` was taken, or a payment whose
    request died was found taken at the provider: the bill moved)."""
    earlier = payments_for_booking(booking_id=booking.bookingId)
    if _settle_unanswered(earlier, now=now):
        earlier = payments_for_booking(booking_id=booking.bookingId)
    # In flight: just opened, or waiting for the guest's 3-D Secure (until abandoned) — a
    # second payment of the same balance meanwhile would take it twice.
    in_flight = [
        p
        for p in earlier
        if (p.status == PENDING and p.createdAt > now - IN_FLIGHT)
        or (p.status == REQUIRES_ACTION and not is_abandoned(p, now=now))
    ]
    if in_flight:
        raise PaymentInProgress(details={"transactionId": in_flight[-1].transactionId})
    attempt = max((p.attempt for p in earlier), default=0) + 1
    payment = Payment(
        transactionId=new_transaction_id(now),
        bookingId=booking.bookingId,
        attempt=attempt,
        amount=amount,
        currency=booking.currency,
        kind=CHARGE,
        purpose=purpose,
        status=PENDING,
        provider=get_provider().name,
        refundedAmount=0,
        refunds=[],
        createdBy=actor,
        createdAt=now,
        updatedAt=now,
    )
    claims = [
        IdempotencyKey(
            key=attempt_key(booking.bookingId, attempt),
            fingerprint=payment.transactionId,
            createdAt=now,
            expiresAt=now + KEY_TTL,
        )
    ]
    if claim_key:
        claims.append(
            IdempotencyKey(
                key=claim_key,
                fingerprint=payment.transactionId,
                createdAt=now,
                expiresAt=now + CLAIM_TTL,
            )
        )
    after = payment_snapshot(payment)

    def build(tx):
        for claim in claims:
            tx.save(claim, condition=IdempotencyKey.key.does_not_exist())
        tx.save(payment, condition=Payment.transactionId.does_not_exist())
        if also is not None:
            also(tx, payment)
        audit_add(
            tx,
            actor=actor,
            action="create",
            object_type=OBJECT_TYPE,
            object_id=payment.transactionId,
            before=None,
            after=after,
            now=now,
            request_id=request_id,
        )

    def lost_race() -> PaymentInProgress:
        if claim_key and _claimed(claim_key):
            return AlreadyCharged(details={"claim": claim_key})
        return PaymentInProgress()

    with condition_failed_as(lost_race):
        transact(build)
    return payment


def _settle_unanswered(earlier: list[Payment], *, now: datetime) -> bool:
    """Ask the provider about this bill's payments left pending past IN_FLIGHT (their request
    died between the charge and its record, or before asking) before another is opened: a
    second charge of the same balance meanwhile would take it twice. True if one settled.
    Raises AlreadyCharged (one was taken: the balance moved), PaymentInProgress (the
    provider cannot say yet)."""
    from .reconcile import (  # reconcile settles through modules that import this one
        COMPLETED_NOW,
        FAILED_NOW,
        REFUNDED_NOW,
        RELEASED,
        SETTLED,
        UNSENT,
        payment_reconcile,
    )

    settled = False
    for stale in [p for p in earlier if p.status == PENDING and p.createdAt <= now - IN_FLIGHT]:
        try:
            outcome = payment_reconcile(stale, now=now)
        except PaymentGatewayError as exc:
            raise PaymentInProgress(details={"transactionId": stale.transactionId}) from exc
        if outcome == COMPLETED_NOW:
            raise AlreadyCharged(
                "A payment of this bill whose request stopped before answering was taken at "
                "the provider; it is on the bill now. Read the bill again.",
                details={"transactionId": stale.transactionId},
            )
        if outcome not in (UNSENT, SETTLED, FAILED_NOW, REFUNDED_NOW, RELEASED):
            raise PaymentInProgress(details={"transactionId": stale.transactionId})
        settled = True
    return settled


def _claimed(key: str) -> bool:
    try:
        IdempotencyKey.get(key, consistent_read=True)
    except IdempotencyKey.DoesNotExist:
        return False
    return True


def attempt_key(booking_id: str, attempt: int) -> str:
    """The same key charge.py claims: one attempt number per booking, whatever it is for."""
    return f"payments.attempt:{booking_id}:{attempt}"


def on_bill_charge(
    payment: Payment,
    *,
    ask: Callable[[str], ProviderResult],
    actor: str,
    now: datetime,
    request_id: str | None = None,
) -> PaymentAttempt:
    """Ask the provider (`ask(idempotency_key)`) for an opened payment and settle the answer.

    Returns the attempt: completed, requires_action (3-D Secure, with the client secret; the
    webhook settles it) or pending. Raises PaymentDeclined, InvalidPaymentMethod,
    PaymentGatewayError (the payment is marked failed first).
    """
    try:
        result = ask(attempt_key(payment.bookingId, payment.attempt))
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
    if result.status == SUCCEEDED:
        payment = payment_settle_success(
            transaction_id=payment.transactionId,
            intent_id=result.intent_id,
            brand=result.brand,
            actor=actor,
            now=now,
            request_id=request_id,
        )
        return PaymentAttempt(payment=payment)
    before = payment_snapshot(payment)
    payment.status = REQUIRES_ACTION if result.status == REQUIRES_ACTION else PENDING
    payment.stripePaymentIntentId = result.intent_id
    payment.paymentMethod = result.brand
    payment.updatedAt = now
    if not payment_save(
        payment,
        action=f"status:{payment.status}",
        before=before,
        actor=actor,
        now=now,
        request_id=request_id,
        condition=Payment.status == PENDING,
    ):
        payment = reload(payment)  # the webhook settled it meanwhile
    return PaymentAttempt(
        payment=payment,
        client_secret=result.client_secret if payment.status == REQUIRES_ACTION else None,
    )
