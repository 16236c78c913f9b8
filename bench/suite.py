"""`make bench`: cold start, warm latency, throughput, cost and package size, each measured in
the same run as its baseline and reported as a ratio (the machine is shared and noisy).

    .venv/bin/python -m bench.suite [--cold-runs 10] [--warm 1000] [--load-seconds 9]

The baseline is bench/baseline_handler.py: the seed document's plain boto3 handler (one
`get_item`, `json.dumps`), run in the same interpreter, against the same DynamoDB Local,
for the same request (`GET /api/rooms/{roomId}`). The app is the Lambda zip `make package`
builds (infra/package.py), unzipped and run isolated by infra/lambda_runner.py with its
generated zappa_settings.py, entry point `hotel.awslambda.handler` (Zappa's LambdaHandler).
See bench/README.md. Prints a table; writes bench/results/latest.json (git-ignored).
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import math
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.results import machine, write_results

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results" / "latest.json"
PREFIX = "benchsuite"
STAGE = "dev"
BENCH_ROOM = "R-BENCH"
HOST = "hotel.example"
APP_HANDLER = "hotel.awslambda.handler"
BASELINE_HANDLER = "baseline_handler.handler"
# A booking journey on the site: one availability search, one booking, one payment.
JOURNEY = ("availability", "booking", "payment")
# Every request of the bench comes from 127.0.0.1: with the guests' cap of 10 live holds per
# client address, the load's and the cost's bookings would measure 429 TOO_MANY_HOLDS (0: no
# cap; a huge cap would make each booking read that many slot keys).
UNCAPPED_HOLDS = "0"


# --- helpers --------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def ratio(app: float, base: float) -> float | None:
    return round(app / base, 2) if base else None


def v2_event(path: str, *, method: str = "GET", body: dict | None = None, headers=None) -> dict:
    """An API Gateway HTTP API (payload 2.0) event, as CloudFront + API Gateway deliver it."""
    event = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {
            "accept": "application/json",
            "host": "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com",
            "x-forwarded-host": HOST,
            "x-forwarded-proto": "https",
            "x-forwarded-port": "443",
            "x-forwarded-for": "203.0.113.7",
            "user-agent": "bench",
            **(headers or {}),
        },
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "a1b2c3d4e5",
            "domainName": "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.7",
                "userAgent": "bench",
            },
            "requestId": "bench",
            "routeKey": "$default",
            "stage": "$default",
            "timeEpoch": int(time.time() * 1000),
        },
        "isBase64Encoded": False,
    }
    if body is not None:
        raw = json.dumps(body).encode()
        event["body"] = base64.b64encode(raw).decode()
        event["isBase64Encoded"] = True
        event["headers"]["content-type"] = "application/json"
        event["headers"]["content-length"] = str(len(raw))
    return event


def response_json(response: dict) -> dict:
    body = response.get("body") or ""
    raw = base64.b64decode(body) if response.get("isBase64Encoded") else body.encode()
    return json.loads(raw)


# --- the Lambda package ---------------------------------------------------------------------


def package_zip(build: bool) -> tuple[Path | None, str]:
    """The `make package` zip: built (or reused) by infra/package.py, else the newest in build/."""
    try:
        from infra import package
    except ImportError:
        return None, "infra/package.py not found"
    if build:
        try:
            return package.build(STAGE), "built/reused by infra.package.build (make package)"
        except (subprocess.CalledProcessError, OSError) as exc:
            print(f"  make package failed ({exc}); looking for an older zip", flush=True)
    zips = sorted((REPO / "build" / "package").glob(f"{STAGE}-*.zip"), key=os.path.getmtime)
    if zips:
        return zips[-1], "newest existing zip in build/package"
    return None, "not built"


def prepare_task(zip_path: Path | None, work: Path) -> tuple[Path, bool, str]:
    """A directory to run both handlers from; (dir, isolated, description).

    Packaged: the unzipped zip plus the baseline module, run with `python -I -S` so only the
    package is importable. Otherwise: the repository with the dev venv, Zappa's settings file
    generated by `zappa save-python-settings-file`.
    """
    environment = {
        "HOTEL_STAGE": "test",
        "HOTEL_LOG_FORMAT": "json",
        "HOTEL_LOG_LEVEL": "INFO",
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_USE_X_FORWARDED_HOST": "true",
    }
    if zip_path is not None:
        from infra.lambda_local import override_zappa_settings, unzip

        task = unzip(zip_path, work / "task")
        override_zappa_settings(task, ENVIRONMENT_VARIABLES=environment)
        shutil.copy(REPO / "bench" / "baseline_handler.py", task / "baseline_handler.py")
        return task, True, f"packaged zip {zip_path.name} (unzipped, python -I -S)"
    task = work / "task"
    task.mkdir()
    zappa = Path(sys.executable).parent / "zappa"
    subprocess.run(
        [str(zappa), "save-python-settings-file", STAGE, "-o", str(task / "zappa_settings.py")],
        cwd=REPO,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    from infra.lambda_local import override_zappa_settings

    override_zappa_settings(task, ENVIRONMENT_VARIABLES=environment)
    shutil.copy(REPO / "bench" / "baseline_handler.py", task / "baseline_handler.py")
    return task, False, "dev venv (no zip): zappa.handler from .venv, generated zappa_settings.py"


def _handler(task: Path, handler: str, env: dict, log: Path, *, isolated: bool):
    """One handler in its own process (infra/lambda_runner.py), timed from process start."""
    from infra.lambda_local import LambdaFunction

    return LambdaFunction(task, log, env, handler=handler, isolated=isolated, extra_path=(REPO,))


def _call(fn, event: dict) -> dict:
    answer = fn.call(event)
    if answer["error"]:
        raise RuntimeError(f"{answer['error']}\n{fn.log()[-3000:]}")
    return answer


def runner_env(endpoint: str, stripe: str, work: Path, memory_mb: int) -> dict[str, str]:
    from hotel import dynamo
    from infra.lambda_local import runtime_env

    return runtime_env(home=work, memory_mb=memory_mb) | {
        "DYNAMODB_ENDPOINT": endpoint,
        "HOTEL_TABLE_PREFIX": PREFIX,
        "STRIPE_API_BASE": stripe,
        "HOTEL_DATA_DIR": str(work),
        "ROOMS_TABLE": dynamo.table_name("rooms"),
    }


# --- 1 and 2: cold start and warm latency ---------------------------------------------------


def cold_starts(task, env, work, *, runs: int, isolated: bool) -> dict:
    """Fresh process -> import -> one `GET /api/rooms/{id}`; app and baseline interleaved."""
    event = v2_event(f"/api/rooms/{BENCH_ROOM}")
    samples: dict[str, list[dict]] = {"app": [], "baseline": []}
    for i in range(runs):
        order = [("app", APP_HANDLER), ("baseline", BASELINE_HANDLER)]
        for name, handler in order if i % 2 == 0 else order[::-1]:
            fn = _handler(task, handler, env, work / f"cold-{name}.log", isolated=isolated)
            answer = _call(fn, event)
            total = (time.perf_counter() - fn.started) * 1000
            fn.stop()
            status = answer["response"]["statusCode"]
            if status != 200:
                raise RuntimeError(f"{name} cold start answered {status}: {answer['response']}")
            samples[name].append(
                {"totalMs": total, "importMs": fn.import_ms, "firstRequestMs": answer["ms"]}
            )
    out = {}
    for name, runs_ in samples.items():
        out[name] = {
            key: round(statistics.median(r[key] for r in runs_), 1)
            for key in ("totalMs", "importMs", "firstRequestMs")
        } | {"runs": len(runs_)}
    out["ratio"] = ratio(out["app"]["totalMs"], out["baseline"]["totalMs"])
    return out


def fork_restores(task, env, work, *, runs: int, isolated: bool) -> dict:
    """SnapStart's restore, as near as a laptop gets: one initialised process per handler
    (init as under SnapStart: AWS_LAMBDA_INITIALIZATION_TYPE=snap-start), forked `runs` times;
    each child runs the after-restore hooks and answers one `GET /api/rooms/{id}`. Timed from
    the fork to the answer (infra/lambda_runner.fork_restore). A fork shares the parent's
    pages until written, where Lambda pages the snapshot in from its cache: a floor."""
    event = v2_event(f"/api/rooms/{BENCH_ROOM}")
    snap_env = env | {"AWS_LAMBDA_INITIALIZATION_TYPE": "snap-start"}
    out: dict = {}
    for name, handler in (("app", APP_HANDLER), ("baseline", BASELINE_HANDLER)):
        fn = _handler(task, handler, snap_env, work / f"fork-{name}.log", isolated=isolated)
        samples = []
        try:
            for _ in range(runs):
                answer = fn.fork_call(event)
                if answer["error"] or answer["response"]["statusCode"] != 200:
                    raise RuntimeError(f"{name} fork answered {answer}\n{fn.log()[-3000:]}")
                samples.append(answer)
        finally:
            fn.stop()
        out[name] = {
            key: round(statistics.median(a[src] for a in samples), 1)
            for key, src in (("totalMs", "fork_ms"), ("restoreHooksMs", "restore_ms"),
                             ("firstRequestMs", "ms"))
        } | {"runs": len(samples), "initMs": round(fn.import_ms, 1)}  # fmt: skip
    out["ratio"] = ratio(out["app"]["totalMs"], out["baseline"]["totalMs"])
    return out


def warm_latency(task, env, work, *, count: int, isolated: bool) -> dict:
    """`count` in-process invocations each, alternating batches of 50 so both see the same
    noise; the handler's own duration as the runner measures it."""
    event = v2_event(f"/api/rooms/{BENCH_ROOM}")
    handlers = {
        name: _handler(task, handler, env, work / f"warm-{name}.log", isolated=isolated)
        for name, handler in (("app", APP_HANDLER), ("baseline", BASELINE_HANDLER))
    }
    times: dict[str, list[float]] = {"app": [], "baseline": []}
    try:
        for fn in handlers.values():
            for _ in range(20):  # warm-up, not counted
                _call(fn, event)
        while len(times["app"]) < count:
            for name, fn in handlers.items():
                for _ in range(min(50, count - len(times[name]))):
                    answer = _call(fn, event)
                    assert answer["response"]["statusCode"] == 200, answer["response"]
                    times[name].append(answer["ms"])
    finally:
        for fn in handlers.values():
            fn.stop()
    out = {
        name: {f"p{p}Ms": round(percentile(values, p), 2) for p in (50, 95, 99)}
        | {"invocations": len(values)}
        for name, values in times.items()
    }
    out["ratio"] = {
        key: ratio(out["app"][key], out["baseline"][key]) for key in ("p50Ms", "p95Ms", "p99Ms")
    }
    return out


def journey_durations(task, env, work, *, samples: int, isolated: bool, rooms) -> dict:
    """Warm handler duration (median ms) of each request of a booking journey."""
    fn = _handler(task, APP_HANDLER, env, work / "journey.log", isolated=isolated)
    start = date.today() + timedelta(days=400)
    times: dict[str, list[float]] = {kind: [] for kind in JOURNEY}
    try:
        for i in range(samples + 2):  # the first two are warm-up
            check_in = start + timedelta(days=3 * (i // len(rooms)))
            stay = {"checkIn": check_in.isoformat(), "checkOut": str(check_in + timedelta(2))}
            search = _call(fn, v2_event("/api/rooms/availability", method="POST", body=stay))
            booked = _call(fn,
                v2_event(
                    "/api/bookings",
                    method="POST",
                    body=stay | {"roomId": rooms[i % len(rooms)], "guests": 1,
                                 "guestName": "Bench Guest", "guestEmail": "b@guest.test"},
                )
            )  # fmt: skip
            booking = response_json(booked["response"])
            if booked["response"]["statusCode"] != 201:
                raise RuntimeError(
                    f"booking answered {booked['response']['statusCode']}: {booking}"
                )
            paid = _call(fn,
                v2_event(
                    "/api/payments",
                    method="POST",
                    body={"bookingId": booking["bookingId"], "amount": booking["totalPrice"],
                          "currency": booking["currency"], "paymentMethodId": "pm_card_visa"},
                    headers={"x-booking-token": booking["guestToken"]},
                )
            )  # fmt: skip
            if paid["response"]["statusCode"] != 201:
                raise RuntimeError(f"payment answered {paid['response']}")
            if i >= 2:
                for kind, answer in zip(JOURNEY, (search, booked, paid), strict=True):
                    times[kind].append(answer["ms"])
    finally:
        fn.stop()
    return {kind: round(statistics.median(values), 1) for kind, values in times.items()}


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
    through the whole Django stack in-process."""
    from django.test import Client

    from bench.capacity import CapacityMeter

    client = Client()
    start = date.today() + timedelta(days=550)
    totals = {kind: {"read": 0.0, "write": 0.0} for kind in JOURNEY}
    targets: dict[str, dict[str, float]] = {kind: {} for kind in JOURNEY}
    for i in range(samples + 1):
        check_in = start + timedelta(days=3 * (i // len(rooms)))
        stay = {"checkIn": check_in.isoformat(), "checkOut": str(check_in + timedelta(days=2))}
        meters = {}
        with CapacityMeter() as meters["availability"]:
            response = client.post("/api/rooms/availability", stay, content_type="application/json")
        assert response.status_code == 200, response.content
        with CapacityMeter() as meters["booking"]:
            response = client.post(
                "/api/bookings",
                stay | {"roomId": rooms[i % len(rooms)], "guests": 1,
                        "guestName": "Cost Guest", "guestEmail": "c@guest.test"},
                content_type="application/json",
            )  # fmt: skip
        assert response.status_code == 201, response.content
        booking = response.json()
        with CapacityMeter() as meters["payment"]:
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
            for target, units in meter.by_target.items():
                table = target.removeprefix(f"{PREFIX}-")
                targets[kind][table] = targets[kind].get(table, 0.0) + units
    return {
        kind: {
            "rcu": round(t["read"] / samples, 2),
            "wcu": round(t["write"] / samples, 2),
            "byTarget": {k: round(v / samples, 2) for k, v in sorted(targets[kind].items())},
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
    """Dollars per 1,000 booking journeys (search + booking + payment) at public prices."""
    price, source = prices()
    requests = 1000 * len(JOURNEY)
    gb_seconds = sum(durations_ms[k] for k in JOURNEY) / 1000 * memory_mb / 1024 * 1000
    rcu = sum(capacity[k]["rcu"] for k in JOURNEY) * 1000
    wcu = sum(capacity[k]["wcu"] for k in JOURNEY) * 1000
    parts = {
        "lambdaRequests": requests * price["lambda_request"],
        "lambdaCompute": gb_seconds * price["lambda_gb_second"],
        "apiGateway": requests * price["http_api_request"],
        "dynamodbWrites": wcu * price["dynamodb_write_unit"],
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
        "wcuPer1000": round(wcu, 1),
        "dollarsPer1000Bookings": {k: round(v, 5) for k, v in parts.items()},
        "totalDollarsPer1000Bookings": round(sum(parts.values()), 4),
        "prices": {k: price[k] for k in ("lambda_request", "lambda_gb_second",
                                         "http_api_request", "dynamodb_write_unit",
                                         "dynamodb_read_unit")},
        "pricesFrom": source,
    }  # fmt: skip


# --- the run ----------------------------------------------------------------------------------


def seed(now: datetime) -> list[str]:
    from hotel import dynamo
    from rooms.demo import demo_rooms
    from rooms.services import room_create

    dynamo.sync_tables(log=lambda _m: None)
    rooms = []
    for data in demo_rooms():
        room_create(data=data, actor="bench", now=now)
        rooms.append(data["roomId"])
    base = dict(next(iter(demo_rooms())))
    room_create(data=base | {"roomId": BENCH_ROOM}, actor="bench", now=now)
    return rooms


def memory_mb() -> int:
    settings = json.loads((REPO / "zappa_settings.json").read_text())
    return int(settings[STAGE].get("memory_size", 512))


def print_table(r: dict) -> None:
    cold, warm, load, cost = r["coldStart"], r["warm"], r["throughput"], r["cost"]
    rows = [
        ("cold start, median total ms (process start -> first answer)",
         cold["app"]["totalMs"], cold["baseline"]["totalMs"], cold["ratio"]),
        ("  of which import ms", cold["app"]["importMs"], cold["baseline"]["importMs"],
         ratio(cold["app"]["importMs"], cold["baseline"]["importMs"])),
        ("  of which first request ms", cold["app"]["firstRequestMs"],
         cold["baseline"]["firstRequestMs"],
         ratio(cold["app"]["firstRequestMs"], cold["baseline"]["firstRequestMs"])),
    ]  # fmt: skip
    restore = r.get("forkRestore")
    if restore:
        rows += [
            ("fork-restore ms (SnapStart stand-in: fork -> first answer)",
             restore["app"]["totalMs"], restore["baseline"]["totalMs"], restore["ratio"]),
            ("  vs the cold start (app fork-restore / app cold start)", restore["app"]["totalMs"],
             cold["app"]["totalMs"], ratio(restore["app"]["totalMs"], cold["app"]["totalMs"])),
        ]  # fmt: skip
    for p in ("p50Ms", "p95Ms", "p99Ms"):
        rows.append((f"warm GET room, {p[:3]} ms ({warm['app']['invocations']} invocations)",
                     warm["app"][p], warm["baseline"][p], warm["ratio"][p]))  # fmt: skip
    rows.append(("gunicorn GET room, requests/s", load["app.roomGet"]["rps"],
                 load["baseline.roomGet"]["rps"], load["ratio"]["roomGetRps"]))  # fmt: skip
    rows.append(("gunicorn GET room, p95 ms", load["app.roomGet"]["p95Ms"],
                 load["baseline.roomGet"]["p95Ms"], load["ratio"]["roomGetP95"]))  # fmt: skip
    print()
    print(f"Handler: {r['handler']}")
    print(f"{'figure':<62} {'app':>10} {'baseline':>10} {'ratio':>7}")
    print("-" * 92)
    for label, app, base, rat in rows:
        print(f"{label:<62} {app:>10} {base:>10} {str(rat) + 'x':>7}")
    print()
    print(f"Throughput under gunicorn (2 sync workers, {r['config']['threads']} client threads, "
          f"{r['config']['loadSeconds']} s each):")  # fmt: skip
    print(f"  {'scenario':<24} {'req/s':>8} {'p95 ms':>8} {'errors':>7} {'409s':>6}  statuses")
    for key, value in load.items():
        if key == "ratio":
            continue
        print(
            f"  {key:<24} {value['rps']:>8} {value['p95Ms']:>8} "
            f"{value['errorRate']:>7.2%} {value['conflicts409']:>6}  {value['statuses']}"
        )
    print()
    cap = r["capacity"]
    print("Cost (DynamoDB consumed capacity, per request; Lambda from measured warm durations):")
    for kind in JOURNEY:
        print(f"  {kind:<13} {cap[kind]['rcu']:>6} RCU {cap[kind]['wcu']:>6} WCU  "
              f"{r['journeyMs'][kind]:>7} ms  {cost['gbSecondsPerRequest'][kind]} GB-s "
              f"at {cost['memoryMb']} MB")  # fmt: skip
    dollars = cost["dollarsPer1000Bookings"]
    print(f"  $ per 1,000 bookings (search + booking + payment): "
          f"{cost['totalDollarsPer1000Bookings']:.4f} = "
          + ", ".join(f"{k} {v:.4f}" for k, v in dollars.items()))  # fmt: skip
    print(f"  prices from {cost['pricesFrom']}")
    size = r["package"]
    if size.get("zippedBytes"):
        print(f"Package: {size['zip']}: {size['zippedBytes'] / 1e6:.1f} MB zipped, "
              f"{size['unzippedBytes'] / 1e6:.1f} MB unzipped ({size['source']})")  # fmt: skip
    else:
        print(f"Package: {size['source']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.suite", description=__doc__)
    parser.add_argument("--cold-runs", type=int, default=10)
    parser.add_argument("--warm", type=int, default=1000)
    parser.add_argument("--journeys", type=int, default=10)
    parser.add_argument("--load-seconds", type=float, default=9.0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--no-build", action="store_true", help="use the newest zip in build/")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.load_seconds * 5 + 5 > 60:
        parser.error("the load phase is bounded to 60 s: --load-seconds at most 11")

    def terminate(*_):
        raise SystemExit(143)

    signal.signal(signal.SIGTERM, terminate)
    started = time.perf_counter()
    from devtools.services import free_port, start_dynamodb_local, start_localstripe

    print("Lambda package (make package) ...", flush=True)
    zip_path, zip_source = package_zip(build=not args.no_build)
    package = {"source": zip_source}
    if zip_path is not None:
        # Measured (and unzipped, below) at once: a `make package` running meanwhile replaces it.
        from infra.package import sizes

        zipped, unzipped = sizes(zip_path)
        package.update(zip=zip_path.name, zippedBytes=zipped, unzippedBytes=unzipped)
    work = Path(tempfile.mkdtemp(prefix="hotel-bench-"))
    task, isolated, handler = prepare_task(zip_path, work)
    ddb = start_dynamodb_local(port=free_port(), data_dir=None)
    stripe = start_localstripe(port=free_port())
    try:
        os.environ.update(
            HOTEL_STAGE="test",
            DJANGO_SETTINGS_MODULE="hotel.settings",
            HOTEL_TABLE_PREFIX=PREFIX,
            DYNAMODB_ENDPOINT=ddb.url,
            STRIPE_API_BASE=stripe.url,
            HOTEL_DATA_DIR=str(work),
            HOTEL_LOG_LEVEL="WARNING",
            HOTEL_GUEST_HOLDS_PER_CLIENT=UNCAPPED_HOLDS,
        )
        for name in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_PUBLISHABLE_KEY"):
            os.environ.pop(name, None)
        import django

        django.setup()
        rooms = seed(datetime.now(UTC))
        memory = memory_mb()
        env = runner_env(ddb.url, stripe.url, work, memory)
        print(f"Handler: {handler}", flush=True)
        print(f"Cold starts ({args.cold_runs} each, interleaved) ...", flush=True)
        cold = cold_starts(task, env, work, runs=args.cold_runs, isolated=isolated)
        print(f"Fork-restores ({args.cold_runs} each; SnapStart's local stand-in) ...", flush=True)
        restore = fork_restores(task, env, work, runs=args.cold_runs, isolated=isolated)
        print(f"Warm latency ({args.warm} invocations each) ...", flush=True)
        warm = warm_latency(task, env, work, count=args.warm, isolated=isolated)
        print("Booking journeys through the handler ...", flush=True)
        journey = journey_durations(
            task, env, work, samples=args.journeys, isolated=isolated, rooms=rooms
        )
        print("Throughput under gunicorn ...", flush=True)
        load = throughput(
            ddb.url, stripe.url, rooms, seconds=args.load_seconds, threads=args.threads
        )
        print("Capacity units per request ...", flush=True)
        capacity = capacity_per_request(rooms, samples=args.journeys)
        cost = cost_model(capacity, journey, memory)
        report = {
            "benchmark": "make bench",
            "generatedAt": datetime.now(UTC).isoformat(timespec="seconds"),
            "handler": handler,
            "config": {
                "coldRuns": args.cold_runs,
                "warmInvocations": args.warm,
                "journeys": args.journeys,
                "loadSeconds": args.load_seconds,
                "threads": args.threads,
                "gunicornWorkers": 2,
            },
            "machine": machine(),
            "coldStart": cold,
            "forkRestore": restore,
            "warm": warm,
            "journeyMs": journey,
            "throughput": load,
            "capacity": capacity,
            "cost": cost,
            "package": package,
        }
        print_table(report)
        report["totalSeconds"] = round(time.perf_counter() - started, 1)
        write_results(args.out, report)
    finally:
        stripe.stop()
        ddb.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
