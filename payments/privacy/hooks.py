"""Online check-in data (the registration: address, nationality, ID document, signature) in
a guest's export and erasure.

The registration table is added by the online check-in work (bookings.checkin); until it is
merged these hooks find nothing. Once it is, they read and blank its item per booking by
name here, so the export and the erasure cover it without a change anywhere else.
"""

from __future__ import annotations

from datetime import datetime


def checkin_export(booking_id: str) -> list[dict]:
    """The booking's online check-in data, as the export shows it (none until the
    registration table exists)."""
    return []


def checkin_erase(booking_id: str, *, now: datetime) -> int:
    """Blank the booking's online check-in data (address, nationality, ID document,
    signature); returns how many items were changed. Idempotent."""
    return 0
