"""A guest's online date change: allowed by booking_change_quote, made by bookings.

Payments owns this use case because what a guest may change online depends on money: the
cancellation policy's window, the price, and the booking's open payment attempts.
"""

from __future__ import annotations

from datetime import date, datetime

from bookings.models import Booking
from bookings.selectors import booking_get
from bookings.services import booking_change

from ..exceptions import ChangeNotAllowed
from ..selectors import booking_change_quote
from .settlement import abandoned_attempts_cancel


def booking_change_by_guest(
    *,
    booking_id: str,
    check_in: date,
    check_out: date,
    actor: str,
    now: datetime,
    request_id: str | None = None,
) -> Booking:
    """Move a booking to new dates when booking_change_quote allows it online, then change it.

    A new price needs the booking's open payments settled first (PaymentOpen, 409
    PAYMENT_IN_PROGRESS); 3-D Secure attempts the guest abandoned (settlement.is_abandoned)
    are cancelled at the provider first, so they do not block the change.

    Raises ChangeNotAllowed (details.reason: a CHANGE_* code) and whatever
    booking_change_quote and bookings.services.booking_change raise.
    """

    def allowed_online(current: Booking):
        change = booking_change_quote(
            booking=current, check_in=check_in, check_out=check_out, now=now
        )
        if not change.allowed:
            raise ChangeNotAllowed(details={"reason": change.reason})
        return change

    booking = booking_get(booking_id=booking_id, consistent=True)
    change = allowed_online(booking)
    if booking.openPayments and change.quote.total != booking.totalPrice:
        abandoned_attempts_cancel(booking_id=booking_id, actor=actor, now=now)

    return booking_change(
        booking_id=booking_id,
        check_in=check_in,
        check_out=check_out,
        actor=actor,
        now=now,
        request_id=request_id,
        # Asked again of every read booking_change writes against: a payment that confirmed
        # the booking meanwhile makes a new price a refusal, not a debt.
        rule=allowed_online,
    )
