"""`make run`: DynamoDB Local (data kept under $HOTEL_DATA_DIR), localstripe, tables, demo data,
dev server.

Ctrl-C or SIGTERM stops every process started here; running again keeps all data (except
localstripe's: it starts empty each time).
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

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


def main() -> int:
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

        manage = [sys.executable, str(REPO / "manage.py")]
        subprocess.run([*manage, "sync_tables"], env=env, check=True, cwd=REPO)
        subprocess.run([*manage, "seed_demo"], env=env, check=True, cwd=REPO)

        server = subprocess.Popen(
            [*manage, "runserver", f"127.0.0.1:{port}"],
            env=env,
            cwd=REPO,
            start_new_session=True,
        )
        web = Service("web", server, f"http://127.0.0.1:{port}")
        children.append(web)
        wait_http(f"{web.url}/healthz", server, "The dev server", 60, None)
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
            "  Press Ctrl-C to stop (data is kept).\n",
            flush=True,
        )
        while server.poll() is None:
            time.sleep(0.5)
        print(f"The dev server exited with code {server.returncode}.", file=sys.stderr)
        return server.returncode or 1
    except KeyboardInterrupt:
        print("\nStopping…")
        return 0
    except subprocess.CalledProcessError as exc:
        print(f"Setup step failed: {' '.join(map(str, exc.cmd))}", file=sys.stderr)
        return exc.returncode or 1
    finally:
        for child in reversed(children):
            child.stop()


if __name__ == "__main__":
    sys.exit(main())
