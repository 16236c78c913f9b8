"""The last units of a night under a burst: 200 concurrent type bookings over HTTP."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.utils import timezone

from bookings.clock import hotel_today
from bookings.inventory import inventory_read
from bookings.services import booking_create
from tests.invariants import assert_inventory_consistent

REQUESTS = 200


@pytest.fixture(autouse=True)
def _no_hold_cap(settings):
    """Every request comes from 127.0.0.1; the per-client hold cap is another test's."""
    settings.HOTEL_GUEST_HOLDS_PER_CLIENT = 0


def post(url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def test_200_concurrent_type_bookings_for_the_last_5_units_sell_exactly_5(live_url, make_room):
    for n in range(6):
        make_room(roomId=f"R-{n}", roomType="Suite", capacity=2, pricePerNight=20000)
    now = timezone.now()
    night = hotel_today(now) + timedelta(days=30)
    stay = {"checkIn": night.isoformat(), "checkOut": (night + timedelta(days=1)).isoformat()}
    booking_create(
        room_type="Suite",
        check_in=night,
        check_out=night + timedelta(days=1),
        guests=1,
        guest_name="First",
        guest_email="first@load.test",
        actor="t",
        now=now,
    )  # one of six sold: five left
    barrier = threading.Barrier(REQUESTS)

    def attempt(n: int) -> tuple[int, dict]:
        body = {
            "roomType": "Suite",
            **stay,
            "guests": 1,
            "guestName": f"Guest {n}",
            "guestEmail": f"g{n}@load.test",
        }
        barrier.wait()
        return post(f"{live_url}/api/bookings", body)

    with ThreadPoolExecutor(max_workers=REQUESTS) as pool:
        answers = list(pool.map(attempt, range(REQUESTS)))

    statuses = Counter(code for code, _ in answers)
    assert statuses == {201: 5, 409: REQUESTS - 5}, statuses
    assert {body["error"]["code"] for code, body in answers if code == 409} == {"ROOM_UNAVAILABLE"}
    assert all(body["roomId"] is None for code, body in answers if code == 201)
    [counter] = inventory_read(first=night, last=night, room_type="Suite").values()
    assert (counter.sold, counter.ceiling) == (6, 6)
    assert_inventory_consistent()
