"""The lifecycle table and the predicates every edge asks, on in-memory bookings (never saved).

These are pure: the pages, the admin, the API and payments decide what to offer from them, so
a wrong answer here shows a guest a button the service then refuses (or hides one it allows).
"""

from datetime import timedelta

import pytest

from bookings import lifecycle
from bookings.models import (
    CANCELLED,
    CHECKED_IN,
    CHECKED_OUT,
    CONFIRMED,
    EXPIRED,
    NO_SHOW,
    PENDING,
    STATUSES,
    Booking,
)
from tests.conftest import NOW

LATER = NOW + timedelta(minutes=15)
EARLIER = NOW - timedelta(minutes=1)
ENDED = (CHECKED_OUT, CANCELLED, NO_SHOW, EXPIRED)


def booking(status: str, expires_at=None) -> Booking:
    return Booking(bookingId="BK-LIFE", status=status, expiresAt=expires_at)


@pytest.mark.parametrize("status", STATUSES)
def test_every_status_has_a_label_for_staff_and_for_guests(status):
    assert lifecycle.status_label(status) == lifecycle.STATUS_LABELS[status]
    assert lifecycle.status_label(status, guest=True) == str(lifecycle.GUEST_STATUS_LABELS[status])
    assert lifecycle.status_label(status) and lifecycle.status_label(status, guest=True)
    assert lifecycle.status_label(status) != status  # a name for people, not the stored value


def test_the_table_covers_every_status_and_leads_only_to_statuses():
    assert set(lifecycle.TRANSITIONS) == set(STATUSES)
    for status, targets in lifecycle.TRANSITIONS.items():
        assert targets <= set(STATUSES), status
        assert status not in targets, status
    for status in ENDED:
        assert lifecycle.TRANSITIONS[status] == frozenset(), status
    revivals = lifecycle.SYSTEM_REVIVALS
    assert (set(revivals), revivals[EXPIRED]) == ({EXPIRED}, {CONFIRMED})  # the paid-late path


@pytest.mark.parametrize("status", STATUSES)
def test_staff_are_never_offered_expired(status):
    assert EXPIRED not in lifecycle.allowed_targets(status)
    assert lifecycle.allowed_targets(status) <= lifecycle.STAFF_TARGETS
    assert lifecycle.allowed_targets(status, staff=False) == lifecycle.TRANSITIONS[status]


def test_only_the_system_may_expire_a_hold():
    assert lifecycle.allowed_targets(PENDING) == {CONFIRMED, CANCELLED}
    assert EXPIRED in lifecycle.allowed_targets(PENDING, staff=False)
    assert not lifecycle.may_move(PENDING, EXPIRED)
    assert lifecycle.may_move(PENDING, EXPIRED, system=True)
    assert lifecycle.may_move(CONFIRMED, CHECKED_IN)
    assert not lifecycle.may_move(CHECKED_OUT, CHECKED_IN, system=True)


@pytest.mark.parametrize(
    ("status", "cancellable"),
    [(PENDING, True), (CONFIRMED, True), (CHECKED_IN, False)] + [(s, False) for s in ENDED],
)
def test_can_cancel_a_booking_that_has_not_started(status, cancellable):
    assert lifecycle.can_cancel(booking(status, expires_at=LATER)) is cancellable


@pytest.mark.parametrize(
    ("status", "expires_at", "live"),
    [
        (PENDING, LATER, True),
        (PENDING, EARLIER, False),
        (PENDING, NOW, False),  # the hold ends at expiresAt
        (PENDING, None, False),
        (CONFIRMED, LATER, False),
        (EXPIRED, LATER, False),
    ],
)
def test_a_hold_is_live_while_pending_and_not_run_out(status, expires_at, live):
    held = booking(status, expires_at=expires_at)

    assert lifecycle.hold_is_live(held, NOW) is live
    assert lifecycle.can_pay(held, NOW) is live
    assert lifecycle.hold_has_lapsed(held, NOW) is (status == PENDING and not live)


@pytest.mark.parametrize(
    ("status", "expires_at", "for_guest", "for_staff"),
    [
        (CONFIRMED, None, True, True),
        (PENDING, LATER, True, True),
        (PENDING, EARLIER, False, True),  # a lapsed hold: the guest may not move it, staff may
        (CHECKED_IN, None, False, False),
    ]
    + [(s, LATER, False, False) for s in ENDED],
)
def test_can_change_a_stay_not_started_and_a_guest_only_a_live_hold(
    status, expires_at, for_guest, for_staff
):
    stay = booking(status, expires_at=expires_at)

    assert lifecycle.can_change(stay, NOW) is for_guest
    assert lifecycle.can_change(stay) is for_staff
    assert (status in lifecycle.CHANGEABLE) is for_staff


@pytest.mark.parametrize("status", STATUSES)
def test_only_live_statuses_hold_nights(status):
    assert lifecycle.holds_nights(booking(status)) is (status in (PENDING, CONFIRMED, CHECKED_IN))
