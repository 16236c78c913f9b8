"""The terms a booking was sold under, read in one place: what its payment terms take at
booking, its cancellation policy, its no-show fee.

A booking priced under a rate plan keeps a snapshot (Booking.dueNow, Booking.terms; see
bookings.stay_pricing.booking_price_fields); editing the plan later changes nothing here.
A booking made before rate plans has neither: it is prepaid in full under the hotel's
policy (settings.HOTEL_CANCELLATION_POLICY), exactly as before. Nobody else reads
`Booking.terms` for these rules: charging, refunds, the quotes, the pages and the front
desk ask these functions.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from .cancellation_terms import CancellationRule, InvalidPolicy, parse_policy
from .models import Booking
from .rate_reads import DEFAULT_PLAN, hotel_policy
from .rate_terms import AT_HOTEL, DEPOSIT, PREPAY, CityTax, PlanTerms, percent_of, terms_snapshot
from .selectors import tax_percent

PAYMENT_TERMS = (PREPAY, DEPOSIT, AT_HOTEL)
DEFAULT_NO_SHOW_PERCENT = 100  # before rate plans a no-show paid the whole stay (no refund)


def booking_payment_terms(booking: Booking) -> str:
    """PREPAY, DEPOSIT or AT_HOTEL (PREPAY for a booking made before rate plans)."""
    terms = (booking.terms or {}).get("payment")
    return terms if terms in PAYMENT_TERMS else PREPAY


def booking_due_now(booking: Booking) -> int:
    """Minor units the booking's payment terms take when it is booked (paid to confirm it):
    the stored dueNow, or the whole total for a booking made before rate plans."""
    return booking.totalPrice if booking.dueNow is None else booking.dueNow


def due_now_condition(amount: int):
    """The DynamoDB condition that a booking still takes `amount` at booking: its dueNow, or
    its totalPrice when it has none (booking_due_now as a condition, decided in the write)."""
    return (Booking.dueNow == amount) | (
        Booking.dueNow.does_not_exist() & (Booking.totalPrice == amount)
    )


def booking_balance_due(booking: Booking, *, paid: int) -> int:
    """What is left to pay at check-in after `paid` (minor units; never below 0): the stay
    and the extras booked with it (bookings.extras)."""
    return max(booking.totalPrice + (booking.extrasTotal or 0) - paid, 0)


def booking_policy_text(booking: Booking) -> str:
    """The booking's cancellation policy as "DAYS:PERCENT,…" (the snapshot's, else the
    hotel's)."""
    return (booking.terms or {}).get("cancellation") or hotel_policy()


def booking_policy(booking: Booking) -> tuple[CancellationRule, ...]:
    """The booking's cancellation policy, strongest rule first. Raises ImproperlyConfigured
    when the stored text does not parse (plans are validated when written, so only a broken
    setting or a hand-edited item gets here)."""
    text = booking_policy_text(booking)
    try:
        return parse_policy(text)
    except InvalidPolicy as exc:
        raise ImproperlyConfigured(
            f"Booking {booking.bookingId}: cancellation policy {text!r}: {exc}"
        ) from exc


def booking_no_show_percent(booking: Booking) -> int:
    value = (booking.terms or {}).get("noShowPercent")
    return DEFAULT_NO_SHOW_PERCENT if value is None else int(value)


def booking_no_show_fee(booking: Booking) -> int:
    """The no-show fee (minor units): the snapshot's noShowPercent of the total, rounded
    half up as every computed amount (bookings.rate_terms.round_half_up)."""
    return percent_of(booking.totalPrice, booking_no_show_percent(booking))


def payment_terms_summary(booking: Booking, *, paid: int) -> dict:
    """The terms part of a booking's payment summary: dueNow, balanceDue, terms."""
    return {
        "dueNow": booking_due_now(booking),
        "balanceDue": booking_balance_due(booking, paid=paid),
        "terms": booking_payment_terms(booking),
    }


def booking_terms_snapshot(booking: Booking) -> dict:
    """The booking's snapshot of its terms; for a booking made before rate plans, the
    terms it was sold under then (FLEX, the hotel's policy, prepay, its own lines)."""
    if booking.terms:
        return booking.terms
    terms = terms_snapshot(
        PlanTerms(code=DEFAULT_PLAN, name="Flexible", cancellation=hotel_policy())
    )
    terms["taxPercent"] = str(tax_percent())
    terms["cityTax"] = CityTax().as_dict()
    terms["promo"] = None
    terms["lines"] = [
        {"kind": "room", "label": "Room", "amount": booking.subtotal},
        {"kind": "tax", "label": "Tax", "amount": booking.tax},
    ]
    return terms
