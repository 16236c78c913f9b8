"""The booking lifecycle as data, and the questions every edge asks of it.

One place for the statuses' order, who may move a booking where, what a guest or clerk may
still do with it, and what each status is called. Services apply the table
(`booking_transition`); pages, the admin, the API and payments ask the predicates here
instead of spelling `status in (PENDING, CONFIRMED)` themselves.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from .models import (
    CANCELLED,
    CHECKED_IN,
    CHECKED_OUT,
    CONFIRMED,
    EXPIRED,
    LIVE_STATUSES,
    NO_SHOW,
    PENDING,
    STATUSES,
)

# status -> statuses it may move to. EXPIRED is the sweeper's alone. One more path is not in
# this table because booking_transition must never take it: expired -> confirmed, system
# only, through booking_revive_paid (a payment that succeeded after the sweeper expired the
# hold; the nights are taken again if they are still free).
TRANSITIONS: dict[str, frozenset[str]] = {
    PENDING: frozenset({CONFIRMED, CANCELLED, EXPIRED}),
    CONFIRMED: frozenset({CHECKED_IN, CANCELLED, NO_SHOW}),
    CHECKED_IN: frozenset({CHECKED_OUT}),
    CHECKED_OUT: frozenset(),
    CANCELLED: frozenset(),
    NO_SHOW: frozenset(),
    EXPIRED: frozenset(),
}
SYSTEM_REVIVALS: dict[str, frozenset[str]] = {EXPIRED: frozenset({CONFIRMED})}
# The targets staff (and API clients) may ask for; EXPIRED is the system's.
STAFF_TARGETS = frozenset({CONFIRMED, CANCELLED, CHECKED_IN, CHECKED_OUT, NO_SHOW})
# What booking_change accepts: a stay that has not started and is not over.
CHANGEABLE = frozenset({PENDING, CONFIRMED})

# Staff-facing names (the admin, the dashboard, CSV reports).
STATUS_LABELS: dict[str, str] = {
    PENDING: "Pending (held)",
    CONFIRMED: "Confirmed",
    CHECKED_IN: "Checked in",
    CHECKED_OUT: "Checked out",
    CANCELLED: "Cancelled",
    NO_SHOW: "No-show",
    EXPIRED: "Expired",
}
# Guest-facing names (the manage page), translated.
GUEST_STATUS_LABELS = {
    PENDING: _("Awaiting payment"),
    CONFIRMED: _("Confirmed"),
    CHECKED_IN: _("Checked in"),
    CHECKED_OUT: _("Checked out"),
    CANCELLED: _("Cancelled"),
    NO_SHOW: _("No-show"),
    EXPIRED: _("Expired (not paid in time)"),
}
assert set(STATUS_LABELS) == set(STATUSES) == set(GUEST_STATUS_LABELS) == set(TRANSITIONS)


def allowed_targets(status: str, *, staff: bool = True) -> frozenset[str]:
    """The statuses a booking in `status` may move to (staff's choices by default)."""
    targets = TRANSITIONS.get(status, frozenset())
    return targets & STAFF_TARGETS if staff else targets


def may_move(status: str, to_status: str, *, system: bool = False) -> bool:
    """Whether booking_transition may take a booking from `status` to `to_status`."""
    return to_status in TRANSITIONS.get(status, ()) and (system or to_status in STAFF_TARGETS)


def hold_is_live(booking, now: datetime) -> bool:
    """A pending booking whose hold has not run out: it still owns its nights and can be paid."""
    return booking.status == PENDING and booking.expiresAt is not None and booking.expiresAt > now


def hold_has_lapsed(booking, now: datetime) -> bool:
    """A pending booking whose hold ran out (the sweeper has not expired it yet)."""
    return booking.status == PENDING and not hold_is_live(booking, now)


def night_is_held(night, now: datetime) -> bool:
    """Whether a room-night item still blocks its night: kept for good (no hold end), or by a
    hold that has not run out. The Python side of the write condition that lets a new booking
    take a night only when `holdExpiresAt < now` (bookings.services.common.take_night)."""
    return night.holdExpiresAt is None or night.holdExpiresAt >= int(now.timestamp())


def holds_nights(booking) -> bool:
    """Whether the booking's status keeps its nights in the room-night table."""
    return booking.status in LIVE_STATUSES


def can_cancel(booking) -> bool:
    """Whether the lifecycle lets the booking be cancelled (by anyone; refunds aside)."""
    return CANCELLED in TRANSITIONS.get(booking.status, ())


def can_change(booking, now: datetime | None = None) -> bool:
    """Whether the stay (dates, room) may still be changed.

    With `now`, a pending booking counts only while its hold is live (a guest cannot move a
    hold that ran out); without it, the status alone decides (staff's view).
    """
    if booking.status not in CHANGEABLE:
        return False
    return booking.status != PENDING or now is None or hold_is_live(booking, now)


def can_pay(booking, now: datetime) -> bool:
    """Whether a guest may pay for the booking online now."""
    return hold_is_live(booking, now)


def status_label(status: str, *, guest: bool = False) -> str:
    labels = GUEST_STATUS_LABELS if guest else STATUS_LABELS
    return str(labels.get(status, status))
