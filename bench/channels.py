"""What an OTA calendar sync and an availability poll cost in DynamoDB capacity units.

    .venv/bin/python -m bench.channels [--stays N] [--types N]

Starts an in-memory DynamoDB Local and a local HTTP server with an Airbnb-shaped calendar
of one year (N reservations of 2–5 nights and a few "Not available" closures), registers it
as a channel and measures, with bench/capacity.py's CapacityMeter (ReturnConsumedCapacity):
the first sync (every stay imported), a sync of the same feed (nothing to do), and a sync
after the feed moved one stay, dropped one and added one. Then the availability feed
(GET /api/ari through Django's test client, 365 days, every type and plan) in full, and
with `changedSince` after one booking (the cursor's overlap shortened to 1 s, so that the
syncs just before are not in it). Units are DynamoDB Local's (a transactional write
counts 2 per KB).
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def _setup() -> None:
    os.environ.update(
        HOTEL_STAGE="test",
        HOTEL_TABLE_PREFIX="chan",
        DJANGO_SETTINGS_MODULE="hotel.settings",
        STRIPE_API_BASE="http://127.0.0.1:9",
        HOTEL_DATA_DIR=tempfile.mkdtemp(prefix="hotel-bench-channels-"),
    )
    import django

    django.setup()
    from hotel import dynamo

    dynamo.sync_tables(log=lambda _m: None)
    dynamo.empty_tables()


def _feed(events: list[tuple[str, object, object, str]]) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Airbnb Inc//Hosting Calendar 1.0//EN"]
    for uid, first, last, summary in events:
        lines += [
            "BEGIN:VEVENT",
            f"DTSTART;VALUE=DATE:{first:%Y%m%d}",
            f"DTEND;VALUE=DATE:{last:%Y%m%d}",
            f"SUMMARY:{summary}",
            f"UID:{uid}",
            "END:VEVENT",
        ]
    return ("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n").encode()


class _Server:
    def __init__(self) -> None:
        self.body = b""
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar")
                self.send_header("Content-Length", str(len(server.body)))
                self.end_headers()
                self.wfile.write(server.body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/calendar.ics"


def measure(stays: int, types: int) -> list[tuple[str, float, float, float, str]]:
    from django.utils import timezone
    from rest_framework.test import APIClient

    from bench.capacity import CapacityMeter
    from bookings.channels.services import channel_create
    from bookings.channels.sync import channel_sync
    from bookings.clock import hotel_today
    from bookings.services import booking_create
    from hotel.accounts import roles
    from hotel.accounts.services import api_token_issue, staff_create
    from rooms.services import room_create

    now = timezone.now()
    today = hotel_today(now)
    from rooms.models import ROOM_TYPES

    codes = list(ROOM_TYPES)[:types]
    for t, code in enumerate(codes):
        for n in range(max(3, stays // 20)):
            room_create(
                data={"roomId": f"T{t}-{n}", "roomType": code, "floorNumber": 1,
                      "capacity": 2, "pricePerNight": 9000 + 1000 * t, "amenities": []},
                actor="bench", now=now,
            )  # fmt: skip
    rng = random.Random(7)
    events, day = [], today + timedelta(days=1)
    while len(events) < stays and day < today + timedelta(days=360):
        nights = rng.randint(2, 5)
        summary = "Reserved" if rng.random() > 0.1 else "Airbnb (Not available)"
        events.append((f"HM{len(events):04d}@airbnb.com", day, day + timedelta(nights), summary))
        day += timedelta(days=nights + rng.randint(0, 2))
    server = _Server()
    server.body = _feed(events)
    channel = channel_create(name="Airbnb", url=server.url, room_type=codes[0], actor="bench",
                             now=now)  # fmt: skip
    rows = []

    def run(label: str, call, note=lambda result: "") -> object:
        started = time.perf_counter()
        with CapacityMeter() as meter:
            result = call()
        seconds = time.perf_counter() - started
        rows.append((label, meter.read_units, meter.write_units, seconds, note(result)))
        return result

    def sync():
        return channel_sync(channel_id=channel.channelId, now=timezone.now())

    def counts(r):
        return (
            f"{r.created} created, {r.updated} moved, {r.released} released, {r.closures} closures"
        )

    run(f"first sync ({len(events)} events, 365 days)", sync, counts)
    run("same feed again", sync, counts)
    moved = list(events)
    stays_at = [i for i, e in enumerate(events) if e[3] == "Reserved"]
    uid, first, last, summary = moved[stays_at[1]]  # a day later: into the gap after it
    moved[stays_at[1]] = (uid, first + timedelta(days=1), last + timedelta(days=1), summary)
    moved.pop(stays_at[3])
    end = max(e[2] for e in events)
    moved.append(("HMNEW@airbnb.com", end + timedelta(days=2), end + timedelta(days=4), "Reserved"))
    server.body = _feed(moved)
    run("feed changed (1 moved, 1 gone, 1 new)", sync, counts)

    manager = staff_create(email="m@bench.test", password="bench-pass-2026",
                           role=roles.MANAGER, now=now)  # fmt: skip
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_issue(user=manager, now=now).token}")
    window = {"from": today.isoformat(), "to": (today + timedelta(days=364)).isoformat()}

    def ari(**extra):
        answer = client.get("/api/ari", {**window, **extra})
        assert answer.status_code == 200, answer.content
        return answer.json()

    def days(body):
        return f"{sum(len(t['days']) for t in body['roomTypes'])} (type, date) entries"

    # The cursor overlaps the previous poll by CURSOR_OVERLAP (60 s): shortened here, so
    # that the syncs a second ago are not in the incremental answer.
    import bookings.ari

    bookings.ari.CURSOR_OVERLAP = 1
    time.sleep(2)
    ari()  # warm the process's catalog copies, as a polling Lambda is
    full = run(f"ARI poll, 365 days x {types} types, full", ari, days)
    booking_create(
        room_type=codes[-1], check_in=today + timedelta(days=30),
        check_out=today + timedelta(days=32), guests=1, guest_name="Bench",
        guest_email="b@bench.test", actor="bench", now=timezone.now(),
    )  # fmt: skip
    time.sleep(2)
    run("ARI poll, changedSince, after 1 booking", lambda: ari(changedSince=full["cursor"]), days)
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stays", type=int, default=80, help="events in the year's feed")
    parser.add_argument("--types", type=int, default=3, help="room types")
    args = parser.parse_args(argv)
    from devtools.services import free_port, start_dynamodb_local

    ddb = start_dynamodb_local(port=free_port(), data_dir=None)
    try:
        os.environ["DYNAMODB_ENDPOINT"] = ddb.url
        _setup()
        rows = measure(args.stays, args.types)
    finally:
        ddb.stop()
    stamp = f"{datetime.now(UTC):%Y-%m-%d}"
    print(f"Channels and the availability feed, capacity units (DynamoDB Local, {stamp}):")
    print(f"{'operation':<46}{'RCU':>8}{'WCU':>8}{'s':>7}  result")
    for label, reads, writes, seconds, note in rows:
        print(f"{label:<46}{reads:>8.1f}{writes:>8.1f}{seconds:>7.2f}  {note}")


if __name__ == "__main__":
    main()
