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
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.results import machine, write_results
from bench.suite_common import (
    BENCH_ROOM,
    JOURNEY,
    PREFIX,
    REPO,
    RESULTS,
    STAGE,
    UNCAPPED_HOLDS,
    ratio,
)
from bench.suite_handler import (
    cold_starts,
    fork_restores,
    journey_durations,
    package_zip,
    prepare_task,
    prod_package,
    runner_env,
    warm_latency,
)
from bench.suite_load import capacity_per_request, cost_model, throughput

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


def journey_wcu(cap: dict) -> str:
    """The write units of one journey (search + booking + payment), both ways."""
    local = sum(cap[k]["wcu"] for k in JOURNEY)
    line = f"  WCU per journey: {local:g} as DynamoDB Local counts"
    if all("wcuAws" in cap[k] for k in JOURNEY):
        line += f", {sum(cap[k]['wcuAws'] for k in JOURNEY):g} priced per item as AWS bills"
    return line


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
    split = cold.get("roomsFunction")
    if split:
        rows += [
            ("cold start, rooms function of the split deployment (own URL conf)",
             split["totalMs"], cold["baseline"]["totalMs"],
             ratio(split["totalMs"], cold["baseline"]["totalMs"])),
            ("  of which import ms", split["importMs"], cold["baseline"]["importMs"],
             ratio(split["importMs"], cold["baseline"]["importMs"])),
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
    print("  (WCU: as DynamoDB Local counts them, per table per transaction; "
          "WCU AWS: priced per item as AWS bills them)")  # fmt: skip
    for kind in JOURNEY:
        print(f"  {kind:<13} {cap[kind]['rcu']:>6} RCU {cap[kind]['wcu']:>6} WCU "
              f"{cap[kind].get('wcuAws', '-'):>6} WCU AWS  "
              f"{r['journeyMs'][kind]:>7} ms  {cost['gbSecondsPerRequest'][kind]} GB-s "
              f"at {cost['memoryMb']} MB")  # fmt: skip
    print(journey_wcu(cap))
    print("  write units by table and index (table/index), per request, as DynamoDB Local counts:")
    for kind in JOURNEY:
        parts = ", ".join(f"{t} {u:g}" for t, u in cap[kind].get("wcuByTarget", {}).items())
        print(f"    {kind:<13} {parts or '-'}")
    print("  write units priced per item as AWS bills them, by table and index, per request:")
    for kind in JOURNEY:
        parts = ", ".join(f"{t} {u:g}" for t, u in cap[kind].get("wcuAwsByTarget", {}).items())
        print(f"    {kind:<13} {parts or '-'}")
    dollars = cost["dollarsPer1000Bookings"]
    print(f"  $ per 1,000 bookings (search + booking + payment): "
          f"{cost['totalDollarsPer1000Bookings']:.4f} = "
          + ", ".join(f"{k} {v:.4f}" for k, v in dollars.items()))  # fmt: skip
    print(f"  prices from {cost['pricesFrom']}; DynamoDB writes priced with "
          + ("the per-item (AWS) figure" if cost.get("writesPricedWith") == "wcuAws"
             else "DynamoDB Local's figure"))  # fmt: skip
    if r.get("warmPathLayers"):
        from bench.warm_path import print_costs

        print_costs(r["warmPathLayers"])
    size = r["package"]
    if size.get("zippedBytes"):
        print(f"Package: {size['zip']}: {size['zippedBytes'] / 1e6:.1f} MB zipped, "
              f"{size['unzippedBytes'] / 1e6:.1f} MB unzipped ({size['source']})")  # fmt: skip
    else:
        print(f"Package: {size['source']}")
    prod = r.get("prodPackage") or {}
    if prod.get("zippedBytes"):
        print(f"Package (prod, SnapStart, so no bytecode): {prod['zip']}: "
              f"{prod['zippedBytes'] / 1e6:.1f} MB zipped; "
              f"{prod['withStaticOnS3Bytes'] / 1e6:.1f} MB with the static files on S3 "
              "(its staticfiles/ entries subtracted)")  # fmt: skip
    elif prod:
        print(f"Package (prod): not built ({prod['error']})")


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
    prod_package_sizes = {} if args.no_build else prod_package()
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
        print("Warm path, middleware by middleware ...", flush=True)
        from bench.warm_path import middleware_costs

        layers = middleware_costs(host="testserver")
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
            "warmPathLayers": layers,
            "package": package,
            "prodPackage": prod_package_sizes,
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
