"""Start the app under gunicorn on loopback: a real server process for load and chaos tests.

Used by `make bench` (throughput) and tests/reliability (contention storm, kill -9, outages).
The server runs `hotel.wsgi:application` with the environment it is given (DynamoDB
endpoint, table prefix, Stripe base), so it can be pointed at the test run's DynamoDB Local
or at a dedicated one. Like devtools.services, the process dies with its parent.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from devtools.services import REPO, Service, start_process

# What the app needs from the environment; everything else is inherited from the caller.
SERVICE_VARIABLES = ("DYNAMODB_ENDPOINT", "HOTEL_TABLE_PREFIX", "STRIPE_API_BASE", "HOTEL_STAGE")


def server_env(**overrides: str) -> dict[str, str]:
    """The caller's environment with `overrides`, ready for a gunicorn child."""
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "hotel.settings")
    env.setdefault("HOTEL_STAGE", "test")
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    # Coverage and xdist bookkeeping of a parent pytest must not leak into the server.
    for name in [n for n in env if n.startswith(("COV_CORE_", "PYTEST_XDIST"))]:
        env.pop(name)
    env.update(overrides)
    return env


def start_gunicorn(
    *,
    port: int,
    env: dict[str, str],
    workers: int = 2,
    threads: int = 1,
    log_path: Path | None = None,
    timeout: float = 60,
    health_path: str = "/healthz",
    app: str = "hotel.wsgi:application",
) -> Service:
    """Start gunicorn serving `app` (default: the hotel) on 127.0.0.1:`port`.

    Waits until `health_path` answers (any HTTP status: /healthz answers 503 while DynamoDB
    is down, and the server is up all the same). `Service.stop()` sends SIGTERM to the whole
    process group (master and workers); `Service.process.pid` is the master.
    """
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        app,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread" if threads > 1 else "sync",
        "--timeout",
        "60",
        "--graceful-timeout",
        "5",
        # Longer than any test client's pause between requests: a kept-alive socket the
        # server closes (2 s by default) while a client sends on it is reset.
        "--keep-alive",
        "20",
        "--access-logfile",
        "-" if log_path else "/dev/null",
        "--error-logfile",
        "-",
    ]
    url = f"http://127.0.0.1:{port}"
    return start_process(
        "gunicorn",
        cmd,
        url=url,
        health_url=f"{url}{health_path}",
        log_path=log_path,
        timeout=timeout,
        cwd=REPO,
        env=env,
    )
