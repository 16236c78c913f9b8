"""No double booking under load: many concurrent HTTP requests for overlapping stays."""

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest

from bookings.models import Booking, RoomNight
from tests.bookings.test_services import assert_invariants

REQUESTS = 60


@pytest.fixture(autouse=True)
def _no_hold_cap(settings):
    """These requests all come from 127.0.0.1; the per-client hold cap is not what they test
    (tests/bookings/test_guest_holds.py does)."""
    settings.HOTEL_GUEST_HOLDS_PER_CLIENT = 0


def post(url: str, body: dict) -> int:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_concurrent_overlapping_requests_sell_the_room_exactly_once(live_url, make_room):
    make_room(roomId="R-HOT", capacity=2)
    anchor = date.today() + timedelta(days=40)
    bodies = []
    for n in range(REQUESTS):
        # Every stay contains the anchor night, so any two of them overlap.
        check_in = anchor - timedelta(days=n % 3)
        check_out = anchor + timedelta(days=1 + n % 4)
        bodies.append(
            {
                "roomId": "R-HOT",
                "checkIn": check_in.isoformat(),
                "checkOut": check_out.isoformat(),
                "guests": 1,
                "guestName": f"Guest {n}",
                "guestEmail": f"g{n}@load.test",
            }
        )
    barrier = threading.Barrier(REQUESTS)

    def attempt(body):
        barrier.wait()
        return post(f"{live_url}/api/bookings", body)

    with ThreadPoolExecutor(max_workers=REQUESTS) as pool:
        statuses = list(pool.map(attempt, bodies))

    assert sorted(set(statuses)) == [201, 409], statuses
    assert statuses.count(201) == 1
    assert Booking.count() == 1
    [winner] = list(Booking.scan())
    assert RoomNight.count("R-HOT") == len(winner.nightly)
    assert_invariants()


def test_concurrent_requests_for_different_nights_all_succeed(live_url, make_room):
    make_room(roomId="R-CAL", capacity=2)
    start = date.today() + timedelta(days=60)
    bodies = [
        {
            "roomId": "R-CAL",
            "checkIn": (start + timedelta(days=n)).isoformat(),
            "checkOut": (start + timedelta(days=n + 1)).isoformat(),
            "guests": 1,
            "guestName": "Back To Back",
            "guestEmail": "b2b@load.test",
        }
        for n in range(20)
    ]
    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(lambda b: post(f"{live_url}/api/bookings", b), bodies))
    assert statuses == [201] * 20
    assert RoomNight.count("R-CAL") == 20
    assert_invariants()
