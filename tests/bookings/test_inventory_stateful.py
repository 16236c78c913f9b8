"""Any sequence of what the desk, guests and the system do keeps the inventory exact.

A Hypothesis state machine on a small hotel (Deluxe: 2 rooms, Suite: 1 room, a 4-night
window, so most operations contend) runs create (type or pinned) / cancel / change / assign /
move / out of order (the room's state, and dated periods) / check-in / expire, and checks
after every step, from the data itself (tests.invariants): `sold` equals the live bookings of
each type and night and never passes the ceiling; sellable = the type's rooms in service less
that night's out-of-order periods; no room night is held twice; every assigned booking holds
its room's nights.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from bookings import services
from bookings.models import Booking
from bookings.out_of_order import room_out_of_order_add, room_out_of_order_remove
from hotel import dynamo
from hotel.errors import DomainError
from rooms.services import room_create, room_set_housekeeping
from tests.conftest import NOW
from tests.invariants import inventory_violations

from .conftest import day

ROOMS = {"D-1": "Deluxe", "D-2": "Deluxe", "S-1": "Suite"}
TYPES = ("Deluxe", "Suite")
starts = st.integers(min_value=0, max_value=3)
lengths = st.integers(min_value=1, max_value=3)


class Hotel(RuleBasedStateMachine):
    @initialize()
    def rooms(self):
        dynamo.empty_tables()
        for room_id, kind in ROOMS.items():
            room_create(
                data={
                    "roomId": room_id,
                    "roomType": kind,
                    "floorNumber": 1,
                    "capacity": 2,
                    "pricePerNight": 10000,
                },
                actor="t",
                now=NOW,
            )
        self.ids: list[str] = []
        self.periods: list[tuple[str, str]] = []
        self.outcomes: dict[str, int] = {}

    def _try(self, name: str, call) -> None:
        try:
            call()
            self.outcomes[name + ":ok"] = self.outcomes.get(name + ":ok", 0) + 1
        except DomainError:
            self.outcomes[name + ":refused"] = self.outcomes.get(name + ":refused", 0) + 1

    def _booking(self, index: int) -> str | None:
        return self.ids[index % len(self.ids)] if self.ids else None

    @rule(
        kind=st.sampled_from(TYPES),
        start=starts,
        nights=lengths,
        room=st.none() | st.sampled_from(sorted(ROOMS)),
    )
    def create(self, kind, start, nights, room):
        def call():
            created = services.booking_create(
                room_type=None if room else kind,
                room_id=room,
                check_in=day(start),
                check_out=day(start + nights),
                guests=1,
                guest_name="G",
                guest_email="g@x.test",
                actor="t",
                now=NOW,
            )
            self.ids.append(created.booking.bookingId)

        self._try("create", call)

    @rule(
        index=st.integers(0, 50),
        to=st.sampled_from(["confirmed", "cancelled", "no-show", "checked-in", "checked-out"]),
    )
    def transition(self, index, to):
        booking_id = self._booking(index)
        if booking_id:
            self._try(
                to,
                lambda: services.booking_transition(
                    booking_id=booking_id, to_status=to, actor="t", now=NOW
                ),
            )

    @rule(
        index=st.integers(0, 50),
        start=starts,
        nights=lengths,
        kind=st.none() | st.sampled_from(TYPES),
    )
    def change(self, index, start, nights, kind):
        booking_id = self._booking(index)
        if booking_id:
            self._try(
                "change",
                lambda: services.booking_change(
                    booking_id=booking_id,
                    check_in=day(start),
                    check_out=day(start + nights),
                    room_type=kind,
                    actor="t",
                    now=NOW,
                ),
            )

    @rule(
        index=st.integers(0, 50),
        room=st.none() | st.sampled_from(sorted(ROOMS)),
        pinned=st.booleans(),
    )
    def move(self, index, room, pinned):
        booking_id = self._booking(index)
        if booking_id:
            self._try(
                "move",
                lambda: services.booking_room_set(
                    booking_id=booking_id, room_id=room, pinned=pinned, actor="t", now=NOW
                ),
            )

    @rule()
    def assign(self):
        self._try(
            "assign", lambda: services.rooms_assign(start=day(0), end=day(6), actor="t", now=NOW)
        )

    @rule(room=st.sampled_from(sorted(ROOMS)), state=st.sampled_from(["out_of_order", "clean"]))
    def out_of_order(self, room, state):
        self._try(
            "out_of_order",
            lambda: room_set_housekeeping(room_id=room, state=state, actor="t", now=NOW),
        )

    @rule(room=st.sampled_from(sorted(ROOMS)), start=starts, nights=lengths)
    def out_of_order_period(self, room, start, nights):
        def call():
            period = room_out_of_order_add(
                room_id=room,
                start=day(start),
                end=day(start + nights),
                reason="repair",
                actor="t",
                now=NOW,
            )
            self.periods.append((room, period["id"]))

        self._try("period", call)

    @rule(index=st.integers(0, 20))
    def back_in_service(self, index):
        if self.periods:
            room, period_id = self.periods.pop(index % len(self.periods))
            self._try(
                "period_end",
                lambda: room_out_of_order_remove(
                    room_id=room, period_id=period_id, actor="t", now=NOW
                ),
            )

    @rule()
    def expire(self):
        self._try("expire", lambda: services.holds_expire(now=NOW + timedelta(days=3)))

    @invariant()
    def inventory_is_exact(self):
        if hasattr(self, "ids"):
            problems = inventory_violations(capacity_from=day(0))
            assert not problems, "\n".join(problems[:10])

    def teardown(self):
        if hasattr(self, "ids"):
            assert all(Booking.count(i) == 1 for i in self.ids[:3])


TestHotel = Hotel.TestCase
TestHotel.settings = settings(
    max_examples=12,
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(autouse=True)
def _hold_minutes(settings):
    settings.HOTEL_HOLD_MINUTES = 60 * 24  # staff holds end a day after NOW: `expire` ends them
