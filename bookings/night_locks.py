"""What the room-night locks say about a booking's nights: held, on hold until when, hold
expired, released, or lost (sold to someone else after the hold expired).

The booking's own status says which nights it should hold; the room-night table says which
it does. The admin's booking page shows the difference night by night.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from .lifecycle import holds_nights
from .models import Booking
from .pricing import stay_nights
from .selectors import booking_nights

HELD = "held"  # locked for the booking, no expiry (paid or confirmed)
ON_HOLD = "on_hold"  # locked until `until` (a guest's hold)
HOLD_EXPIRED = "hold_expired"  # locked until `until`, which has passed
RELEASED = "released"  # not locked, and the booking no longer holds nights
NOT_HELD = "not_held"  # not locked although the booking should hold it: sold after expiry


@dataclass(frozen=True)
class NightLock:
    night: date
    room_id: str
    state: str  # one of the above
    until: datetime | None  # the hold's end, for ON_HOLD and HOLD_EXPIRED
    warning: bool  # the night is not safely the booking's


def booking_night_locks(*, booking: Booking, now: datetime) -> list[NightLock]:
    """Each night of the stay and what the room-night lock says about it."""
    held = {night.night: night for night in booking_nights(booking=booking)}
    live = holds_nights(booking)
    rows = []
    for night in stay_nights(
        date.fromisoformat(booking.checkIn), date.fromisoformat(booking.checkOut)
    ):
        item = held.get(night.isoformat())
        until = None
        if item is None:
            state, warning = (NOT_HELD, True) if live else (RELEASED, False)
        elif item.holdExpiresAt is None:
            state, warning = HELD, False
        else:
            until = datetime.fromtimestamp(int(item.holdExpiresAt), UTC)
            expired = until <= now
            state, warning = (HOLD_EXPIRED, True) if expired else (ON_HOLD, False)
        rows.append(
            NightLock(
                night=night, room_id=booking.roomId, state=state, until=until, warning=warning
            )
        )
    return rows
