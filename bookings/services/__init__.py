"""Booking writes, one module per use case; this package's public API.

create (a hold), transition (the lifecycle, cancel, reviving a paid expired booking), change
(dates / room), flags, lookup (the guest's "find my booking"), expiry (the hold sweeper);
common holds what they share (the night lock, the audit entry, the guest token), validation
the input rules. Every write carries its audit entry in the same transaction; events go out
after it. The lifecycle's table and predicates are bookings.lifecycle; the hotel's "today"
is bookings.clock.
"""

from ..clock import hotel_today
from ..lifecycle import STAFF_TARGETS, SYSTEM_REVIVALS, TRANSITIONS
from ..models import LIVE_STATUSES
from .assign import (
    AssignmentResult,
    NoRoomAvailable,
    booking_room_autoassign,
    booking_room_set,
    rooms_assign,
)
from .change import ChangePrice, booking_change, booking_change_price
from .common import booking_snapshot, guest_token_matches, hash_token
from .create import (
    ID_ALPHABET,
    CreatedBooking,
    booking_create,
    new_booking_id,
    new_reference,
)
from .draft import DEAD_BOOKING_RETENTION
from .expiry import holds_expire
from .flags import booking_flag
from .lookup import booking_lookup
from .transition import (
    EVENT_FOR_STATUS,
    CancelGuard,
    booking_cancel,
    booking_cancel_guard_register,
    booking_checkout_guard_register,
    booking_revive_paid,
    booking_transition,
)
from .validation import guest_fields_validate, stay_validate

__all__ = [
    "DEAD_BOOKING_RETENTION",
    "EVENT_FOR_STATUS",
    "ID_ALPHABET",
    "LIVE_STATUSES",
    "STAFF_TARGETS",
    "SYSTEM_REVIVALS",
    "TRANSITIONS",
    "AssignmentResult",
    "CancelGuard",
    "NoRoomAvailable",
    "CreatedBooking",
    "booking_cancel",
    "booking_cancel_guard_register",
    "booking_checkout_guard_register",
    "ChangePrice",
    "booking_change",
    "booking_change_price",
    "booking_create",
    "booking_flag",
    "booking_lookup",
    "booking_revive_paid",
    "booking_room_autoassign",
    "booking_room_set",
    "booking_snapshot",
    "booking_transition",
    "guest_fields_validate",
    "guest_token_matches",
    "hash_token",
    "holds_expire",
    "hotel_today",
    "new_booking_id",
    "new_reference",
    "rooms_assign",
    "stay_validate",
]
