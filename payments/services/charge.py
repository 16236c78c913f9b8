"""Charge a booking: check it, open a payment attempt, ask the provider, settle its answer.

The flow of a payment (pretix's habit: write what you are about to do, then do it):

1. Check the booking (pending, hold live) and the amount against what its payment terms
   take now (bookings.booking_terms.booking_due_now: the whole price, a deposit, or 0 for
   at_hotel terms); nothing is written or charged when they do not match.
2. Write a pending Payment together with a claim on the attempt number (a conditional put:
   two concurrent attempts for one booking cannot both charge).
3. Ask the provider with an idempotency key made of booking and attempt number.
4. Settle (settlement.py): on success the payment becomes completed and the booking
   confirmed in one DynamoDB transaction; when the booking cannot be confirmed any more the
   money is refunded automatically.

A booking whose terms take nothing now (at_hotel) is "paid" with a guarantee instead: the
same flow saves the card with a SetupIntent and records a payment of 0 (guarantee.py).

Money is an int of minor units everywhere. Card data never reaches this module: only
the provider's ids and the card brand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from pynamodb.transactions import TransactWrite

from bookings.booking_terms import booking_due_now, booking_payment_terms
from bookings.clock import hotel_today
from bookings.exceptions import HoldExpired, PriceChanged
from bookings.holds import hold_extension
from bookings.lifecycle import hold_is_live
from bookings.models import PENDING as BOOKING_PENDING
from bookings.models import Booking
from bookings.selectors import booking_get
from bookings.services import new_reference
from hotel.audit.services import audit_add
from hotel.dynamo import condition_failed_as, transact
from hotel.idempotency import KEY_TTL, IdempotencyKey

from ..exceptions import (
    AmountMismatch,
    BookingNotPayable,
    InvalidPaymentMethod,
    PaymentDeclined,
    PaymentGatewayError,
    PaymentInProgress,
)
from ..models import CHARGE, GUARANTEE, PENDING, REQUIRES_ACTION, Payment
from ..providers import get_provider
from ..providers.base import SUCCEEDED
from ..selectors import payments_for_booking
from .guarantee import guarantee_confirm
from .settlement import mark_open, payment_settle_failure, payment_settle_success
from .shared import OBJECT_TYPE, is_money, payment_save, payment_snapshot, reload

# A pending payment younger than this is in flight and blocks a second attempt; an older one
# was orphaned (the process died mid-call) and no longer does.
IN_FLIGHT = timedelta(minutes=2)


TERMS_WORDS = {
    "deposit": "a deposit now, the rest at check-in.",
    "at_hotel": "nothing now; send amount 0 (or none) to keep the card as the guarantee.",
}


def new_transaction_id(now: datetime) -> str:
    return new_reference("TXN", hotel_today(now))


@dataclass(frozen=True)
class PaymentAttempt:
    payment: Payment
    client_secret: str | None = None  # only while 3-D Secure waits for the guest


def payment_create(
    *,
    booking_id: str,
    amount: int | None,
    currency: str,
    payment_method_id: str,
    actor: str,
    now: datetime,
    request_id: str | None = None,
    customer: str | None = None,
    also: Callable[[TransactWrite, Payment], None] | None = None,
) -> PaymentAttempt:
    """Pay what a pending booking's terms take now and confirm it.

    `also(tx, payment)` adds the caller's writes to the transaction that opens the payment
    (an Idempotency-Key's mark, hotel.idempotency).

    `customer`: the provider's customer `payment_method_id` is attached to, when one card
    pays several stays (reservation_pay); a bare token or PaymentMethod serves one charge.

    `amount` must be the booking's due-now amount (booking_due_now). When that is 0 (at_hotel
    terms) `amount` is 0 or None and the card is saved as a guarantee instead of charged
    (guarantee.guarantee_confirm). Returns the attempt: payment completed (booking
    confirmed), requires_action (with the client secret for 3-D Secure) or pending (the
    provider answers by webhook).
    Raises BookingNotFound, BookingNotPayable, HoldExpired (before charging, or after an
    automatic refund), AmountMismatch, PaymentInProgress, PaymentDeclined,
    InvalidPaymentMethod, PaymentGatewayError.
    """
    booking = _payable_booking(booking_id, now=now)
    due = booking_due_now(booking)
    if amount is None and due == 0:
        amount = 0
    if not is_money(amount) or amount != due or ((currency or "").upper() != booking.currency):
        raise amount_mismatch(
            booking, f"Booking {booking_id} takes {due} {booking.currency} (minor units) now."
        )
    payment = _payment_open(
        booking,
        amount=due,
        actor=actor,
        now=now,
        request_id=request_id,
        extend_hold=True,
        also=also,
    )
    if payment.is_guarantee:
        payment, secret = guarantee_confirm(
            payment,
            payment_method_id=payment_method_id,
            key=_attempt_key(booking.bookingId, payment.attempt),
            customer=customer,
            actor=actor,
            now=now,
            request_id=request_id,
        )
        return PaymentAttempt(payment=payment, client_secret=secret)
    provider = get_provider()
    try:
        result = provider.create_and_confirm(
            amount=payment.amount,
            currency=payment.currency,
            payment_method=payment_method_id,
            metadata={"bookingId": booking.bookingId, "transactionId": payment.transactionId},
            idempotency_key=_attempt_key(booking.bookingId, payment.attempt),
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
        payment = reload(payment)  # The webhook settled it meanwhile.
    return PaymentAttempt(
        payment=payment,
        client_secret=result.client_secret if payment.status == REQUIRES_ACTION else None,
    )


def amount_mismatch(booking: Booking, message: str) -> AmountMismatch:
    """AmountMismatch whose `expected` is what the booking's terms take now (the message
    names the terms)."""
    terms = booking_payment_terms(booking)
    if terms != "prepay":
        message = f"{message} Its payment terms are {terms}: {TERMS_WORDS[terms]}"
    return AmountMismatch(
        message,
        details={"expected": {"amount": booking_due_now(booking), "currency": booking.currency}},
    )


def _payable_booking(booking_id: str, *, now: datetime) -> Booking:
    booking = booking_get(booking_id=booking_id, consistent=True)
    if booking.status != BOOKING_PENDING:
        raise BookingNotPayable(
            f"Booking {booking_id} is {booking.status}; only a pending booking can be paid.",
            details={"status": booking.status},
        )
    if not hold_is_live(booking, now):
        raise HoldExpired(f"The hold on {booking_id} has expired; please book again.")
    return booking


def _attempt_key(booking_id: str, attempt: int) -> str:
    return f"payments.attempt:{booking_id}:{attempt}"


def _payment_open(
    booking: Booking,
    *,
    amount: int | None = None,
    actor: str,
    now: datetime,
    request_id,
    extend_hold: bool = False,
    retry: bool = True,
    also: Callable[[TransactWrite, Payment], None] | None = None,
) -> Payment:
    """Write the pending payment of `amount` (default: what the booking takes now; a
    guarantee when it is 0) and claim its attempt number in one transaction; with
    `extend_hold`, the booking's hold is extended in it too, so that it outlasts the payment
    (bookings.holds.hold_extension). Raises HoldExpired if the hold has ended.

    A race lost while extending the hold (its nights moved meanwhile) is tried once more
    from a fresh read, if the booking still costs what it did (else PriceChanged); a race
    lost to another attempt then shows as that attempt in flight."""
    amount = booking_due_now(booking) if amount is None else amount
    extension = hold_extension(booking, now=now) if extend_hold else None
    earlier = payments_for_booking(booking_id=booking.bookingId)
    in_flight = [p for p in earlier if p.status == PENDING and p.createdAt > now - IN_FLIGHT]
    if in_flight:
        raise PaymentInProgress(details={"transactionId": in_flight[-1].transactionId})
    attempt = max((p.attempt for p in earlier), default=0) + 1
    payment = Payment(
        transactionId=new_transaction_id(now),
        bookingId=booking.bookingId,
        attempt=attempt,
        amount=amount,
        currency=booking.currency,
        kind=GUARANTEE if amount == 0 else CHARGE,
        status=PENDING,
        provider=get_provider().name,
        refundedAmount=0,
        refunds=[],
        createdBy=actor,
        createdAt=now,
        updatedAt=now,
    )
    claim = IdempotencyKey(
        key=_attempt_key(booking.bookingId, attempt),
        fingerprint=payment.transactionId,
        createdAt=now,
        expiresAt=now + KEY_TTL,
    )
    after = payment_snapshot(payment)

    def build(tx):
        tx.save(claim, condition=IdempotencyKey.key.does_not_exist())
        tx.save(payment, condition=Payment.transactionId.does_not_exist())
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
        mark_open(tx, booking, payment, extension)  # pending at this price, or nothing
        if also is not None:
            also(tx, payment)

    def lost_race() -> PaymentInProgress:
        """Why the booking cannot be paid now (raised), else: another attempt took this
        number first."""
        _payable_booking_at(booking.bookingId, amount=payment.amount, now=now)
        return PaymentInProgress()

    try:
        with condition_failed_as(lost_race):
            transact(build)
    except PaymentInProgress:
        if extension is None or not retry:
            raise
        fresh = _payable_booking(booking.bookingId, now=now)
        if (fresh.totalPrice, fresh.currency) != (booking.totalPrice, booking.currency):
            raise PriceChanged(  # what the guest was shown is not what it costs now
                f"Booking {booking.bookingId} was re-priced meanwhile; nothing was charged.",
                details={"totalPrice": fresh.totalPrice, "currency": fresh.currency},
            ) from None
        return _payment_open(
            fresh,
            amount=amount,
            actor=actor,
            now=now,
            request_id=request_id,
            extend_hold=True,
            retry=False,
            also=also,
        )
    return payment


def _payable_booking_at(booking_id: str, *, amount: int, now: datetime) -> None:
    """After a lost race: raise why the booking cannot be paid `amount` now, if it cannot."""
    booking = _payable_booking(booking_id, now=now)
    if booking_due_now(booking) != amount:
        raise amount_mismatch(
            booking,
            f"Booking {booking_id} now takes {booking_due_now(booking)} {booking.currency} "
            "(minor units); nothing was charged.",
        )
