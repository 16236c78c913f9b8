"""Charge the card kept as the booking's guarantee (at_hotel terms: a SetupIntent saved it;
the Payment of kind GUARANTEE holds its customer and payment method ids), off-session:
the desk takes the balance at check-out, the no-show fee is taken when the booking becomes
a no-show.

The charge is a Payment with purpose CARD_ON_FILE (payments.services.on_bill_charge): it
settles like every provider payment (synchronous answer or webhook, whichever is first),
and the bill's sync turns it into a payment line with method card_on_file. A bank that
asks for 3-D Secure cannot be answered with the guest away: that is a decline, and the
desk takes the money another way.

The no-show fee is charged once per booking, ever: the payment's transaction claims
`payments.noshow:<bookingId>` (AlreadyCharged for a repeated event), and the provider's
idempotency key is the attempt's, as for every payment.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bookings.booking_terms import booking_payment_terms
from bookings.models import EXPIRED, PENDING
from hotel.errors import Conflict
from payments.exceptions import (
    AmountMismatch,
    BookingNotPayable,
    PaymentError,
    PaymentInProgress,
)
from payments.models import CARD_ON_FILE, COMPLETED, GUARANTEE, Payment
from payments.providers import get_provider
from payments.selectors import payments_for_booking
from payments.services.on_bill_charge import AlreadyCharged, on_bill_charge, on_bill_open

from .models import FolioLine
from .services import FolioState, folio_sync

logger = logging.getLogger(__name__)

NO_SHOW_ACTOR = "system:no-show"


class NoCardOnFile(Conflict):
    code = "NO_CARD_ON_FILE"
    default_message = "This booking has no card kept as its guarantee."


def guarantee_card(booking_id: str) -> Payment | None:
    """The booking's saved guarantee card (the latest completed guarantee), if any."""
    saved = [
        p
        for p in payments_for_booking(booking_id=booking_id)
        if p.kind == GUARANTEE
        and p.status == COMPLETED
        and p.stripeCustomerId
        and p.stripePaymentMethodId
    ]
    return saved[-1] if saved else None


def _card_line(state: FolioState, payment: Payment) -> FolioLine | None:
    source = f"pay:{payment.transactionId}"
    return next((line for line in state.lines if line.source == source), None)


def folio_charge_card_on_file(
    *,
    booking_id: str,
    amount: int | None = None,
    actor: str,
    now: datetime,
    request_id: str | None = None,
    claim_key: str | None = None,
) -> tuple[Payment, FolioLine | None]:
    """Charge `amount` (None: the bill's balance) to the guarantee card, off-session.

    Returns the payment and its line on the bill (None while the provider is processing;
    the webhook settles it). Raises BookingNotFound, BookingNotPayable (a hold or an expired
    booking), NoCardOnFile, AmountMismatch (nothing due, or more than the balance),
    PaymentInProgress, AlreadyCharged (`claim_key` taken), PaymentDeclined,
    InvalidPaymentMethod, PaymentGatewayError.
    """
    state = folio_sync(booking_id=booking_id, now=now)
    booking = state.booking
    if booking.status in (PENDING, EXPIRED):
        raise BookingNotPayable(
            f"Booking {booking_id} is {booking.status}: its card is not charged.",
            details={"status": booking.status},
        )
    card = guarantee_card(booking_id)
    if card is None:
        raise NoCardOnFile(details={"terms": booking_payment_terms(booking)})
    balance = state.balance
    amount = balance if amount is None else amount
    if amount <= 0 or amount > balance:
        raise AmountMismatch(
            f"The bill's balance is {balance} {state.currency} (minor units); the card on "
            "file is charged at most that.",
            details={"expected": {"amount": max(balance, 0), "currency": state.currency}},
        )
    payment = on_bill_open(
        booking,
        amount=amount,
        purpose=CARD_ON_FILE,
        actor=actor,
        now=now,
        request_id=request_id,
        claim_key=claim_key,
    )

    def ask(key: str):
        return get_provider().charge_saved_card(
            customer=card.stripeCustomerId,
            payment_method=card.stripePaymentMethodId,
            amount=payment.amount,
            currency=payment.currency,
            metadata={"bookingId": booking_id, "transactionId": payment.transactionId},
            idempotency_key=key,
        )

    payment = on_bill_charge(payment, ask=ask, actor=actor, now=now, request_id=request_id).payment
    if payment.status != COMPLETED:
        return payment, None
    return payment, _card_line(folio_sync(booking_id=booking_id, now=now), payment)


def no_show_claim(booking_id: str) -> str:
    return f"payments.noshow:{booking_id}"


def no_show_fee_charge(*, booking_id: str, owed: int, now: datetime) -> Payment | None:
    """Charge what a no-show owes to its guarantee card, once per booking (a repeated event
    charges nothing). Never raises: a decline or a gateway failure is logged, and the fee
    stays on the bill for the desk. Returns the payment, or None when nothing was charged."""
    if owed <= 0 or guarantee_card(booking_id) is None:
        return None
    try:
        balance = folio_sync(booking_id=booking_id, now=now).balance
        if balance <= 0:
            return None
        payment, _ = folio_charge_card_on_file(
            booking_id=booking_id,
            amount=min(owed, balance),
            actor=NO_SHOW_ACTOR,
            now=now,
            claim_key=no_show_claim(booking_id),
        )
    except AlreadyCharged:
        return None
    except (PaymentError, PaymentInProgress, AmountMismatch, NoCardOnFile):
        logger.warning("The no-show fee of %s could not be charged to its card", booking_id)
        return None
    return payment
