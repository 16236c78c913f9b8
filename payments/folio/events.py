"""The bill follows the booking: after a confirm, a change, a cancel, a no-show, a check-in
or -out, a payment or a refund, the booking's bill is synced (payments.folio.services.
folio_sync). A failed sync is logged and repaired by the next one (any read of the bill,
the check-out, the night audit): the sync is idempotent and computes from the data.

An expired hold's bill is synced only if it was ever opened; a cancel that refunds is
synced once the refund is recorded (CancellationSettled), not in between; a change
(BookingChanged) by payments.folio.changes, which syncs it and settles what the change moved.
"""

from __future__ import annotations

import logging

from hotel import events
from hotel.events import Event, subscribe
from payments.selectors import booking_amount_paid
from payments.services.cancel import CancellationSettled
from payments.services.shared import PaymentRefunded, PaymentSucceeded

from .posting import header_read
from .services import folio_sync

logger = logging.getLogger(__name__)


def _sync(event: Event) -> None:
    booking_id = event.detail.get("bookingId")
    if booking_id:
        folio_sync(booking_id=booking_id, now=event.occurred_at)


@subscribe(
    events.BookingConfirmed,
    events.BookingNoShow,
    events.GuestCheckedIn,
    events.GuestCheckedOut,
    PaymentSucceeded,
    PaymentRefunded,
    CancellationSettled,
)
def sync_bill(event: Event) -> None:
    _sync(event)


@subscribe(events.BookingExpired)
def sync_expired_bill(event: Event) -> None:
    booking_id = event.detail.get("bookingId")
    if booking_id and header_read(booking_id) is not None:
        _sync(event)


@subscribe(events.BookingCancelled)
def sync_cancelled_bill(event: Event) -> None:
    """A cancel with money paid is synced after its refund (CancellationSettled)."""
    booking_id = event.detail.get("bookingId")
    if booking_id and booking_amount_paid(booking_id=booking_id) == 0:
        _sync(event)
