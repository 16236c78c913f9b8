"""Load generation over HTTP and the inventory invariants the reliability tests check."""

from __future__ import annotations

import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta

import requests

from bookings.models import Booking
from tests.invariants import inventory_violations as counter_violations


@dataclass(frozen=True)
class Attempt:
    room_id: str | None  # None: a unit of `room_type` (the room is assigned later)
    check_in: date
    nights: int
    room_type: str = "Deluxe"

    def body(self, n: int) -> dict:
        return {
            **({"roomId": self.room_id} if self.room_id else {"roomType": self.room_type}),
            "checkIn": self.check_in.isoformat(),
            "checkOut": (self.check_in + timedelta(days=self.nights)).isoformat(),
            "guests": 1,
            "guestName": f"Storm Guest {n}",
            "guestEmail": f"storm{n}@guest.test",
        }


@dataclass
class Outcome:
    """What the server answered: status -> count, and every 201's booking (id -> attempt)."""

    statuses: Counter = field(default_factory=Counter)
    created: dict[str, Attempt] = field(default_factory=dict)
    server_errors: list[str] = field(default_factory=list)
    transport_errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def plan_attempts(
    rng: random.Random,
    *,
    rooms: list[str],
    count: int,
    first: date,
    days: int,
    type_share: float = 0.0,
    room_type: str = "Deluxe",
) -> list[Attempt]:
    """`count` stays of 1-3 nights over `rooms` and `days` nights from `first`: crowded enough
    that many attempts collide. A `type_share` of them book a unit of `room_type` instead of
    pinning a room."""
    return [
        Attempt(
            None if rng.random() < type_share else rng.choice(rooms),
            first + timedelta(days=rng.randrange(days)),
            rng.randint(1, 3),
            room_type,
        )
        for _ in range(count)
    ]


_local = threading.local()


def _session() -> requests.Session:
    if not hasattr(_local, "session"):
        _local.session = requests.Session()
    return _local.session


def post_booking(base_url: str, attempt: Attempt, n: int, outcome: Outcome, timeout=30) -> None:
    try:
        response = _session().post(
            f"{base_url}/api/bookings", json=attempt.body(n), timeout=timeout
        )
    except requests.RequestException:
        with outcome.lock:
            outcome.transport_errors += 1
        return
    with outcome.lock:
        outcome.statuses[response.status_code] += 1
        if response.status_code == 201:
            outcome.created[response.json()["bookingId"]] = attempt
        elif response.status_code >= 500:
            outcome.server_errors.append(f"{response.status_code} {response.text[:500]}")


def storm(base_url: str, attempts: list[Attempt], *, concurrency: int) -> Outcome:
    outcome = Outcome()
    with ThreadPoolExecutor(concurrency) as pool:
        for n, attempt in enumerate(attempts):
            pool.submit(post_booking, base_url, attempt, n, outcome)
    return outcome


def nights_of(booking: Booking) -> list[str]:
    start = date.fromisoformat(booking.checkIn)
    end = date.fromisoformat(booking.checkOut)
    return [(start + timedelta(days=i)).isoformat() for i in range((end - start).days)]


def inventory_violations(created: dict[str, Attempt] | None = None) -> list[str]:
    """Everything wrong with the inventory (tests.invariants: counters, room nights, none
    held twice, no orphan), and every booking in `created` (answered 201) exists, for the
    room (or type) and dates asked."""
    problems: list[str] = []
    bookings = {b.bookingId: b for b in Booking.scan(consistent_read=True)}
    for booking_id, attempt in (created or {}).items():
        booking = bookings.get(booking_id)
        if booking is None:
            problems.append(f"{booking_id} was answered 201 but does not exist")
            continue
        expected = (attempt.room_id, attempt.check_in.isoformat(), attempt.nights)
        actual = (booking.roomId, booking.checkIn, len(nights_of(booking)))
        if attempt.room_id is None:  # a unit of a type: no room until one is assigned
            expected, actual = (*expected, attempt.room_type), (*actual, booking.roomType)
        if expected != actual:
            problems.append(f"{booking_id}: asked {expected}, stored {actual}")
    return problems + counter_violations()
