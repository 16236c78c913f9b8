"""A monthly AWS cost model of the hotel, from measured figures and stated public prices.

    .venv/bin/python -m bench.cost            # measure (about a minute), then print the model
    .venv/bin/python -m bench.cost --cached   # print from bench/results/cost.json

What is measured, on this machine, against a fresh in-memory DynamoDB Local:
- capacity units per request (bench/capacity.py's CapacityMeter: what DynamoDB reports with
  ReturnConsumedCapacity) for each request kind of the mix, run through Django in-process;
- Lambda durations: the packaged handler (`make package`'s zip, unzipped, run isolated by
  infra/lambda_local.py) answering recorded API Gateway v2 events: cold (import + first
  request) once, then the warm median per request kind, and the scheduled sweeper.
Everything else (the request mix, cold-start rate, bytes per request) is an assumption,
printed with the result. Prices are AWS's public us-east-1 list prices (PRICES_AS_OF);
free tiers are ignored, so the totals are upper bounds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results" / "cost.json"
EVENTS = REPO / "tests" / "deploy" / "events"

# AWS's public list prices, us-east-1, x86, no free tier. DynamoDB on demand as cut on
# 2024-11-01 (https://aws.amazon.com/dynamodb/pricing/on-demand/: $0.625 per million write
# request units, $0.125 per million read request units; the model used the older $1.25 and
# $0.25 until 2026-12); Lambda and SnapStart from https://aws.amazon.com/lambda/pricing/.
# Written from those pages as published in 2025-2026; this machine has no internet to re-read
# them: check them before quoting a figure.
PRICES_AS_OF = "2026-12 (aws.amazon.com/lambda/pricing, …/dynamodb/pricing/on-demand; us-east-1)"
PRICES = {
    "lambda_request": 0.20 / 1e6,
    "lambda_gb_second": 0.0000166667,
    "snapstart_cache_gb_second": 0.0000015046,  # per GB-s a version's snapshot is cached
    "snapstart_restore_gb": 0.0001397998,  # per GB restored (each new environment)
    "http_api_request": 1.00 / 1e6,  # API Gateway HTTP API (zappa "apigateway_version": "v2")
    "rest_api_request": 3.50 / 1e6,  # for comparison: REST API (v1)
    "dynamodb_write_unit": 0.625 / 1e6,  # on-demand write request unit (since 2024-11-01)
    "dynamodb_read_unit": 0.125 / 1e6,  # on-demand read request unit (since 2024-11-01)
    "dynamodb_storage_gb": 0.25,
    "dynamodb_pitr_gb": 0.20,
    "cloudfront_https_request": 0.0100 / 1e4,
    "cloudfront_gb_out": 0.085,
    "s3_storage_gb": 0.023,
    "s3_get_request": 0.0004 / 1e3,
    "waf_web_acl": 5.00,
    "waf_rule": 1.00,
    "waf_request": 0.60 / 1e6,
    "secrets_secret": 0.40,
    "secrets_api_call": 0.05 / 1e4,
    "logs_ingest_gb": 0.50,
    "route53_zone": 0.50,
    "eventbridge_event": 1.00 / 1e6,
    "ses_email": 0.10 / 1e3,
}

# What a month of traffic looks like: share of the dynamic requests (those reaching Lambda).
MIX = {
    "home_page": 0.10,
    "rooms_list": 0.40,
    "availability": 0.25,
    "booking_get": 0.10,
    "booking_create": 0.05,
    "stripe_webhook": 0.05,
    "admin_page": 0.05,
}
ASSUMPTIONS = {
    "memory_mb": 1024,  # prod's memory_size
    "requests_per_cold_start": 500,  # new environments (SnapStart restores) per request
    "min_cold_starts": 60,  # deploys, scale-in, environments recycled
    # Cached snapshots (prod, one function): the alias's version, plus, for 14 days after a
    # deploy, its code-only twin and the previous deploy's two (a monthly deploy: about 2).
    "snapstart_versions": 2,
    "cloudfront_requests_per_dynamic": 4,  # 1 dynamic + static/media hits at the edge
    "kb_per_dynamic_response": 15,
    "kb_per_edge_response": 30,
    "log_kb_per_request": 0.6,  # one access line + a warning now and then (JSON)
    "events_per_booking": 3,  # BookingCreated, BookingConfirmed, PaymentSucceeded
    "emails_per_booking": 1,
    "storage_gb": 1,  # DynamoDB items (+ PITR) and S3 media/static
    "waf_rules": 4,  # rate limit + 3 managed rule groups (infra/cloudfront.yaml)
    # Scheduled invocations per month (zappa_settings.json): sweeper every 5 minutes, email
    # retry every 15, block release hourly, five daily jobs (stats, night audit, room
    # assignment, ID erasure, check-in invitations); prod starts from snapshots: no keep-warm.
    "scheduled_invocations": 30 * 24 * 12 + 30 * 24 * 4 + 30 * 24 + 30 * 5,
}
VOLUMES = [1_000, 100_000, 1_000_000]


# --- measuring ---------------------------------------------------------------------------------


def _event(name: str) -> dict:
    return json.loads((EVENTS / f"{name}.json").read_text())


def _v2(path: str, *, method: str = "GET", body: bytes | None = None, query: str = "") -> dict:
    event = _event("apigw_v2_get_rooms")
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    event["requestContext"]["http"]["method"] = method
    event["rawQueryString"] = query
    event.pop("queryStringParameters", None)
    if body is not None:
        import base64

        event["body"] = base64.b64encode(body).decode()
        event["isBase64Encoded"] = True
        event["headers"]["content-type"] = "application/json"
        event["headers"]["content-length"] = str(len(body))
    return event


def _signed_webhook(secret: str, n: int) -> tuple[bytes, str]:
    import hashlib
    import hmac

    body = json.dumps({"id": f"evt_cost_{n}_{time.time_ns()}", "type": "customer.updated"})
    timestamp = int(time.time())
    mac = hmac.new(secret.encode(), b"%d." % timestamp + body.encode(), hashlib.sha256)
    return body.encode(), f"t={timestamp},v1={mac.hexdigest()}"


def measure(samples: int = 15) -> dict:
    """Start DynamoDB Local, seed a 30-room hotel, measure capacity units and durations."""
    from devtools.services import free_port, start_dynamodb_local

    work = Path(tempfile.mkdtemp(prefix="hotel-cost-"))
    ddb = start_dynamodb_local(port=free_port(), data_dir=None)
    try:
        os.environ.update(
            HOTEL_STAGE="test",
            HOTEL_TABLE_PREFIX="cost",
            DYNAMODB_ENDPOINT=ddb.url,
            DJANGO_SETTINGS_MODULE="hotel.settings",
            HOTEL_DATA_DIR=str(work),
            STRIPE_API_BASE="http://127.0.0.1:9",  # never called by the measured requests
            # Every booking comes from one address: the guests' cap of live holds per client
            # would answer 429 from the eleventh on (0: no cap).
            HOTEL_GUEST_HOLDS_PER_CLIENT="0",
        )
        for name in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_PUBLISHABLE_KEY"):
            os.environ.pop(name, None)
        import django

        django.setup()
        capacity = _measure_capacity(samples)
        durations = _measure_durations(samples, work, ddb.url)
    finally:
        ddb.stop()
    return {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "capacity": capacity,
        "durations_ms": durations,
    }


def _seed(now: datetime) -> list[str]:
    from hotel import dynamo
    from rooms.demo import demo_rooms
    from rooms.services import room_create

    dynamo.sync_tables(log=lambda _m: None)
    dynamo.empty_tables()
    rooms = []
    for data in demo_rooms():
        room_create(data=data, actor="bench", now=now)
        rooms.append(data["roomId"])
    return rooms


def _measure_capacity(samples: int) -> dict:
    from django.conf import settings
    from django.test import Client

    from bench.capacity import CapacityMeter
    from hotel.accounts import roles
    from hotel.accounts.services import staff_create

    now = datetime.now(UTC)
    rooms = _seed(now)
    staff_create(email="bench@staff.test", password="bench-pass-2026", role=roles.MANAGER, now=now)
    client = Client()
    admin = Client()
    admin.login(username="bench@staff.test", password="bench-pass-2026")
    start = date.today() + timedelta(days=20)
    created: list[tuple[str, str]] = []
    counter = iter(range(10_000))

    def book():
        i = next(counter)
        check_in = start + timedelta(days=(i // len(rooms)) * 3)
        response = client.post(
            "/api/bookings",
            {
                "roomId": rooms[i % len(rooms)],
                "checkIn": check_in.isoformat(),
                "checkOut": (check_in + timedelta(days=2)).isoformat(),
                "guests": 1,
                "guestName": "Bench Guest",
                "guestEmail": "bench@guest.test",
            },
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        body = response.json()
        created.append((body["bookingId"], body["guestToken"]))
        return response

    def webhook():
        body, signature = _signed_webhook(settings.STRIPE_WEBHOOK_SECRET, next(counter))
        return client.post(
            "/webhooks/stripe",
            body,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=signature,
        )

    search = {
        "checkIn": (start + timedelta(days=5)).isoformat(),
        "checkOut": (start + timedelta(days=8)).isoformat(),
    }
    kinds = {
        "booking_create": book,
        "home_page": lambda: client.get("/"),
        "rooms_list": lambda: client.get("/api/rooms?limit=20"),
        "availability": lambda: client.post(
            "/api/rooms/availability", search, content_type="application/json"
        ),
        "booking_get": lambda: client.get(
            f"/api/bookings/{created[0][0]}", HTTP_X_BOOKING_TOKEN=created[0][1]
        ),
        "stripe_webhook": webhook,
        "admin_page": lambda: admin.get("/admin/"),
    }
    result = {}
    for kind, run in kinds.items():
        run()  # warm up (first-use imports, connections)
        with CapacityMeter() as meter:
            for _ in range(samples):
                response = run()
                assert response.status_code < 400, (kind, response.status_code)
        result[kind] = {
            "read_units": meter.read_units / samples,
            "write_units": meter.write_units / samples,
        }
    from hotel.jobs import expire_holds

    with CapacityMeter() as meter:
        expire_holds()
    result["scheduled_sweep"] = {"read_units": meter.read_units, "write_units": meter.write_units}
    return result


def _measure_durations(samples: int, work: Path, endpoint: str) -> dict:
    from django.conf import settings

    from infra import package
    from infra.lambda_local import LambdaFunction, override_zappa_settings, unzip

    zip_path = package.build("dev")  # the same code as prod; settings overridden below
    task = unzip(zip_path, work / "task")
    override_zappa_settings(
        task,
        ENVIRONMENT_VARIABLES={
            "HOTEL_STAGE": "test",
            "HOTEL_LOG_FORMAT": "json",
            "HOTEL_LOG_LEVEL": "INFO",
            "DJANGO_ALLOWED_HOSTS": "hotel.example",
            "DJANGO_USE_X_FORWARDED_HOST": "true",
            "HOTEL_GUEST_HOLDS_PER_CLIENT": "0",  # one client address for every booking
        },
    )
    function = LambdaFunction(
        task,
        work / "lambda.log",
        {
            "DYNAMODB_ENDPOINT": endpoint,
            "HOTEL_TABLE_PREFIX": "cost",
            "STRIPE_API_BASE": "http://127.0.0.1:9",
            "HOTEL_DATA_DIR": str(work),
        },
    )
    from rooms.models import Room

    rooms = [room.roomId for room in Room.scan()]
    start = date.today() + timedelta(days=200)
    counter = iter(range(10_000))
    created: list[tuple[str, str]] = []

    def book():
        i = next(counter)
        check_in = start + timedelta(days=(i // len(rooms)) * 3)
        body = json.dumps(
            {
                "roomId": rooms[i % len(rooms)],
                "checkIn": check_in.isoformat(),
                "checkOut": (check_in + timedelta(days=2)).isoformat(),
                "guests": 1,
                "guestName": "Bench Guest",
                "guestEmail": "bench@guest.test",
            }
        ).encode()
        return _v2("/api/bookings", method="POST", body=body)

    def booking_get():
        event = _v2(f"/api/bookings/{created[0][0]}")
        event["headers"]["x-booking-token"] = created[0][1]
        return event

    def webhook():
        body, signature = _signed_webhook(settings.STRIPE_WEBHOOK_SECRET, next(counter))
        event = _v2("/webhooks/stripe", method="POST", body=body)
        event["headers"]["stripe-signature"] = signature
        return event

    search = json.dumps(
        {
            "checkIn": (start + timedelta(days=5)).isoformat(),
            "checkOut": (start + timedelta(days=8)).isoformat(),
        }
    ).encode()
    kinds = {
        "rooms_list": lambda: _v2("/api/rooms", query="limit=20"),
        "booking_create": book,
        "home_page": lambda: _v2("/"),
        "availability": lambda: _v2("/api/rooms/availability", method="POST", body=search),
        "booking_get": booking_get,
        "stripe_webhook": webhook,
        "scheduled_sweep": lambda: _event("scheduled_expire_holds"),
    }
    durations: dict = {}
    try:
        first = function.call(kinds["rooms_list"]())
        durations["cold_start"] = function.import_ms + first["ms"]
        for kind, make in kinds.items():
            times = []
            for n in range(samples + 2):
                answer = function.call(make())
                response = answer["response"] or {}
                status = response.get("statusCode", 200)
                assert answer["error"] is None and status < 400, (kind, answer)
                if kind == "booking_create" and not created:
                    body = json.loads(response["body"])
                    created.append((body["bookingId"], body["guestToken"]))
                if n >= 2:  # the first two warm the code path up
                    times.append(answer["ms"])
            durations[kind] = statistics.median(times)
    finally:
        function.stop()
    durations["admin_page"] = durations["home_page"]  # server-rendered page, same order
    return durations


# --- the model ---------------------------------------------------------------------------------


def model(inputs: dict, requests: int, *, api: str = "http") -> dict[str, float]:
    """Monthly cost in USD per component for `requests` dynamic requests a month."""
    p, a = PRICES, ASSUMPTIONS
    capacity, durations = inputs["capacity"], inputs["durations_ms"]
    gb = a["memory_mb"] / 1024
    mean_ms = sum(share * durations[kind] for kind, share in MIX.items())
    cold = max(a["min_cold_starts"], requests / a["requests_per_cold_start"])
    scheduled = a["scheduled_invocations"]
    invocations = requests + scheduled
    # Billed duration: warm requests, cold starts (counted as a whole cold start although a
    # SnapStart restore bills only the restore and the request: an upper bound), scheduled
    # jobs (the sweeper's measured duration, 5 ms for the others).
    seconds = (
        requests * mean_ms
        + cold * durations["cold_start"]
        + (30 * 24 * 12) * durations["scheduled_sweep"]
        + (scheduled - 30 * 24 * 12) * 5
    ) / 1000
    reads = sum(share * capacity[k]["read_units"] for k, share in MIX.items()) * requests
    writes = sum(share * capacity[k]["write_units"] for k, share in MIX.items()) * requests
    reads += 30 * 24 * 12 * capacity["scheduled_sweep"]["read_units"]
    writes += 30 * 24 * 12 * capacity["scheduled_sweep"]["write_units"]
    edge = requests * a["cloudfront_requests_per_dynamic"]
    gb_out = (
        requests * a["kb_per_dynamic_response"] + (edge - requests) * a["kb_per_edge_response"]
    ) / 1e6
    bookings = requests * MIX["booking_create"]
    api_price = p["http_api_request"] if api == "http" else p["rest_api_request"]
    return {
        "Lambda requests": invocations * p["lambda_request"],
        "Lambda compute": seconds * gb * p["lambda_gb_second"],
        "Lambda SnapStart (cache, restores)": a["snapstart_versions"]
        * gb
        * 30
        * 86400
        * p["snapstart_cache_gb_second"]
        + cold * gb * p["snapstart_restore_gb"],
        "API Gateway": requests * api_price,
        "DynamoDB reads": reads * p["dynamodb_read_unit"],
        "DynamoDB writes": writes * p["dynamodb_write_unit"],
        "DynamoDB storage + PITR": a["storage_gb"]
        * (p["dynamodb_storage_gb"] + p["dynamodb_pitr_gb"]),
        "CloudFront": edge * p["cloudfront_https_request"] + gb_out * p["cloudfront_gb_out"],
        "S3 (storage, edge misses)": a["storage_gb"] * p["s3_storage_gb"]
        + edge * 0.02 * p["s3_get_request"],
        "WAF": p["waf_web_acl"] + a["waf_rules"] * p["waf_rule"] + edge * p["waf_request"],
        "Secrets Manager": p["secrets_secret"] + cold * p["secrets_api_call"],
        "CloudWatch Logs": invocations * a["log_kb_per_request"] / 1e6 * p["logs_ingest_gb"],
        "Route 53": p["route53_zone"],
        "EventBridge + SES": bookings
        * (a["events_per_booking"] * p["eventbridge_event"] + p["ses_email"]),
    }


def table(inputs: dict) -> str:
    rows = {v: model(inputs, v) for v in VOLUMES}
    names = list(rows[VOLUMES[0]])
    width = max(len(n) for n in names) + 2
    header = "component".ljust(width) + "".join(f"{v:>14,}" for v in VOLUMES)
    lines = [header, "-" * len(header)]
    for name in names:
        lines.append(name.ljust(width) + "".join(f"{rows[v][name]:>14.2f}" for v in VOLUMES))
    lines.append("-" * len(header))
    lines.append(
        "total USD/month".ljust(width) + "".join(f"{sum(rows[v].values()):>14.2f}" for v in VOLUMES)
    )
    rest = {v: sum(model(inputs, v, api="rest").values()) for v in VOLUMES}
    lines.append("(with a REST API)".ljust(width) + "".join(f"{rest[v]:>14.2f}" for v in VOLUMES))
    low, high = VOLUMES[-2], VOLUMES[-1]
    marginal = (sum(rows[high].values()) - sum(rows[low].values())) / (high - low) * 1e6
    lines.append(f"each further million requests costs about {marginal:.2f} USD")
    return "\n".join(lines)


def report(inputs: dict) -> str:
    capacity, durations = inputs["capacity"], inputs["durations_ms"]
    lines = [f"Measured {inputs['measured_at']} (DynamoDB Local, packaged handler, this machine)"]
    lines.append(f"{'request':<16}{'share':>7}{'RCU':>8}{'WCU':>8}{'warm ms':>10}")
    for kind in [*MIX, "scheduled_sweep"]:
        share = f"{MIX[kind]:.0%}" if kind in MIX else "5 min"
        lines.append(
            f"{kind:<16}{share:>7}{capacity[kind]['read_units']:>8.1f}"
            f"{capacity[kind]['write_units']:>8.1f}{durations[kind]:>10.1f}"
        )
    lines.append(f"cold start (import + first request): {durations['cold_start']:.0f} ms")
    lines.append("")
    lines.append(f"Prices as of {PRICES_AS_OF}; assumptions: {json.dumps(ASSUMPTIONS)}")
    lines.append("")
    lines.append(table(inputs))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cached", action="store_true", help="use bench/results/cost.json")
    parser.add_argument("--samples", type=int, default=15)
    args = parser.parse_args(argv)
    if args.cached and RESULTS.exists():
        inputs = json.loads(RESULTS.read_text())
    else:
        inputs = measure(args.samples)
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(inputs, indent=2) + "\n")
    print(report(inputs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
