"""The hold sweeper: pending bookings whose hold ran out become expired and free their nights.

A lapsed hold already stops blocking its nights by time alone (the night lock's condition);
the sweeper makes the status say so, and retries the stats projections that failed.
"""

from __future__ import annotations

import logging
from datetime import datetime

from .. import stats
from ..exceptions import BookingNotFound, InvalidTransition
from ..models import EXPIRED, PENDING, Booking
from .transition import booking_transition

logger = logging.getLogger(__name__)


def holds_expire(*, now: datetime, log=None) -> int:
    """Expire pending bookings whose hold has passed and release their nights. Returns count.

    Reads the pending partition of the status index (the live holds only), never a Scan.
    """
    expired = 0
    for booking in Booking.by_status.query(PENDING, filter_condition=Booking.expiresAt < now):
        try:
            booking_transition(
                booking_id=booking.bookingId,
                to_status=EXPIRED,
                actor="system:hold-sweeper",
                now=now,
                system=True,
            )
            expired += 1
        except (InvalidTransition, BookingNotFound):
            continue  # Paid or cancelled meanwhile: nothing to expire.
    if log:
        log(f"expired {expired} hold(s)")
    # The same schedule retries the stats projections that failed after a booking write.
    try:
        stats.stats_catch_up(now=now, log=log)
    except Exception:
        logger.exception("stats catch-up failed; the next sweep retries")
    return expired
