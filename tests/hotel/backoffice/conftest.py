"""Three rooms for the dashboard, rack and reports tests (other modules here bring their own)."""

import pytest


@pytest.fixture
def rooms(make_room):
    for room_id in ("101", "102", "103"):
        make_room(roomId=room_id, capacity=2, pricePerNight=10000)
