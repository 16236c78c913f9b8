"""Finding a booking on the guest site ("find my booking") by reference and email.

Guessing is bounded: every attempt spends a throttle slot per client address and per
reference (hotel.throttle) before any email is compared.
"""

from __future__ import annotations

import hmac
from datetime import datetime

from django.conf import settings
from pynamodb.exceptions import DoesNotExist

from hotel import throttle

from ..exceptions import BookingNotFound, LookupLocked
from ..models import Booking


def _lookup_keys(*, reference: str, client: str) -> list[tuple[str, int]]:
    """Throttle keys of this lookup with the attempts each allows per window, client first."""
    limit = settings.HOTEL_LOOKUP_MAX_FAILURES
    # A client address may be shared (an office, a hotel lobby): it gets more room.
    return [
        (f"booking-lookup:client:{client[:64]}", limit * 3),
        (f"booking-lookup:ref:{reference[:64]}", limit),
    ]


def booking_lookup(*, reference: str, email: str, client: str, now: datetime) -> Booking:
    """The booking whose reference and guest email both match, for the guest site.

    An unknown reference and a wrong email give the same BookingNotFound. Every attempt
    first spends a slot per client address and per reference (hotel.throttle: a
    conditional write each, in the throttle table's own key space), so at most
    HOTEL_LOOKUP_MAX_FAILURES emails are ever checked against a reference per window of
    HOTEL_LOOKUP_LOCKOUT_SECONDS, however many requests run at once; then the lookup is
    refused until the window ends. A match forgets the reference's window (not the
    client's). Raises BookingNotFound, LookupLocked.
    """
    reference = (reference or "").strip().upper()
    email = (email or "").strip().lower()
    window = settings.HOTEL_LOOKUP_LOCKOUT_SECONDS
    slots = {}
    for key, limit in _lookup_keys(reference=reference, client=client or "unknown"):
        try:
            slots[key] = throttle.reserve(key, limit=limit, window_seconds=window, now=now)
        except throttle.Throttled as exc:
            raise LookupLocked(details={"retryAfterSeconds": exc.retry_after}) from exc
    booking = None
    if reference and email and len(reference) <= 64:
        try:
            booking = Booking.get(reference)
        except DoesNotExist:
            booking = None
    stored = (booking.guestEmail or "") if booking else ""
    if booking is None or not stored or not hmac.compare_digest(stored.encode(), email.encode()):
        raise BookingNotFound("No booking matches this reference and email address.")
    ref_key = _lookup_keys(reference=reference, client="")[1][0]
    throttle.reset_after_success(ref_key, slot=slots[ref_key])
    return booking
