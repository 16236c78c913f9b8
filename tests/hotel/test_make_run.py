"""`make run` (devtools.run): the product's own command serves many guests at once (gunicorn,
threaded workers, not runserver's 5-connection backlog), prints progress lines and the URLs
only, and Ctrl-C stops it without a traceback."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from devtools.gunicorn_server import server_env
from devtools.run import web_server
from devtools.services import REPO, free_port

CLIENTS = 40
PATHS = ["/", "/healthz", "/api/rooms"]


def hammer(url: str, clients: int = CLIENTS) -> tuple[list[int], list[str]]:
    """`clients` threads connect at the same moment; each asks for every path on a connection
    of its own. Returns the statuses and the connection errors."""
    host, port = url.removeprefix("http://").split(":")
    start = threading.Barrier(clients)
    statuses: list[int] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client():
        start.wait()
        for path in PATHS:
            conn = http.client.HTTPConnection(host, int(port), timeout=60)
            try:
                conn.request("GET", path, headers={"Connection": "close"})
                response = conn.getresponse()
                response.read()
                with lock:
                    statuses.append(response.status)
            except OSError as exc:  # reset, refused, timed out
                with lock:
                    errors.append(f"{path}: {exc!r}")
            finally:
                conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses, errors


def listen_backlog(port: int) -> int:
    """The accept queue's size of the socket listening on `port` (ss's Send-Q column):
    runserver's is 5, which under a burst of clients means resets or SYN retries."""
    out = subprocess.run(
        ["ss", "-Hltn", f"sport = :{port}"], capture_output=True, text=True, check=True
    ).stdout.split()
    return int(out[2])  # State Recv-Q Send-Q Local Peer


def test_the_run_server_answers_40_concurrent_clients_without_a_connection_error(tmp_path):
    env = server_env(
        DYNAMODB_ENDPOINT=os.environ["DYNAMODB_ENDPOINT"],
        HOTEL_TABLE_PREFIX=os.environ["HOTEL_TABLE_PREFIX"],
        STRIPE_API_BASE=os.environ["STRIPE_API_BASE"],
        HOTEL_STAGE="test",
    )
    log = tmp_path / "web.log"
    port = free_port()
    web = web_server(port=port, env=env, reload=False, log_path=log)
    try:
        assert listen_backlog(port) >= CLIENTS
        statuses, errors = hammer(web.url)
    finally:
        web.stop()
    assert errors == []
    assert statuses == [200] * (CLIENTS * len(PATHS))
    assert "gthread" in log.read_text()  # threaded workers, as `make run` starts them


ALLOWED = [
    r"Starting DynamoDB Local on 127\.0\.0\.1:\d+ \(data in .+\)",
    r"Starting localstripe on 127\.0\.0\.1:\d+ \(a stand-in for Stripe\)",
    r"Creating the DynamoDB tables",
    r"Loading the demo rooms, bookings and manager account",
    r"Checking the room types and inventory counters",
    r"Checking the rate plans and booking terms",
    r"Starting the app with gunicorn on 127\.0\.0\.1:\d+",
    r"",
    r"  Ready in [\d.]+s",
    r"  (Site|Admin|API|API docs|Stripe|Health|Log): +\S.*",
    r"  Press Ctrl-C to stop \(data is kept\)\.",
    r"Stopping…",
]


def test_make_run_prints_progress_and_urls_only_serves_and_stops_quietly_on_ctrl_c(tmp_path):
    port = free_port()
    env = {
        **server_env(),
        "PORT": str(port),
        "DYNAMODB_PORT": str(free_port()),
        "LOCALSTRIPE_PORT": str(free_port()),
        "HOTEL_DATA_DIR": str(tmp_path / "data"),
        "HOTEL_STAGE": "local",
        "HOTEL_TABLE_PREFIX": "hotelrun",
    }
    for name in ("DYNAMODB_ENDPOINT", "STRIPE_API_BASE", "STRIPE_WEBHOOK_SECRET"):
        env.pop(name, None)
    out_path = tmp_path / "terminal.txt"
    with open(out_path, "wb") as out:
        # Its own process group, like a terminal's foreground job: Ctrl-C goes to the group.
        run = subprocess.Popen(
            [sys.executable, "-m", "devtools.run"],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 600
        while "Press Ctrl-C" not in out_path.read_text() and time.monotonic() < deadline:
            assert run.poll() is None, out_path.read_text()
            time.sleep(0.5)
        assert "Press Ctrl-C" in out_path.read_text()
        assert listen_backlog(port) >= CLIENTS
        statuses, errors = hammer(f"http://127.0.0.1:{port}")
        assert errors == [] and statuses == [200] * (CLIENTS * len(PATHS))
        os.killpg(run.pid, signal.SIGINT)
        assert run.wait(60) == 0
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
    text = out_path.read_text()
    lines = text.splitlines()
    unexpected = [ln for ln in lines if not any(re.fullmatch(p, ln) for p in ALLOWED)]
    assert unexpected == [], text
    assert len(lines) < 25 and "Traceback" not in text and "KeyboardInterrupt" not in text
    assert lines[-1] == "Stopping…" and "Starting the app with gunicorn on" in text
    web_log = Path(env["HOTEL_DATA_DIR"]) / "web.log"
    assert "GET /healthz" in web_log.read_text()  # the server's output went to its log
