"""`python -m devtools.restore_drill`: prove that the hotel's data can be restored and served.

Export every table of the live prefix (`export_tables`), import it under a new prefix
(`import_tables`, as point-in-time recovery would restore it), run `check_integrity` on the
copy, start the app on the copy and fetch bookings through the API: a canary booking made
just before the export with its guest token (`X-Booking-Token`), and the newest real booking
as a staff member created on the copy only. Each step prints its counts and time; the copy's
tables, the app and the canary are cleaned up afterwards (`--keep` keeps the copy).

Where it runs (docs/operations.md, "Restore drill"):
- `DYNAMODB_ENDPOINT` set: that DynamoDB (any stage).
- unset, stage `local` (the default): `make run`'s DynamoDB Local on 127.0.0.1:$DYNAMODB_PORT
  (8001) if it is up, else DynamoDB Local started here on its data ($HOTEL_DATA_DIR/dynamodb).
- unset, stage `dev`/`prod`: AWS, with the caller's credentials and the stage's environment.
  Export, import and check_integrity run for real (reads every table: read units); no canary
  is written to the live tables, and for the app step the drill prints the commands that point
  the stage at the copy instead of serving it from here.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

from devtools.gunicorn_server import start_gunicorn
from devtools.services import REPO, free_port, port_in_use, start_dynamodb_local

DRILL_EMAIL = "restore-drill@example.invalid"


class DrillFailed(Exception):
    pass


class Steps:
    """Numbered progress lines with the time each step took."""

    def __init__(self) -> None:
        self.n, self.started, self.times = 0, time.monotonic(), {}

    @contextlib.contextmanager
    def step(self, title: str):
        self.n += 1
        print(f"[{self.n}] {title}", flush=True)
        began = time.monotonic()
        yield
        self.times[title] = time.monotonic() - began
        print(f"    done in {self.times[title]:.1f}s", flush=True)

    @staticmethod
    def say(line: str) -> None:
        print(f"    {line}", flush=True)


def _dynamodb(env: dict[str, str], children: list, steps: Steps) -> str | None:
    """The endpoint to drill on (None: AWS), starting DynamoDB Local when it must."""
    if env.get("DYNAMODB_ENDPOINT"):
        steps.say(f"DYNAMODB_ENDPOINT={env['DYNAMODB_ENDPOINT']}")
        return env["DYNAMODB_ENDPOINT"]
    if env["HOTEL_STAGE"] in ("dev", "prod"):
        steps.say("DYNAMODB_ENDPOINT unset: AWS, with this shell's credentials")
        return None
    port = int(env.get("DYNAMODB_PORT", "8001"))
    if port_in_use(port):
        steps.say(f"make run's DynamoDB Local on 127.0.0.1:{port}")
        return f"http://127.0.0.1:{port}"
    data = Path(env.get("HOTEL_DATA_DIR", REPO / ".local")).resolve() / "dynamodb"
    log = data.parent / "restore-drill-dynamodb.log"
    service = start_dynamodb_local(port=free_port(), data_dir=data, log_path=log)
    children.append(service)
    steps.say(f"make run is not running: started DynamoDB Local on {data} ({service.url})")
    return service.url


def _canary(steps: Steps):
    """A pending booking on the live tables, held by a guest token: what the copy must serve."""
    from bookings.services import booking_create
    from hotel.errors import DomainError
    from rooms.room_types import room_types_all

    now = datetime.now(UTC)
    for offset in range(300, 700, 29):
        check_in = now.date() + timedelta(days=offset)
        for room_type in room_types_all():
            with contextlib.suppress(DomainError):
                created = booking_create(
                    room_type=room_type.roomType,
                    check_in=check_in,
                    check_out=check_in + timedelta(days=1),
                    guests=1,
                    guest_name="Restore Drill",
                    guest_email=DRILL_EMAIL,
                    notes="restore drill canary: cancelled when the drill ends",
                    actor="restore-drill",
                    now=now,
                )
                steps.say(
                    f"canary {created.booking.bookingId}: {room_type.roomType}, "
                    f"{check_in.isoformat()}, pending"
                )
                return created
    steps.say("no room type could take a canary booking: the guest-token check is skipped")
    return None


def _canary_cancel(canary, steps: Steps) -> None:
    from bookings.services import booking_transition

    try:
        booking_transition(
            booking_id=canary.booking.bookingId,
            to_status="cancelled",
            actor="restore-drill",
            now=datetime.now(UTC),
        )
        steps.say(f"canary {canary.booking.bookingId} cancelled on the live tables")
    except Exception as exc:  # noqa: BLE001 - an expired hold cannot be cancelled: fine
        steps.say(f"canary {canary.booking.bookingId} left as it is ({exc})")


def _newest_booking(out: Path, canary) -> dict | None:
    path = out / "bookings.jsonl"
    skip = canary.booking.bookingId if canary else None
    newest = None
    if path.exists():
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                item = json.loads(line)["Item"]
                if item["bookingId"]["S"] == skip or item.get("guestEmail") == {"S": DRILL_EMAIL}:
                    continue  # this drill's canary, or an earlier one's
                key = item.get("createdAt", {}).get("S", "")
                if newest is None or key > newest[0]:
                    newest = (key, item)
    return newest[1] if newest else None


def _manage(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(REPO / "manage.py"), *args],
        env=env,
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
    )


def _expect(answer: requests.Response, item_checks: dict[str, str], what: str, steps: Steps):
    if answer.status_code != 200:
        raise DrillFailed(f"{what}: HTTP {answer.status_code} {answer.text[:300]}")
    body = answer.json()
    wrong = {k: (body.get(k), v) for k, v in item_checks.items() if body.get(k) != v}
    if wrong:
        raise DrillFailed(f"{what}: served {wrong} (served, exported)")
    steps.say(f"{what}: 200, {', '.join(f'{k} {v}' for k, v in item_checks.items())}")


def _serve_and_fetch(prefix, env, canary, newest, tmp: Path, steps: Steps, children: list):
    app_env = env | {"HOTEL_TABLE_PREFIX": prefix}
    server = start_gunicorn(
        port=free_port(), env=app_env, workers=1, threads=4, log_path=tmp / "restore-drill-web.log"
    )
    children.append(server)
    steps.say(f"gunicorn on {server.url} (HOTEL_TABLE_PREFIX={prefix})")
    api = f"{server.url}/api/bookings"
    if canary:
        answer = requests.get(
            f"{api}/{canary.booking.bookingId}",
            headers={"X-Booking-Token": canary.guest_token},
            timeout=30,
        )
        checks = {"status": "pending", "checkIn": canary.booking.checkIn}
        _expect(answer, checks, "canary with its guest token", steps)
        wrong = requests.get(
            f"{api}/{canary.booking.bookingId}", headers={"X-Booking-Token": "x"}, timeout=30
        )
        if wrong.status_code != 404:
            raise DrillFailed(f"a wrong guest token got HTTP {wrong.status_code}, not 404")
    if newest:
        email, password = DRILL_EMAIL, secrets.token_urlsafe(18)
        made = _manage(
            ["createstaff", "--email", email, "--name", "Restore drill"],
            app_env | {"HOTEL_STAFF_PASSWORD": password},
        )
        if made.returncode:
            raise DrillFailed(f"createstaff on the copy failed: {made.stdout}{made.stderr}")
        token = requests.post(
            f"{server.url}/api/auth/token",
            json={"email": email, "password": password},
            timeout=30,
        )
        if token.status_code != 201:
            raise DrillFailed(f"no staff token from the copy: HTTP {token.status_code}")
        answer = requests.get(
            f"{api}/{newest['bookingId']['S']}",
            headers={"Authorization": f"Bearer {token.json()['token']}"},
            timeout=30,
        )
        checks = {k: newest[k]["S"] for k in ("bookingId", "status", "checkIn")}
        _expect(answer, checks, "newest booking, as staff of the copy", steps)


def _print_aws_app_step(prefix: str, stage: str, steps: Steps) -> None:
    steps.say("on AWS the app step is yours (nothing is served from here):")
    for line in (
        f"zappa manage {stage} check_integrity   # after: HOTEL_TABLE_PREFIX={prefix} in the stage",
        f"HOTEL_TABLE_PREFIX={prefix} in the {stage} stage's environment; make package; "
        f"zappa update {stage}",
        "curl -H 'X-Booking-Token: <a guest token>' https://<site>/api/bookings/<id>",
    ):
        steps.say(f"  {line}")


def _table(manifest: dict, counted: dict[str, int], steps: Steps) -> None:
    full = [t for t in manifest["tables"] if t["items"]]
    width = max([len(t["entity"]) for t in full] or [5])
    steps.say(f"{'table':<{width}}  exported  restored")
    for t in full:
        steps.say(f"{t['entity']:<{width}}  {t['items']:>8}  {counted.get(t['entity'], 0):>8}")
    empty = len(manifest["tables"]) - len(full)
    steps.say(f"{'total':<{width}}  {manifest['items']:>8}  {sum(counted.values()):>8}")
    steps.say(f"(+ {empty} empty tables)")


class Drill:
    """The drill's state, so that whatever it started or wrote is cleaned up however it ends."""

    def __init__(self, args: argparse.Namespace) -> None:
        env = dict(os.environ)
        env.setdefault("HOTEL_STAGE", "local")
        env.setdefault("DJANGO_SETTINGS_MODULE", "hotel.settings")
        env.setdefault("HOTEL_TABLE_PREFIX", "hotel")
        # The canary's emails (if any) stay in this process.
        env["DJANGO_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M")
        self.args, self.env, self.live = args, env, env["HOTEL_TABLE_PREFIX"]
        self.prefix = args.prefix or f"{self.live}restore{stamp}"
        self.data_dir = Path(env.get("HOTEL_DATA_DIR", REPO / ".local")).resolve()
        # The export holds guests' data: a temporary directory unless asked to keep it.
        keep_export = args.out or args.keep
        self.scratch = None if keep_export else Path(tempfile.mkdtemp(prefix="restore-drill-"))
        default_out = self.data_dir / "restore-drill" / stamp
        self.out = args.out or (self.scratch / "export" if self.scratch else default_out)
        self.steps, self.services, self.servers = Steps(), [], []
        self.canary, self.imported, self.backup = None, False, None

    def run(self) -> None:
        steps, env, prefix = self.steps, self.env, self.prefix
        with steps.step("DynamoDB"):
            endpoint = _dynamodb(env, self.services, steps)
            if endpoint:
                env["DYNAMODB_ENDPOINT"] = endpoint
            os.environ.update(env)
            import django

            django.setup()
            from django.conf import settings

            from hotel.dynamo import backup

            self.backup, cfg, aws = backup, settings.DYNAMODB, endpoint is None
            where = f" (AWS {cfg['region']})" if aws else ""
            steps.say(f"live tables {self.live}-*-{cfg['stage']}{where}; the copy: {prefix}-*")
        if not (aws or self.args.no_canary):
            with steps.step("canary booking on the live tables"):
                self.canary = _canary(steps)
        with steps.step(f"export_tables --out {self.out}"):
            manifest = backup.export_tables(self.out, log=lambda _msg: None)
            steps.say(f"{manifest['items']} items from {len(manifest['tables'])} tables")
        with steps.step(f"import_tables --prefix {prefix}"):
            self.imported = True
            counted = backup.import_tables(self.out, prefix, log=lambda _msg: None)
            _table(manifest, counted, steps)
            if any(counted.get(t["entity"]) != t["items"] for t in manifest["tables"]):
                raise DrillFailed("restored item counts differ from the export (see above)")
        with steps.step("check_integrity on the copy"):
            checked = _manage(["check_integrity"], env | {"HOTEL_TABLE_PREFIX": prefix})
            for line in checked.stdout.splitlines():
                steps.say(line)
            if checked.returncode:
                raise DrillFailed(f"check_integrity failed: {checked.stderr.strip()[-500:]}")
        with steps.step("the app on the copy"):
            if aws:
                _print_aws_app_step(prefix, cfg["stage"], steps)
                return
            newest = _newest_booking(self.out, self.canary)
            self.data_dir.mkdir(parents=True, exist_ok=True)
            _serve_and_fetch(prefix, env, self.canary, newest, self.data_dir, steps, self.servers)

    def clean_up(self) -> None:
        steps, began = self.steps, time.monotonic()
        print("[-] clean up", flush=True)
        for server in self.servers:
            server.stop()
        if self.canary:
            _canary_cancel(self.canary, steps)
        if self.imported and not self.args.keep:
            try:
                self.backup.delete_tables(self.prefix, log=steps.say)
            except Exception as exc:  # noqa: BLE001 - say what is left behind
                steps.say(f"could not delete the copy {self.prefix}-*: {exc}")
        elif self.imported:
            steps.say(f"kept the copy: HOTEL_TABLE_PREFIX={self.prefix}")
        if self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)
        elif self.imported:
            steps.say(f"kept the export: {self.out}")
        for service in self.services:
            service.stop()
        print(f"    done in {time.monotonic() - began:.1f}s", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.restore_drill", description=__doc__)
    parser.add_argument("--prefix", help="prefix to restore into (default <prefix>restore<time>)")
    parser.add_argument(
        "--out", type=Path, help="export directory, kept (default: a temporary one, deleted)"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the restored tables and the export"
    )
    parser.add_argument("--no-canary", action="store_true", help="write nothing to the live tables")
    drill = Drill(parser.parse_args(argv))
    failure = None
    try:
        drill.run()
    except KeyboardInterrupt:
        failure = "interrupted"
    except (DrillFailed, RuntimeError) as exc:
        failure = str(exc)
    except Exception as exc:  # noqa: BLE001 - e.g. BackupError, a DynamoDB error: say it plainly
        failure = f"{type(exc).__name__}: {exc}"
    finally:
        drill.clean_up()
    took = time.monotonic() - drill.steps.started
    if failure:
        print(f"FAILED after {took:.1f}s: {failure}", file=sys.stderr, flush=True)
        return 1
    print(f"PASSED: restore drill in {took:.1f}s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
