"""Group block fixtures: a type with 6 rooms and a block maker (NOW = 2026-03-02)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bookings.blocks.services import block_create
from bookings.services import booking_create
from tests.conftest import NOW

D = date(2026, 4, 6)  # the block's first night


def day(n: int) -> date:
    return D + timedelta(days=n)


@pytest.fixture
def suites(make_room):
    for n in range(6):
        make_room(roomId=f"S-{n}", roomType="Suite", capacity=3, pricePerNight=20000)
    return "Suite"


@pytest.fixture
def make_block(suites):
    def make(code="WED26", *, units=5, nights=3, start=0, rate=12000, release=None, **kw):
        return block_create(
            code=code,
            name=kw.pop("name", "Smith wedding"),
            room_type=kw.pop("room_type", suites),
            start=day(start),
            end=day(start + nights),
            units_per_night=units,
            rate=rate,
            release_date=release or day(start - 7),
            actor="manager@staff.test",
            now=kw.pop("now", NOW),
            **kw,
        )

    return make


@pytest.fixture
def book_from():
    def make(code="WED26", *, start=0, nights=2, name="Guest", now=NOW, **kw):
        return booking_create(
            check_in=day(start),
            check_out=day(start + nights),
            guests=kw.pop("guests", 2),
            guest_name=name,
            guest_email=kw.pop("guest_email", "guest@wedding.test"),
            actor="t",
            now=now,
            block_code=code,
            **kw,
        )

    return make
