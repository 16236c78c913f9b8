"""Any sequence of block operations keeps the inventory exact: a Hypothesis state machine on
a type of 4 rooms with a block of 3 units over 3 nights runs bookings from the block and
from general sale, cancels, hold expiry, a night released alone (a release interrupted
half-way) and the whole release, and checks after every step (tests.invariants) that each
counter's `sold` = live non-block bookings + unreleased block units + picked bookings on
released nights, and each block night's `picked` = its live bookings."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from bookings import services
from bookings.blocks.models import Block
from bookings.blocks.selectors import block_nights
from bookings.blocks.services import _night_release, block_create, block_release
from hotel import dynamo
from hotel.errors import DomainError
from rooms.services import room_create
from tests.conftest import NOW
from tests.invariants import inventory_violations

from .conftest import day

starts = st.integers(min_value=0, max_value=3)
lengths = st.integers(min_value=1, max_value=2)


class BlockHotel(RuleBasedStateMachine):
    @initialize()
    def hotel(self):
        dynamo.empty_tables()
        for n in range(4):
            room_create(
                data={
                    "roomId": f"S-{n}",
                    "roomType": "Suite",
                    "floorNumber": 1,
                    "capacity": 2,
                    "pricePerNight": 10000,
                },
                actor="t",
                now=NOW,
            )
        block_create(
            code="GRP",
            name="Group",
            room_type="Suite",
            start=day(0),
            end=day(3),
            units_per_night=3,
            rate=8000,
            release_date=day(-3),
            actor="t",
            now=NOW,
        )
        self.ids: list[str] = []

    def _try(self, call) -> None:
        with contextlib.suppress(DomainError):  # a refusal is fine; the counters must hold
            call()

    @rule(start=starts, nights=lengths, from_block=st.booleans())
    def book(self, start, nights, from_block):
        def call():
            made = services.booking_create(
                room_type=None if from_block else "Suite",
                check_in=day(start),
                check_out=day(start + nights),
                guests=1,
                guest_name="Guest",
                guest_email="g@x.test",
                actor="t",
                now=NOW,
                block_code="GRP" if from_block else None,
            )
            self.ids.append(made.booking.bookingId)

        self._try(call)

    @rule(index=st.integers(min_value=0, max_value=20))
    def cancel(self, index):
        if self.ids:
            booking_id = self.ids[index % len(self.ids)]
            self._try(lambda: services.booking_cancel(booking_id=booking_id, actor="t", now=NOW))

    @rule()
    def expire(self):
        self._try(lambda: services.holds_expire(now=NOW + timedelta(days=3)))

    @rule(index=st.integers(min_value=0, max_value=2))
    def release_one_night(self, index):
        nights = block_nights(Block.get("GRP", consistent_read=True), consistent=True)
        _night_release(nights[index], now=NOW)

    @rule()
    def release(self):
        block_release(code="GRP", actor="t", now=NOW)

    @invariant()
    def inventory_is_exact(self):
        if hasattr(self, "ids"):
            problems = inventory_violations()
            assert not problems, "\n".join(problems[:10])


TestBlockHotel = BlockHotel.TestCase
TestBlockHotel.settings = settings(
    max_examples=10,
    stateful_step_count=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(autouse=True)
def _hold_minutes(settings):
    settings.HOTEL_HOLD_MINUTES = 60 * 24  # staff holds end a day after NOW: `expire` ends them
