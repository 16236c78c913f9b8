"""Demo bookings around today for `make run` (seed_demo): the dashboard, the rack and the
housekeeping board have something to show. Local stage only.

Idempotent per day: the set is keyed by today's date (a marker guest email); running the
seed again the same day adds nothing, and a later day adds a fresh set around that day
(stays that would collide with earlier ones are skipped). Bookings in the past are made
through the same services with `now` set back in time, as the front desk would have.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from hotel.errors import DomainError
from rooms.demo import demo_rooms
from rooms.models import Room
from rooms.services import room_set_housekeeping

from .clock import hotel_today
from .models import Booking
from .services import booking_create, booking_transition

ACTOR = "demo-seed"
GUESTS = (
    "Asha Menon", "Ravi Iyer", "Meera Rao", "Arjun Shah", "Leela Khan", "Omar Haddad",
    "Lena Novak", "Jonas Weber", "Yuki Tanaka", "Diego Silva", "Priya Nair", "Tom Becker",
    "Sara Costa", "Kenji Mori", "Anika Das", "Rohan Gupta", "Elif Kaya", "Noah Peters",
)  # fmt: skip
# (days from today the stay starts, nights, final status, days before arrival it was booked)
PLAN = (
    # in house, some leaving today
    (-3, 3, "checked-in", 20), (-2, 2, "checked-in", 9), (-1, 1, "checked-in", 3),
    (-2, 4, "checked-in", 30), (-1, 3, "checked-in", 12), (-4, 6, "checked-in", 40),
    (-1, 2, "checked-in", 2), (-3, 5, "checked-in", 18),
    # gone earlier this week / month
    (-9, 3, "checked-out", 25), (-7, 2, "checked-out", 14), (-6, 4, "checked-out", 33),
    (-12, 5, "checked-out", 45), (-5, 2, "checked-out", 6), (-14, 3, "checked-out", 21),
    (-4, 2, "no-show", 10),
    # arriving today
    (0, 2, "confirmed", 15), (0, 3, "confirmed", 4), (0, 1, "confirmed", 1),
    (0, 4, "confirmed", 28), (0, 2, "pending", 0),
    # the coming weeks
    (1, 2, "confirmed", 11), (1, 5, "confirmed", 19), (2, 3, "confirmed", 7),
    (3, 2, "confirmed", 5), (3, 4, "confirmed", 26), (4, 1, "pending", 0),
    (5, 3, "confirmed", 12), (6, 2, "confirmed", 9), (7, 7, "confirmed", 35),
    (8, 2, "cancelled", 6), (9, 3, "confirmed", 16), (10, 2, "confirmed", 3),
    (12, 4, "confirmed", 22), (14, 2, "confirmed", 8), (16, 3, "cancelled", 10),
    (18, 5, "confirmed", 30), (21, 2, "confirmed", 13), (25, 3, "confirmed", 17),
)  # fmt: skip
STEPS = {
    "pending": [],
    "confirmed": ["confirmed"],
    "checked-in": ["confirmed", "checked-in"],
    "checked-out": ["confirmed", "checked-in", "checked-out"],
    "cancelled": ["confirmed", "cancelled"],
    "no-show": ["confirmed", "no-show"],
}
HOUSEKEEPING = {"dirty": 5, "inspected": 6, "out_of_service": 1, "out_of_order": 1}


def _marker(today) -> str:
    return f"seed-{today:%Y%m%d}@demo.hotel"


def seed_demo_bookings(*, now: datetime, log=print, settle=None) -> int:
    """Create today's demo bookings unless they exist. Returns how many were made.

    `settle(booking_id, when)` pays a departing guest's bill before the check-out (payments
    passes it: a check-out with money owed is refused); without it the demo's departed
    guests are checked out as if a manager had overridden the balance."""
    today = hotel_today(now)
    marker = _marker(today)
    if next(iter(Booking.by_guest.query(marker, limit=1)), None) is not None:
        log(f"demo bookings for {today}: already there")
        return 0
    rng = random.Random(today.toordinal())
    room_ids = [room["roomId"] for room in demo_rooms()]
    free_from = dict.fromkeys(room_ids, today - timedelta(days=60))
    created = 0
    arriving: set[str] = set()
    for i, (start, nights, status, lead) in enumerate(PLAN):
        check_in = today + timedelta(days=start)
        check_out = check_in + timedelta(days=nights)
        candidates = [r for r in room_ids if free_from[r] <= check_in]
        if not candidates:
            continue
        room_id = rng.choice(candidates)
        booked_at = now + timedelta(days=min(start, 0) - lead, hours=-rng.randint(0, 9))
        arrival_time = now + timedelta(days=start) if start < 0 else now
        name = GUESTS[i % len(GUESTS)]
        email = marker if i == 0 else f"{name.split()[0].lower()}.{today:%m%d}{i}@guest.test"
        try:
            booking = booking_create(
                room_id=room_id,
                check_in=check_in,
                check_out=check_out,
                guests=1 + i % 2,
                guest_name=name,
                guest_email=email,
                source=("web", "api", "front_desk")[i % 3],
                actor=ACTOR,
                now=booked_at,
            ).booking
            for step in STEPS[status]:
                when = {
                    "confirmed": booked_at + timedelta(minutes=20),
                    "checked-in": arrival_time,
                    "checked-out": now + timedelta(days=start + nights - 1),
                    "cancelled": booked_at + timedelta(days=1),
                    "no-show": arrival_time + timedelta(hours=12),
                }[step]
                if step == "checked-out" and settle is not None:
                    settle(booking.bookingId, when)
                booking_transition(
                    booking_id=booking.bookingId,
                    to_status=step,
                    actor=ACTOR,
                    now=when,
                    override_balance=settle is None,
                )
        except DomainError as exc:
            log(f"  skipped a demo stay in {room_id}: {exc.message}")
            continue
        if status not in ("cancelled", "no-show"):
            free_from[room_id] = check_out
            if start == 0:
                arriving.add(room_id)
        created += 1
    _demo_housekeeping(rng, now=now, arriving=arriving)
    log(f"demo bookings for {today}: {created} created")
    return created


def _demo_housekeeping(rng: random.Random, *, now: datetime, arriving: set[str]) -> None:
    """A few rooms to clean, inspected, out of service and out of order. Rooms a guest
    arrives in today come last, so they stay ready: the seed would otherwise hand the front
    desk, on some days, an arrival that it cannot check in."""
    vacant = [room.roomId for room in Room.scan() if room.status == "available"]
    rng.shuffle(vacant)
    vacant.sort(key=lambda room_id: room_id in arriving)  # stable: arrivals last
    for state, count in HOUSEKEEPING.items():
        for room_id in vacant[:count]:
            room_set_housekeeping(room_id=room_id, state=state, actor=ACTOR, now=now)
        vacant = vacant[count:]
