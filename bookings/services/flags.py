"""Flags on a booking for staff's attention (e.g. "disputed"), set by the system."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pynamodb.transactions import TransactWrite

from hotel.dynamo import commit, transact

from ..exceptions import InvalidTransition
from ..models import Booking
from .common import booking_audit, booking_read, booking_snapshot


def booking_flag(
    *,
    booking_id: str,
    flag: str,
    detail: str,
    actor: str,
    now: datetime,
    also: Callable[[TransactWrite], None] | None = None,
) -> Booking:
    """Flag a booking for staff (e.g. "disputed"), audited, with `also(tx)` in the same
    transaction. A flag already set is left as it is. Raises BookingNotFound."""
    for attempt in range(3):
        booking = booking_read(booking_id)
        flags = list(booking.flags or [])
        if any(f.get("flag") == flag for f in flags):
            if also is not None:
                transact(also)
            return booking
        before = booking_snapshot(booking)
        booking.flags = [
            *flags,
            {"flag": flag, "detail": detail, "at": now.strftime("%Y-%m-%dT%H:%M:%SZ"), "by": actor},
        ]
        booking.updatedAt = now
        entry = booking_audit(booking, f"flag:{flag}", before, actor, now, None)

        def build(tx, booking=booking, entry=entry):
            tx.save(booking)
            tx.save(entry)
            if also is not None:
                also(tx)

        if attempt == 2:
            # A third lost race stays DynamoDB's error: the webhook that flags a dispute
            # answers 503 and its sender tries again.
            transact(build)
        elif not commit(build):
            continue  # The booking changed meanwhile (its version): re-read.
        return booking
    raise InvalidTransition("The booking changed meanwhile; reload it.")  # pragma: no cover
