"""What new dates would cost a booking, and whether its lifecycle lets a guest move it.

Bookings-only reads (no payment data). The payment-aware rules of a guest's online change
(the cancellation policy's window, a confirmed booking's price) are added on top by
payments.selectors.booking_change_quote.
"""

from __future__ import annotations

from datetime import date, datetime

from .lifecycle import can_change
from .models import PENDING, Booking
from .pricing import Quote
from .services import hotel_today, stay_validate
from .stay_pricing import stay_quote

# Why a guest may not move a booking online, as the lifecycle sees it (the guest site and
# the API's CHANGE_NOT_ALLOWED details.reason).
CHANGE_HOLD_EXPIRED = "hold_expired"
CHANGE_NOT_CHANGEABLE = "not_changeable"


def booking_restay_quote(
    *, booking: Booking, check_in: date, check_out: date, now: datetime
) -> Quote:
    """The price of `booking` for a new stay (its pinned room's, else its type's). Raises
    ValidationFailed, StayTooLong, StayRuleViolation (stay_validate), NotFound."""
    stay_validate(check_in=check_in, check_out=check_out, today=hotel_today(now))
    return stay_quote(booking=booking, check_in=check_in, check_out=check_out, now=now)


def guest_change_refusal(booking: Booking, now: datetime) -> str | None:
    """Why the lifecycle keeps a guest from moving `booking` now (a CHANGE_* code), or None:
    a pending booking only while its hold is live, a confirmed one, nothing else."""
    if can_change(booking, now):
        return None
    return CHANGE_HOLD_EXPIRED if booking.status == PENDING else CHANGE_NOT_CHANGEABLE
