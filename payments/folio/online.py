"""The guest pays the bill's balance online (the manage page, `POST /api/payments` with
purpose "balance"): after a deposit, after a change that raised the price, for extras.

The amount is the bill's balance due now (folio_sync(...).balance), never a figure the
page remembers: a balance that moved since the page was shown is refused with
AMOUNT_MISMATCH and the current amount, as the booking's own payment refuses a stale price.
The payment is a Payment with purpose BALANCE (payments.services.on_bill_charge): it settles
like every provider payment (the synchronous answer or the webhook after 3-D Secure) but
confirms nothing (the booking is confirmed already); the bill's sync posts its line.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pynamodb.transactions import TransactWrite

from bookings.models import CHECKED_IN, CONFIRMED
from payments.exceptions import AmountMismatch, BookingNotPayable
from payments.models import BALANCE, COMPLETED, Payment
from payments.providers import get_provider
from payments.services import PaymentAttempt
from payments.services.on_bill_charge import on_bill_charge, on_bill_open
from payments.services.shared import is_money

from .services import folio_sync

BALANCE_PAYABLE = (CONFIRMED, CHECKED_IN)


def folio_pay_balance(
    *,
    booking_id: str,
    amount: int | None,
    currency: str,
    payment_method_id: str,
    actor: str,
    now: datetime,
    request_id: str | None = None,
    also: Callable[[TransactWrite, Payment], None] | None = None,
) -> PaymentAttempt:
    """Charge the bill's balance (`amount` must be it; None = it) to the guest's card.

    Returns the attempt: completed (on the bill), requires_action (3-D Secure: the client
    secret; the webhook settles) or pending. Raises BookingNotFound, BookingNotPayable (not
    confirmed or in house, or nothing is owed), AmountMismatch, PaymentInProgress,
    PaymentDeclined, InvalidPaymentMethod, PaymentGatewayError.
    """
    state = folio_sync(booking_id=booking_id, now=now)
    booking = state.booking
    if booking.status not in BALANCE_PAYABLE:
        raise BookingNotPayable(
            f"Booking {booking_id} is {booking.status}; its balance is paid online only once it "
            "is confirmed (a pending booking pays what its terms take now).",
            details={"status": booking.status},
        )
    balance = state.balance
    if balance <= 0:
        raise BookingNotPayable(
            f"Nothing is owed on booking {booking_id}.", details={"balance": balance}
        )
    amount = balance if amount is None else amount
    if not is_money(amount) or amount != balance or (currency or "").upper() != state.currency:
        raise AmountMismatch(
            f"The balance of booking {booking_id} is {balance} {state.currency} (minor units).",
            details={"expected": {"amount": balance, "currency": state.currency}},
        )
    payment = on_bill_open(
        booking,
        amount=amount,
        purpose=BALANCE,
        actor=actor,
        now=now,
        request_id=request_id,
        also=also,  # e.g. the Idempotency-Key's mark
    )

    def ask(key: str):
        return get_provider().create_and_confirm(
            amount=payment.amount,
            currency=payment.currency,
            payment_method=payment_method_id,
            metadata={"bookingId": booking_id, "transactionId": payment.transactionId},
            idempotency_key=key,
        )

    attempt = on_bill_charge(payment, ask=ask, actor=actor, now=now, request_id=request_id)
    if attempt.payment.status == COMPLETED:
        folio_sync(booking_id=booking_id, now=now)
    return attempt
