"""kill -9 the app server in the middle of a booking load, start it again: DynamoDB's
transactions leave nothing half-done, and no booking a client was told about is lost."""

from __future__ import annotations

import os
import random
import signal
import time
from concurrent.futures import ThreadPoolExecutor, wait
from datetime import UTC, datetime, timedelta

import pytest

from devtools.gunicorn_server import start_gunicorn
from devtools.services import free_port

from .conftest import suite_env
from .helpers import Outcome, inventory_violations, plan_attempts, post_booking

pytestmark = pytest.mark.reliability

ROOMS = 10
BEFORE, AFTER = 200, 60
KILL_AFTER_ANSWERS = 40


def test_kill_9_mid_load_leaves_every_answered_booking_whole(
    make_room, tmp_path, reliability_report
):
    rooms = [make_room(roomId=f"R-CRASH-{i:02d}").roomId for i in range(ROOMS)]
    first = (datetime.now(UTC) + timedelta(days=60)).date()
    attempts = plan_attempts(
        random.Random(9), rooms=rooms, count=BEFORE + AFTER, first=first, days=40
    )
    port = free_port()
    log = tmp_path / "server.log"
    server = start_gunicorn(port=port, env=suite_env(), workers=2, threads=4, log_path=log)
    url = server.url
    outcome = Outcome()
    try:
        with ThreadPoolExecutor(16) as pool:
            futures = [
                pool.submit(post_booking, url, attempt, n, outcome, 10)
                for n, attempt in enumerate(attempts[:BEFORE])
            ]
            deadline = time.monotonic() + 120
            while sum(outcome.statuses.values()) < KILL_AFTER_ANSWERS:
                assert time.monotonic() < deadline, "the load never got going"
                time.sleep(0.02)
            os.killpg(server.process.pid, signal.SIGKILL)  # master and workers, mid-request
            server.process.wait()
            wait(futures)
        answered_before = dict(outcome.statuses)
        assert outcome.transport_errors > 0, "the kill interrupted nothing"

        server = start_gunicorn(port=port, env=suite_env(), workers=2, threads=4, log_path=log)
        with ThreadPoolExecutor(16) as pool:
            for n, attempt in enumerate(attempts[BEFORE:], start=BEFORE):
                pool.submit(post_booking, url, attempt, n, outcome, 10)
    finally:
        server.stop()

    assert outcome.server_errors == []
    assert set(outcome.statuses) <= {201, 409}, outcome.statuses
    assert outcome.statuses[201] > answered_before.get(201, 0), "nothing booked after restart"
    assert inventory_violations(outcome.created) == []
    reliability_report.add(
        "crash points",
        f"kill -9 mid-load ({outcome.transport_errors} requests cut off)",
        "restart; every answered booking whole",
    )
