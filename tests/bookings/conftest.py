from datetime import date, timedelta

import pytest

from bookings.services import booking_create
from tests.conftest import NOW

# NOW is 2026-03-02 09:30 UTC; stays start a week later.
D = date(2026, 3, 9)


def day(n: int) -> date:
    return D + timedelta(days=n)


@pytest.fixture
def make_booking():
    def make(room_id="R-1", start=0, nights=2, now=NOW, **kw):
        fields = {"guests": 2, "guest_name": "Ada Guest", "guest_email": "ada@guest.test"}
        fields.update(kw)
        return booking_create(
            room_id=room_id,
            check_in=day(start),
            check_out=day(start + nights),
            actor="test",
            now=now,
            **fields,
        )

    return make


@pytest.fixture
def room(make_room):
    return make_room(roomId="R-1", capacity=2, pricePerNight=10000)
