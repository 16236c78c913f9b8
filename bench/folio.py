"""What the bill costs in DynamoDB capacity units, per operation, measured.

    .venv/bin/python -m bench.folio [--samples N]

Starts an in-memory DynamoDB Local, creates rooms and confirmed 2-night stays, and runs each
operation through Django's test client (as the desk's API does) under bench/capacity.py's
CapacityMeter (what DynamoDB reports with ReturnConsumedCapacity), then prints read and write
units per operation: opening a bill, reading one in line, a charge, a desk payment, a
check-out through the balance guard, and issuing the invoice (its PDF stored and emailed
after the write). The units are what DynamoDB Local reports (ReturnConsumedCapacity): a write
inside a transaction counts 2 per KB; its GSI copies are not always included in that figure.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from datetime import UTC, datetime, timedelta

PASSWORD = "bench-pass-2026"


def _setup() -> None:
    os.environ.update(
        HOTEL_STAGE="test",
        HOTEL_TABLE_PREFIX="folio",
        DJANGO_SETTINGS_MODULE="hotel.settings",
        STRIPE_API_BASE="http://127.0.0.1:9",  # never called: desk payments only
        HOTEL_DATA_DIR=tempfile.mkdtemp(prefix="hotel-bench-folio-"),  # media: invoice PDFs
    )
    import django

    django.setup()
    from hotel import dynamo

    dynamo.sync_tables(log=lambda _m: None)
    dynamo.empty_tables()


def _stays(count: int, now: datetime) -> list[str]:
    from bookings.clock import hotel_today
    from bookings.services import booking_create, booking_transition
    from rooms.services import room_create

    today = hotel_today(now)
    ids = []
    for n in range(count):
        room_id = f"B-{n}"
        room_create(
            data={
                "roomId": room_id,
                "roomType": "Deluxe",
                "floorNumber": 1,
                "capacity": 2,
                "pricePerNight": 5000,
                "amenities": [],
            },
            actor="bench",
            now=now,
        )
        booking = booking_create(
            room_id=room_id,
            check_in=today,
            check_out=today + timedelta(days=2),
            guests=2,
            guest_name="Bench Guest",
            guest_email="bench@guest.test",
            actor="bench",
            now=now,
        ).booking
        ids.append(booking.bookingId)
    return ids, booking_transition


def measure(samples: int) -> dict:
    from django.test import Client

    from bench.capacity import CapacityMeter
    from hotel.accounts import roles
    from hotel.accounts.services import staff_create

    now = datetime.now(UTC)
    staff_create(email="bench@staff.test", password=PASSWORD, role=roles.MANAGER, now=now)
    client = Client()
    client.login(username="bench@staff.test", password=PASSWORD)
    ids, transition = _stays(samples, now)
    from payments.folio.models import Folio, FolioLine

    for booking_id in ids:  # confirmed, then the bill the confirm opened is dropped: it opens
        transition(booking_id=booking_id, to_status="confirmed", actor="bench", now=now)
        Folio(bookingId=booking_id).delete()  # again on its first read below, measured
        for line in FolioLine.query(booking_id):
            line.delete()

    def api(method, path, body=None):
        response = getattr(client, method)(path, body, content_type="application/json")
        assert response.status_code < 400, (path, response.status_code, response.content[:300])
        return response

    steps = {
        "open a bill (2 nights, first read)": lambda b: api("get", f"/api/bookings/{b}/folio"),
        "read a bill in line": lambda b: api("get", f"/api/bookings/{b}/folio"),
        "post a charge": lambda b: api(
            "post", f"/api/bookings/{b}/folio/charges", {"description": "Minibar", "amount": 35000}
        ),
        "check in": lambda b: api("put", f"/api/bookings/{b}/status", {"status": "checked-in"}),
        "take a desk payment": lambda b: api(
            "post",
            f"/api/bookings/{b}/folio/payments",
            {"amount": api("get", f"/api/bookings/{b}/folio").json()["balance"], "method": "cash"},
        ),
        "check out (balance guard)": lambda b: api(
            "put", f"/api/bookings/{b}/status", {"status": "checked-out"}
        ),
        "issue the invoice (PDF, email)": lambda b: api("post", f"/api/bookings/{b}/invoices", {}),
    }
    results = {}
    for name, step in steps.items():
        with CapacityMeter() as meter:
            for booking_id in ids:
                step(booking_id)
        results[name] = (meter.read_units / samples, meter.write_units / samples)
    return results


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=10)
    args = parser.parse_args(argv)
    from devtools.services import free_port, start_dynamodb_local

    ddb = start_dynamodb_local(port=free_port(), data_dir=None)
    try:
        os.environ["DYNAMODB_ENDPOINT"] = ddb.url
        _setup()
        results = measure(args.samples)
    finally:
        ddb.stop()
    print(f"Capacity units per operation (mean of {args.samples}, DynamoDB Local):")
    print(f"{'operation':<40}{'RCU':>8}{'WCU':>8}")
    for name, (reads, writes) in results.items():
        print(f"{name:<40}{reads:>8.1f}{writes:>8.1f}")


if __name__ == "__main__":
    main()
