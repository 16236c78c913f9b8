"""Paying a reservation: one request for what every stay's terms take now.

The guest pays the reservation's due-now amount (the sum of its pending stays'
booking_due_now) once, with one card. Behind it each stay is charged by payment_create, as
a booking alone is: its own Payment and PaymentIntent, confirmed on success, on its own
bill (folio), refunded by its own cancellation policy, reconciled by its own webhooks and
disputes. One intent shared by several stays would need the webhook, refund-reconciliation
and dispute paths (which match one intent to one Payment) to split amounts; until then a
reservation of n stays shows n charges on the card statement, each naming its booking.

Before anything is charged every stay is checked (pending, hold live) and its hold extended,
so no hold lapses between the first charge and the last. A card declined part-way leaves
the stays already paid confirmed: the answer names what was paid and what is still due,
and the same request (for the rest) pays the others.

A stay with an open payment (Booking.openPayments: one waiting for 3-D Secure or the
provider's webhook) is neither due nor charged again: the request for the rest pays the
others. A token or an unattached PaymentMethod can be charged only once at Stripe, so when
more than one stay takes the card it is first attached to a customer (the provider's
make_reusable, once per request) and every stay is charged with that customer and method.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bookings.booking_terms import booking_due_now
from bookings.holds import booking_hold_extend
from bookings.models import PENDING as BOOKING_PENDING
from bookings.reservations.selectors import ReservationView, reservation_get
from hotel.errors import DomainError

from ..exceptions import AmountMismatch, BookingNotPayable, PaymentInProgress
from ..models import REQUIRES_ACTION
from ..providers import get_provider
from .charge import PaymentAttempt, payment_create


@dataclass(frozen=True)
class ReservationPayment:
    view: ReservationView  # as it is after the payments
    attempts: list[PaymentAttempt]  # one per stay charged, in order


def payable_stays(view: ReservationView) -> list:
    """The pending stays with no payment open (one open waits for 3-D Secure or a webhook)."""
    return [b for b in view.bookings if b.status == BOOKING_PENDING and not b.openPayments]


def reservation_due_now(view: ReservationView) -> int:
    """What the terms of the stays still to be paid (payable_stays) take now (minor units)."""
    return sum(booking_due_now(b) for b in payable_stays(view))


def reservation_pay(
    *,
    reservation_id: str,
    amount: int | None,
    currency: str,
    payment_method_id: str,
    actor: str,
    now: datetime,
    request_id: str | None = None,
) -> ReservationPayment:
    """Charge each pending stay what its terms take now; `amount` must be their sum.

    Stops at a stay waiting for 3-D Secure (its attempt carries the client secret; call
    again, for the stays still payable, once the guest has authenticated or even before:
    the stay waiting is skipped). Raises ReservationNotFound, BookingNotPayable (no stay
    left to pay), PaymentInProgress (only stays with an open payment left), HoldExpired,
    AmountMismatch, and a stay's payment error (details.paid / details.unpaid: the
    stays paid before it and those left).
    """
    view = reservation_get(reservation_id, consistent=True)
    pending = payable_stays(view)
    if not pending and any(b.status == BOOKING_PENDING for b in view.bookings):
        raise PaymentInProgress(
            f"The payment of {view.reservation.reservationId} is still being processed.",
            details={"stays": {b.bookingId: b.status for b in view.bookings}},
        )
    if not pending:
        raise BookingNotPayable(
            f"No stay of {view.reservation.reservationId} is waiting for payment.",
            details={"stays": {b.bookingId: b.status for b in view.bookings}},
        )
    due = reservation_due_now(view)
    if amount is None and due == 0:
        amount = 0
    if amount != due or (currency or "").upper() != view.reservation.currency:
        raise AmountMismatch(
            f"Reservation {view.reservation.reservationId} takes {due} "
            f"{view.reservation.currency} (minor units) now.",
            details={"expected": {"amount": due, "currency": view.reservation.currency}},
        )
    for booking in pending:  # every hold checked and extended before the first charge
        booking_hold_extend(booking_id=booking.bookingId, now=now)  # raises HoldExpired
    attempts: list[PaymentAttempt] = []
    customer = None
    if len(pending) > 1:  # one card, several charges: attach it to a customer once
        try:
            card = get_provider().make_reusable(
                payment_method=payment_method_id,
                metadata={"reservationId": view.reservation.reservationId},
                idempotency_key=f"payments.reservation-card:{view.reservation.reservationId}:"
                f"{payment_method_id}",
            )
        except DomainError as exc:
            exc.details = {**exc.details, "paid": [], "unpaid": [b.bookingId for b in pending]}
            raise
        customer, payment_method_id = card.customer, card.payment_method
    for index, booking in enumerate(pending):
        try:
            attempt = payment_create(
                booking_id=booking.bookingId,
                amount=booking_due_now(booking),
                currency=booking.currency,
                payment_method_id=payment_method_id,
                actor=actor,
                now=now,
                request_id=request_id,
                customer=customer,
            )
        except DomainError as exc:
            exc.details = {
                **exc.details,
                "paid": [a.payment.bookingId for a in attempts],
                "unpaid": [b.bookingId for b in pending[index:]],
            }
            raise
        attempts.append(attempt)
        if attempt.payment.status == REQUIRES_ACTION:
            break  # the guest authenticates this one first
    return ReservationPayment(
        view=reservation_get(view.reservation.reservationId, consistent=True),
        attempts=attempts,
    )
