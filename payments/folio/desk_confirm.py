"""Confirm a booking paid at the desk: the booking is confirmed, then the money taken is
posted to its bill as a payment (cash, terminal or transfer) — so a walk-in or a phone
booking confirmed "paid at desk" has its money on record, not just a status.

Two writes, in this order: the confirm (conditional on the hold, the nights) and then the
payment line (conditional on the bill's revision). Everything that could refuse the payment
(method, amount) is checked before the confirm; the posting itself only retries on a
concurrent posting, so a confirmed booking without its payment line would need DynamoDB to
fail in between — that is reported to the caller (PaymentNotRecorded) with the booking
confirmed, and the clerk takes the payment from the bill.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bookings.models import CONFIRMED, Booking
from bookings.services import booking_transition
from hotel.errors import DomainError, ServiceUnavailable, ValidationFailed

from .desk import folio_payment
from .models import DESK_METHODS, FolioLine
from .services import folio_sync

MAX_REFERENCE = 120


class PaymentNotRecorded(ServiceUnavailable):
    code = "PAYMENT_NOT_RECORDED"
    default_message = "The booking is confirmed but the payment was not recorded."


@dataclass(frozen=True)
class PaidAtDesk:
    booking: Booking
    line: FolioLine | None  # None: nothing was taken (amount 0)
    amount: int


def _check(amount: int | None, method: str, reference: str | None) -> None:
    fields: dict[str, list[str]] = {}
    if method not in DESK_METHODS:
        fields["method"] = [f"One of: {', '.join(DESK_METHODS)}."]
    if amount is not None and amount < 0:
        fields["amount"] = ["Zero or more."]
    if reference and len(reference) > MAX_REFERENCE:
        fields["reference"] = [f"At most {MAX_REFERENCE} characters."]
    if fields:
        raise ValidationFailed(details={"fields": fields})


def booking_confirm_paid_at_desk(
    *,
    booking_id: str,
    amount: int | None,
    method: str,
    reference: str | None = None,
    actor: str,
    now: datetime,
    request_id: str | None = None,
) -> PaidAtDesk:
    """Confirm the booking and post `amount` (minor units) taken by `method` to its bill;
    `amount` None takes what the bill says the guest owes once confirmed, 0 records nothing.
    Raises ValidationFailed (method, amount), the confirm's errors (HoldExpired,
    InvalidTransition, …) with nothing written, PaymentNotRecorded after the confirm."""
    _check(amount, method, reference)
    booking = booking_transition(
        booking_id=booking_id, to_status=CONFIRMED, actor=actor, now=now, request_id=request_id
    )
    try:
        if amount is None:
            amount = max(folio_sync(booking_id=booking_id, now=now).balance, 0)
        line = None
        if amount > 0:
            line = folio_payment(
                booking_id=booking_id,
                amount=amount,
                method=method,
                reference=reference or None,
                actor=actor,
                now=now,
                request_id=request_id,
            )
    except DomainError as exc:
        raise PaymentNotRecorded(
            f"Booking {booking_id} is confirmed, but the payment was not recorded "
            f"({exc.message}): take it from the bill.",
            details={"bookingId": booking_id, "cause": exc.code},
        ) from exc
    return PaidAtDesk(booking=booking, line=line, amount=amount or 0)
