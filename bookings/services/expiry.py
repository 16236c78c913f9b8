"""The hold sweeper: pending bookings whose hold ran out become expired and free their nights.

A lapsed hold already stops blocking its nights by time alone (the night lock's condition);
the sweeper makes the status say so, and retries the stats projections that failed.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from .. import stats
from ..exceptions import BookingNotFound, InvalidTransition
from ..lifecycle import hold_has_lapsed
from ..models import EXPIRED, PENDING, Booking
from .transition import booking_transition

logger = logging.getLogger(__name__)


def holds_expire(*, now: datetime, log=None) -> int:
    """Expire pending bookings whose hold has passed and release their nights. Returns count.

    Reads the pending partition of the status index (the live holds only), never a Scan.
    """
    expired = 0
    for booking in Booking.by_status.query(PENDING, filter_condition=Booking.expiresAt < now):
        if not hold_has_lapsed(booking, now):
            continue  # Extended (a payment began) since the index was written.
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


def lapsed_holds_reclaim(*, room_type: str, nights: list[date], now: datetime) -> int:
    """Expire the lapsed holds of `room_type` with a night among `nights` (they still hold
    units the sweeper has not given back yet). Returns how many were expired."""
    if not nights:
        return 0
    first, last = min(nights).isoformat(), max(nights).isoformat()
    reclaimed = 0
    for booking in Booking.by_status.query(
        PENDING,
        range_key_condition=Booking.checkIn <= last,
        filter_condition=(Booking.checkOut > first) & (Booking.roomType == room_type),
    ):
        if not hold_has_lapsed(booking, now):
            continue
        try:
            booking_transition(
                booking_id=booking.bookingId,
                to_status=EXPIRED,
                actor="system:hold-sweeper",
                now=now,
                system=True,
            )
            reclaimed += 1
        except (InvalidTransition, BookingNotFound):
            continue  # Paid or changed meanwhile.
    return reclaimed
