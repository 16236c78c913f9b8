"""`make run`: DynamoDB Local (data kept under $HOTEL_DATA_DIR), localstripe, tables, demo data,
and the app under gunicorn (threaded workers, the way it serves many guests at once).
`make dev` (`--reload`): the same with Django's auto-reloading development server instead.

The terminal shows progress lines and the URLs; the server's own output (requests, app logs,
the emails the console backend prints) goes to $HOTEL_DATA_DIR/web.log. Ctrl-C or SIGTERM
stops every process started here; running again keeps all data (except localstripe's: it
starts empty each time).
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

from devtools.gunicorn_server import start_gunicorn
from devtools.services import (
    REPO,
    Service,
    localstripe_webhook_register,
    port_in_use,
    start_dynamodb_local,
    start_localstripe,
    wait_http,
)

WEBHOOK_EVENTS = ["payment_intent.succeeded", "payment_intent.payment_failed"]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("HOTEL_STAGE", "local")
    env.setdefault("DJANGO_SETTINGS_MODULE", "hotel.settings")
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def web_server(*, port: int, env: dict[str, str], reload: bool, log_path: Path) -> Service:
    """The app on 127.0.0.1:`port`, answering /healthz when this returns.

    Without `reload`: gunicorn, WEB_WORKERS (default 2) processes × WEB_THREADS (default 8)
    threads, a 2,048-connection backlog; its output goes to `log_path`. With `reload`:
    Django's runserver (restarts on code changes; 5-connection backlog, for one developer),
    its output in the terminal.
    """
    url = f"http://127.0.0.1:{port}"
    if not reload:
        return start_gunicorn(
            port=port,
            env=env,
            workers=int(env.get("WEB_WORKERS", "2")),
            threads=int(env.get("WEB_THREADS", "8")),
            log_path=log_path,
        )
    manage = [sys.executable, str(REPO / "manage.py")]
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}"], env=env, cwd=REPO, start_new_session=True
    )
    web = Service("web", server, url)
    try:
        wait_http(f"{url}/healthz", server, "The dev server", 60, None)
    except BaseException:
        web.stop()
        raise
    return web


def _setup_step(title: str, args: list[str], env: dict[str, str]) -> None:
    """Run a manage.py command quietly: its output is shown only if it fails."""
    print(title, flush=True)
    done = subprocess.run(
        [sys.executable, str(REPO / "manage.py"), *args],
        env=env,
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # Ctrl-C is ours to handle, not a traceback of the child's
    )
    if done.returncode:
        sys.stdout.write(done.stdout.decode(errors="replace"))
        raise subprocess.CalledProcessError(done.returncode, ["manage.py", *args])


def main(argv: list[str] | None = None) -> int:
    reload = "--reload" in (sys.argv[1:] if argv is None else argv)
    env = _env()
    port = int(env.get("PORT", "8000"))
    ddb_port = int(env.get("DYNAMODB_PORT", "8001"))
    stripe_port = int(env.get("LOCALSTRIPE_PORT", "8420"))
    data_dir = Path(env.get("HOTEL_DATA_DIR", REPO / ".local")).resolve()
    env["HOTEL_DATA_DIR"] = str(data_dir)
    for name, p in (("PORT", port), ("DYNAMODB_PORT", ddb_port), ("LOCALSTRIPE_PORT", stripe_port)):
        if port_in_use(p):
            print(f"Port {p} is already in use: set {name} to a free port.", file=sys.stderr)
            return 1

    started = time.monotonic()
    children: list = []

    def stop(*_args):
        # Once: a second Ctrl-C while we clean up must not interrupt the clean-up.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise KeyboardInterrupt

    # Installed explicitly: a shell that starts us in the background would leave SIGINT ignored.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        print(f"Starting DynamoDB Local on 127.0.0.1:{ddb_port} (data in {data_dir / 'dynamodb'})")
        ddb = start_dynamodb_local(
            port=ddb_port, data_dir=data_dir / "dynamodb", log_path=data_dir / "dynamodb.log"
        )
        children.append(ddb)
        env["DYNAMODB_ENDPOINT"] = ddb.url

        print(f"Starting localstripe on 127.0.0.1:{stripe_port} (a stand-in for Stripe)")
        stripe = start_localstripe(port=stripe_port, log_path=data_dir / "localstripe.log")
        children.append(stripe)
        env["STRIPE_API_BASE"] = stripe.url
        # The app and localstripe share the webhook secret; a fresh one per run unless given.
        webhook_secret = env.setdefault("STRIPE_WEBHOOK_SECRET", f"whsec_{secrets.token_hex(16)}")
        localstripe_webhook_register(
            stripe.url,
            name="hotel",
            url=f"http://127.0.0.1:{port}/webhooks/stripe",
            secret=webhook_secret,
            events=WEBHOOK_EVENTS,
        )

        _setup_step("Creating the DynamoDB tables", ["sync_tables"], env)
        # The demo bookings' emails are not sent anywhere (not even printed).
        seed_env = env | {"DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
        _setup_step("Loading the demo rooms, bookings and manager account", ["seed_demo"], seed_env)
        # Room types and per-night counters for data from before room types (idempotent).
        _setup_step("Checking the room types and inventory counters", ["migrate_inventory"], env)
        # The default rate plan and the terms of bookings from before rate plans (idempotent).
        _setup_step("Checking the rate plans and booking terms", ["migrate_rates"], env)

        log_path = data_dir / "web.log"
        kind = "Django's development server (auto-reload)" if reload else "gunicorn"
        print(f"Starting the app with {kind} on 127.0.0.1:{port}", flush=True)
        web = web_server(port=port, env=env, reload=reload, log_path=log_path)
        server = web.process
        children.append(web)
        email = env.get("HOTEL_DEMO_EMAIL", "manager@demo.hotel")
        password = env.get("HOTEL_DEMO_PASSWORD", "demo-manager-2026")
        print(
            "\n"
            f"  Ready in {time.monotonic() - started:.1f}s\n"
            f"  Site:      {web.url}/\n"
            f"  Admin:     {web.url}/admin/   (login {email} / {password})\n"
            f"  API:       {web.url}/api/rooms\n"
            f"  API docs:  {web.url}/api/docs/\n"
            f"  Stripe:    {stripe.url}  (localstripe; webhooks to {web.url}/webhooks/stripe)\n"
            f"  Health:    {web.url}/healthz\n"
            + ("" if reload else f"  Log:       {log_path}  (requests, app logs, emails)\n")
            + "  Press Ctrl-C to stop (data is kept).\n",
            flush=True,
        )
        while server.poll() is None:
            time.sleep(0.5)
        print(f"The web server exited with code {server.returncode}.", file=sys.stderr)
        return server.returncode or 1
    except KeyboardInterrupt:
        print("\nStopping…", flush=True)
        return 0
    except RuntimeError as exc:  # a service that did not start (devtools.services)
        print(f"{exc}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as exc:
        print(f"Setup step failed: {' '.join(map(str, exc.cmd))}", file=sys.stderr)
        return exc.returncode or 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for child in reversed(children):
            child.stop()


if __name__ == "__main__":
    sys.exit(main())
