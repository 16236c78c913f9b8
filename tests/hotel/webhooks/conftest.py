"""A real HTTP receiver on a loopback port (no mock of HTTP), subscriptions through the API,
the README's verification snippet, and a clean slate of background sends per test."""

from __future__ import annotations

import itertools
import json
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from hotel.accounts import roles
from hotel.webhooks.models import WebhookDelivery
from hotel.webhooks.publish import webhooks_wait_idle
from tests.factories import booking_made

README = Path(__file__).resolve().parents[3] / "README.md"


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """What the receiver got, and what it answers (`status`, `answer`)."""

    url: str = ""
    status: int = 200
    answer: bytes = b"ok"
    requests: list[Received] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Received]:
        """The first `count` requests, waiting at most `timeout` seconds for them."""
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.requests) >= count, timeout=timeout)
            return list(self.requests)


@pytest.fixture
def receiver():
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with state.arrived:
                state.requests.append(Received(self.path, dict(self.headers), body))
                state.arrived.notify_all()
            self.send_response(state.status)
            self.send_header("Content-Length", str(len(state.answer)))
            self.end_headers()
            self.wfile.write(state.answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="webhook-receiver", daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _background_sends_finish():
    """No first attempt of one test may land in the next one's tables."""
    yield
    assert webhooks_wait_idle(timeout=20)


@pytest.fixture
def manager_api(api):
    return api.as_role(roles.MANAGER)


@pytest.fixture
def subscribe(manager_api):
    """`subscribe(url, events)`: a webhook made through the API; its JSON (with `secret`)."""

    def make(url: str, events=("booking.created",)) -> dict:
        response = manager_api.post(
            "/api/webhooks", {"url": url, "events": list(events)}, format="json"
        )
        assert response.status_code == 201, response.json()
        return response.json()

    return make


@pytest.fixture
def booked(make_room):
    """`booked()`: a booking made through the services (its BookingCreated is published)."""
    make_room(roomId="R-1")
    starts = itertools.count(20, 3)  # each booking its own nights

    def make(**fields):
        check_in = datetime.now(UTC).date() + timedelta(days=next(starts))
        return booking_made(
            room_id="R-1",
            check_in=check_in,
            check_out=check_in + timedelta(days=2),
            now=datetime.now(UTC),
            **fields,
        )

    return make


def deliveries(webhook_id: str) -> list[WebhookDelivery]:
    return list(WebhookDelivery.query(webhook_id, consistent_read=True))


def readme_snippet() -> dict:
    """The README's Python verification snippet, run as written: its names."""
    text = README.read_text()
    section = text.split("### Webhooks", 1)[1].split("\n## ", 1)[0]
    (code,) = [c for c in re.findall(r"```python\n(.*?)```", section, re.S) if "def verify" in c]
    names: dict = {}
    exec(compile(code, "README.md (Webhooks)", "exec"), names)
    return names
