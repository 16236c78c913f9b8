"""A booking storm over HTTP: hundreds of concurrent attempts on a few rooms, against gunicorn.

The only acceptable answers are 201 (the room was free) and 409 (it was taken); whatever the
interleaving, the inventory must come out consistent (tests/reliability/helpers.py).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from bookings.models import RoomNight
from bookings.services import booking_create

from .helpers import Attempt, inventory_violations, plan_attempts, storm

pytestmark = pytest.mark.reliability

ROOMS = 10
ATTEMPTS = 240
CONCURRENCY = 24


def test_booking_storm_never_double_books_and_never_fails_with_5xx(app_server, make_room):
    rooms = [make_room(roomId=f"R-STORM-{i:02d}").roomId for i in range(ROOMS)]
    first = (datetime.now(UTC) + timedelta(days=30)).date()
    # 10 rooms x 12 nights = 120 room-nights for 240 stays of 1-3 nights: most attempts collide.
    # A third book a unit of the type instead of a room: pinned rooms and units contend.
    attempts = plan_attempts(
        random.Random(8), rooms=rooms, count=ATTEMPTS, first=first, days=12, type_share=0.33
    )

    outcome = storm(app_server.url, attempts, concurrency=CONCURRENCY)

    assert outcome.server_errors == []
    assert outcome.transport_errors == 0
    assert set(outcome.statuses) <= {201, 409}, outcome.statuses
    assert sum(outcome.statuses.values()) == ATTEMPTS
    assert outcome.statuses[201] >= ROOMS and outcome.statuses[409] > 0, outcome.statuses
    assert inventory_violations(outcome.created) == []


def test_the_invariant_check_sees_double_bookings_orphans_and_lost_bookings(make_room):
    """The storm's oracle can fail: plant each kind of damage and expect it reported."""
    room = make_room(roomId="R-ORACLE").roomId
    first = (datetime.now(UTC) + timedelta(days=40)).date()
    a = booking_create(**_stay(room, first, 2, "a"))
    b_first = first + timedelta(days=5)
    b = booking_create(**_stay(room, b_first, 1, "b"))
    assert inventory_violations({a.booking.bookingId: Attempt(room, first, 2)}) == []

    # b's booking now claims a's first night too; a night with no booking; a lost 201.
    b.booking.checkIn = first.isoformat()
    b.booking.save()
    RoomNight(
        roomId=room, night=(first + timedelta(days=9)).isoformat(), bookingId="BK-GONE"
    ).save()
    problems = inventory_violations({"BK-NEVER": Attempt(room, first, 1)})

    text = "\n".join(problems)
    assert f"in live bookings {a.booking.bookingId} and {b.booking.bookingId}" in text or (
        f"in live bookings {b.booking.bookingId} and {a.booking.bookingId}" in text
    )
    assert "orphan night" in text and "BK-GONE" in text
    assert "BK-NEVER was answered 201 but does not exist" in text


def _stay(room_id, check_in, nights, who):
    return {
        "room_id": room_id,
        "check_in": check_in,
        "check_out": check_in + timedelta(days=nights),
        "guests": 1,
        "guest_name": f"Oracle {who}",
        "guest_email": f"{who}@guest.test",
        "actor": "test",
        "now": datetime.now(UTC),
    }
