"""The no-show fee: what a booking marked no-show owes under the terms it was sold with.

The fee is the snapshot's noShowPercent of the total (bookings.booking_terms). A no-show
refunds nothing (the lifecycle's no-show releases the nights and moves no money), so for
prepay and deposit terms the hotel keeps what was paid, which covers the fee up to that
amount; whatever the payments do not cover is owed. For at_hotel terms nothing was paid:
the whole fee is owed, to be charged off-session on the guarantee card by the folio
(not built yet). The fee is recorded when the booking becomes a no-show, as a
"no_show_fee" flag for staff with a structured audit entry in the same transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bookings.booking_terms import (
    booking_no_show_fee,
    booking_no_show_percent,
    booking_payment_terms,
)
from bookings.models import Booking
from bookings.selectors import booking_get
from bookings.services import booking_flag
from hotel import events
from hotel.audit.services import audit_add
from hotel.events import Event, subscribe

from .selectors import booking_amount_paid

logger = logging.getLogger(__name__)

NO_SHOW_FEE_FLAG = "no_show_fee"
ACTOR = "system:no-show"


@dataclass(frozen=True)
class NoShowFee:
    percent: int  # of the total
    fee: int  # minor units
    kept: int  # of what was paid, kept against the fee (no refund on a no-show)
    owed: int  # still to charge (the guarantee card for at_hotel terms)
    currency: str
    terms: str  # prepay | deposit | at_hotel

    def as_dict(self) -> dict:
        return {
            "noShowPercent": self.percent,
            "fee": self.fee,
            "kept": self.kept,
            "owed": self.owed,
            "currency": self.currency,
            "terms": self.terms,
        }

    def sentence(self) -> str:
        text = f"No-show fee {self.fee} {self.currency} ({self.percent} % of the stay)"
        if self.owed == 0:
            return f"{text}: covered by what was paid."
        where = "on the guarantee card" if self.terms == "at_hotel" else "from the guest"
        return f"{text}: {self.kept} kept of what was paid, {self.owed} to charge {where}."


def no_show_fee(booking: Booking, *, paid: int) -> NoShowFee:
    """The fee of `booking` as a no-show, given what was `paid` and not refunded."""
    fee = booking_no_show_fee(booking)
    kept = min(paid, fee)
    return NoShowFee(
        percent=booking_no_show_percent(booking),
        fee=fee,
        kept=kept,
        owed=fee - kept,
        currency=booking.currency,
        terms=booking_payment_terms(booking),
    )


def booking_no_show_fee_record(*, booking_id: str, now) -> NoShowFee:
    """Flag the booking with its no-show fee, audited with the amounts in the same
    transaction. Idempotent (a flag already set is left). Raises BookingNotFound."""
    booking = booking_get(booking_id=booking_id, consistent=True)
    fee = no_show_fee(booking, paid=booking_amount_paid(booking_id=booking_id))

    def also(tx):
        audit_add(
            tx,
            actor=ACTOR,
            action="no-show:fee",
            object_type="bookings.booking",
            object_id=booking_id,
            before=None,
            after=fee.as_dict(),
            now=now,
        )

    booking_flag(
        booking_id=booking_id,
        flag=NO_SHOW_FEE_FLAG,
        detail=fee.sentence(),
        actor=ACTOR,
        now=now,
        also=also,
    )
    return fee


@subscribe(events.BookingNoShow)
def record_no_show_fee(event: Event) -> None:
    booking_no_show_fee_record(booking_id=event.detail["bookingId"], now=event.occurred_at)
