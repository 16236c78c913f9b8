"""Any mix of reservations on a tiny hotel, made one after the other or all at once, keeps
the inventory exact (tests.invariants: each counter's `sold` equals the live bookings of its
type and night, never above the ceiling; no room night twice) and each reservation whole:
all its stays booked, or none of them and nothing held."""

from __future__ import annotations

import contextlib
import threading

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookings.models import Booking
from bookings.reservations.models import Reservation
from bookings.reservations.services import reservation_create
from hotel import dynamo
from hotel.errors import DomainError
from rooms.services import room_create
from tests.bookings.conftest import day
from tests.conftest import NOW
from tests.invariants import inventory_violations

ROOMS = {"D-1": "Deluxe", "D-2": "Deluxe", "S-1": "Suite"}

stays = st.lists(
    st.fixed_dictionaries(
        {
            "kind": st.sampled_from(("Deluxe", "Suite")),
            "start": st.integers(0, 3),
            "nights": st.integers(1, 3),
            "room": st.none() | st.sampled_from(sorted(ROOMS)),
        }
    ),
    min_size=1,
    max_size=3,
)


def _stay(s: dict) -> dict:
    room = s["room"]
    return {
        "roomType": ROOMS[room] if room else s["kind"],
        "roomId": room,
        "adults": 1,
        "checkIn": day(s["start"]),
        "checkOut": day(s["start"] + s["nights"]),
    }


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(reservations=st.lists(stays, min_size=1, max_size=4), concurrent=st.booleans())
def test_counters_equal_live_bookings_and_reservations_are_whole(reservations, concurrent):
    dynamo.empty_tables()
    for room_id, kind in ROOMS.items():
        room_create(
            data={"roomId": room_id, "roomType": kind, "floorNumber": 1, "capacity": 2,
                  "pricePerNight": 10000},
            actor="t",
            now=NOW,
        )  # fmt: skip
    made: dict[int, object] = {}

    def attempt(index: int, wanted: list[dict]) -> None:
        # Refused (unavailable, or a stay's own rule): it must hold nothing.
        with contextlib.suppress(DomainError):
            made[index] = reservation_create(
                booker={"name": f"Booker {index}", "email": f"b{index}@guest.test"},
                stays=[_stay(s) for s in wanted],
                actor="t",
                now=NOW,
            )

    if concurrent:
        threads = [
            threading.Thread(target=attempt, args=(i, w)) for i, w in enumerate(reservations)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    else:
        for i, wanted in enumerate(reservations):
            attempt(i, wanted)

    problems = inventory_violations(capacity_from=day(0))
    assert not problems, "\n".join(problems[:10])
    bookings = list(Booking.scan(consistent_read=True))
    assert Reservation.count() == len(made)
    assert len(bookings) == sum(len(reservations[i]) for i in made)
    for index, created in made.items():
        mine = [b for b in bookings if b.reservationId == created.reservation.reservationId]
        assert len(mine) == len(reservations[index])
