"""`make bench`: throughput under gunicorn and the cost per booking journey; see bench/suite.py."""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
from datetime import date, timedelta

from bench.suite_common import BENCH_ROOM, JOURNEY, PREFIX, UNCAPPED_HOLDS, percentile, ratio

# --- 3: throughput ----------------------------------------------------------------------------


class Load:
    """A bounded closed-loop load generator: `threads` clients, each sending the next request
    as soon as the last one is answered, for `seconds`; one connection per request (gunicorn's
    sync workers close it after each response anyway)."""

    def __init__(self, port: int, *, threads: int, seconds: float):
        self.port, self.threads, self.seconds = port, threads, seconds

    def run(self, make_request) -> dict:
        results: list[tuple[int, float]] = []
        lock = threading.Lock()
        deadline = time.perf_counter() + self.seconds

        def client(n: int) -> None:
            rng = random.Random(n)
            local = []
            while time.perf_counter() < deadline:
                method, path, body = make_request(rng)
                started = time.perf_counter()
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                    headers = {"Content-Type": "application/json"} if body else {}
                    conn.request(method, path, body=json.dumps(body) if body else None,
                                 headers=headers)  # fmt: skip
                    response = conn.getresponse()
                    response.read()
                    status = response.status
                    conn.close()
                except OSError:
                    status = 0
                local.append((status, (time.perf_counter() - started) * 1000))
            with lock:
                results.extend(local)

        started = time.perf_counter()
        workers = [threading.Thread(target=client, args=(n,)) for n in range(self.threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        elapsed = time.perf_counter() - started
        statuses: dict[str, int] = {}
        for status, _ in results:
            statuses[str(status)] = statuses.get(str(status), 0) + 1
        errors = sum(1 for status, _ in results if status == 0 or status >= 500)
        conflicts = statuses.get("409", 0)
        return {
            "requests": len(results),
            "seconds": round(elapsed, 2),
            "rps": round(len(results) / elapsed, 1),
            "p50Ms": round(percentile([ms for _, ms in results], 50), 1),
            "p95Ms": round(percentile([ms for _, ms in results], 95), 1),
            "errorRate": round(errors / len(results), 4) if results else None,
            "conflicts409": conflicts,
            "statuses": statuses,
        }


def throughput(endpoint: str, stripe: str, rooms: list[str], *, seconds: float, threads: int):
    from devtools.gunicorn_server import server_env, start_gunicorn
    from devtools.services import free_port
    from hotel import dynamo

    env = server_env(
        DYNAMODB_ENDPOINT=endpoint,
        HOTEL_TABLE_PREFIX=PREFIX,
        STRIPE_API_BASE=stripe,
        HOTEL_STAGE="test",
        HOTEL_LOG_LEVEL="WARNING",
        HOTEL_GUEST_HOLDS_PER_CLIENT=UNCAPPED_HOLDS,
        ROOMS_TABLE=dynamo.table_name("rooms"),
        AWS_ACCESS_KEY_ID="local",
        AWS_SECRET_ACCESS_KEY="local",
        AWS_REGION="us-east-1",
    )
    first = date.today() + timedelta(days=30)

    def room_get(_rng):
        return "GET", f"/api/rooms/{BENCH_ROOM}", None

    def rooms_list(_rng):
        return "GET", "/api/rooms?limit=20", None

    def availability(rng):
        check_in = first + timedelta(days=rng.randrange(300))
        stay = {"checkIn": check_in.isoformat(), "checkOut": str(check_in + timedelta(2))}
        return "POST", "/api/rooms/availability", stay

    def booking(rng):
        check_in = first + timedelta(days=rng.randrange(300))
        return (
            "POST",
            "/api/bookings",
            {
                "roomId": rng.choice(rooms),
                "checkIn": check_in.isoformat(),
                "checkOut": str(check_in + timedelta(days=rng.randint(1, 3))),
                "guests": 1,
                "guestName": "Load Guest",
                "guestEmail": "load@guest.test",
            },
        )

    out = {}
    load_for = {
        "baseline": [("roomGet", room_get)],
        "app": [
            ("roomGet", room_get),
            ("roomsList", rooms_list),
            ("availability", availability),
            ("bookingCreate", booking),
        ],
    }
    apps = {"baseline": "bench.baseline_handler:application", "app": "hotel.wsgi:application"}
    for name, scenarios in load_for.items():
        port = free_port()
        server = start_gunicorn(port=port, env=env, workers=2, app=apps[name], health_path="/")
        try:
            load = Load(port, threads=threads, seconds=seconds)
            load.seconds = 1
            load.run(room_get)  # warm-up: imports, connections; not counted
            load.seconds = seconds
            for label, scenario in scenarios:
                out[f"{name}.{label}"] = load.run(scenario)
        finally:
            server.stop()
    out["ratio"] = {
        "roomGetRps": ratio(out["app.roomGet"]["rps"], out["baseline.roomGet"]["rps"]),
        "roomGetP95": ratio(out["app.roomGet"]["p95Ms"], out["baseline.roomGet"]["p95Ms"]),
    }
    return out


# --- 4: cost ----------------------------------------------------------------------------------


def capacity_per_request(rooms: list[str], *, samples: int) -> dict:
    """Consumed capacity units per availability search, booking and payment (CapacityMeter),
    through the whole Django stack in-process. `wcu` is what DynamoDB Local reports (per
    table per transaction); `wcuAws` (and `wcuAwsByTarget`) the same writes priced per item
    as AWS bills them (CapacityMeter(aws_prices=True), bench/aws_pricing.py)."""
    from django.test import Client

    from bench.capacity import CapacityMeter

    client = Client()
    start = date.today() + timedelta(days=550)
    totals = {kind: {"read": 0.0, "write": 0.0, "aws": 0.0} for kind in JOURNEY}
    targets: dict[str, dict[str, float]] = {kind: {} for kind in JOURNEY}
    writes: dict[str, dict[str, float]] = {kind: {} for kind in JOURNEY}
    aws: dict[str, dict[str, float]] = {kind: {} for kind in JOURNEY}
    for i in range(samples + 1):
        check_in = start + timedelta(days=3 * (i // len(rooms)))
        stay = {"checkIn": check_in.isoformat(), "checkOut": str(check_in + timedelta(days=2))}
        meters = {}
        with CapacityMeter(aws_prices=True) as meters["availability"]:
            response = client.post("/api/rooms/availability", stay, content_type="application/json")
        assert response.status_code == 200, response.content
        with CapacityMeter(aws_prices=True) as meters["booking"]:
            response = client.post(
                "/api/bookings",
                stay | {"roomId": rooms[i % len(rooms)], "guests": 1,
                        "guestName": "Cost Guest", "guestEmail": "c@guest.test"},
                content_type="application/json",
            )  # fmt: skip
        assert response.status_code == 201, response.content
        booking = response.json()
        with CapacityMeter(aws_prices=True) as meters["payment"]:
            response = client.post(
                "/api/payments",
                {"bookingId": booking["bookingId"], "amount": booking["totalPrice"],
                 "currency": booking["currency"], "paymentMethodId": "pm_card_visa"},
                content_type="application/json",
                HTTP_X_BOOKING_TOKEN=booking["guestToken"],
            )  # fmt: skip
        assert response.status_code == 201, response.content
        if i == 0:
            continue  # warm-up
        for kind, meter in meters.items():
            totals[kind]["read"] += meter.read_units
            totals[kind]["write"] += meter.write_units
            totals[kind]["aws"] += meter.aws_write_units
            for target, units in meter.by_target.items():
                table = target.removeprefix(f"{PREFIX}-")
                targets[kind][table] = targets[kind].get(table, 0.0) + units
            for target, units in meter.write_by_target.items():
                table = target.removeprefix(f"{PREFIX}-")
                writes[kind][table] = writes[kind].get(table, 0.0) + units
            for target, units in meter.aws_write_by_target.items():
                table = target.removeprefix(f"{PREFIX}-")
                aws[kind][table] = aws[kind].get(table, 0.0) + units
    return {
        kind: {
            "rcu": round(t["read"] / samples, 2),
            "wcu": round(t["write"] / samples, 2),
            "byTarget": {k: round(v / samples, 2) for k, v in sorted(targets[kind].items())},
            "wcuByTarget": {k: round(v / samples, 2) for k, v in sorted(writes[kind].items()) if v},
            "wcuAws": round(t["aws"] / samples, 2),
            "wcuAwsByTarget": {k: round(v / samples, 2) for k, v in sorted(aws[kind].items()) if v},
        }
        for kind, t in totals.items()
    }


def prices() -> tuple[dict, str]:
    """Public prices: bench/cost.py's constants when that module is there."""
    try:
        from bench.cost import PRICES, PRICES_AS_OF

        return PRICES, f"bench/cost.py ({PRICES_AS_OF})"
    except ImportError:
        return {
            "lambda_request": 0.20 / 1e6,
            "lambda_gb_second": 0.0000166667,
            "http_api_request": 1.00 / 1e6,
            "dynamodb_write_unit": 1.25 / 1e6,
            "dynamodb_read_unit": 0.25 / 1e6,
        }, "stated in bench/suite.py"


def cost_model(capacity: dict, durations_ms: dict, memory_mb: int) -> dict:
    """Dollars per 1,000 booking journeys (search + booking + payment) at public prices. The
    writes are priced with the write units as AWS bills them (`wcuAws`; `wcu`, DynamoDB
    Local's count, when a capacity measured before there was `wcuAws`)."""
    price, source = prices()
    requests = 1000 * len(JOURNEY)
    gb_seconds = sum(durations_ms[k] for k in JOURNEY) / 1000 * memory_mb / 1024 * 1000
    rcu = sum(capacity[k]["rcu"] for k in JOURNEY) * 1000
    wcu = sum(capacity[k]["wcu"] for k in JOURNEY) * 1000
    priced_as = "wcuAws" if all("wcuAws" in capacity[k] for k in JOURNEY) else "wcu"
    wcu_billed = sum(capacity[k][priced_as] for k in JOURNEY) * 1000
    parts = {
        "lambdaRequests": requests * price["lambda_request"],
        "lambdaCompute": gb_seconds * price["lambda_gb_second"],
        "apiGateway": requests * price["http_api_request"],
        "dynamodbWrites": wcu_billed * price["dynamodb_write_unit"],
        "dynamodbReads": rcu * price["dynamodb_read_unit"],
    }
    return {
        "journey": list(JOURNEY),
        "memoryMb": memory_mb,
        "gbSecondsPer1000": round(gb_seconds, 3),
        "gbSecondsPerRequest": {
            k: round(durations_ms[k] / 1000 * memory_mb / 1024, 5) for k in JOURNEY
        },
        "rcuPer1000": round(rcu, 1),
        "wcuPer1000": round(wcu, 1),  # as DynamoDB Local counts them
        "wcuAwsPer1000": round(wcu_billed, 1) if priced_as == "wcuAws" else None,
        "writesPricedWith": priced_as,
        "dollarsPer1000Bookings": {k: round(v, 5) for k, v in parts.items()},
        "totalDollarsPer1000Bookings": round(sum(parts.values()), 4),
        "prices": {k: price[k] for k in ("lambda_request", "lambda_gb_second",
                                         "http_api_request", "dynamodb_write_unit",
                                         "dynamodb_read_unit")},
        "pricesFrom": source,
    }  # fmt: skip
