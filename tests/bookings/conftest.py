import threading
from datetime import date, timedelta

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

from bookings.services import booking_create
from bookings.services import transition as transition_service
from tests.conftest import NOW

# NOW is 2026-03-02 09:30 UTC; stays start a week later.
D = date(2026, 3, 9)


def day(n: int) -> date:
    return D + timedelta(days=n)


@pytest.fixture
def make_booking():
    def make(room_id="R-1", start=0, nights=2, now=NOW, **kw):
        fields = {"guests": 2, "guest_name": "Ada Guest", "guest_email": "ada@guest.test"}
        fields.update(kw)
        return booking_create(
            room_id=room_id,
            check_in=day(start),
            check_out=day(start + nights),
            actor="test",
            now=now,
            **fields,
        )

    return make


@pytest.fixture
def room(make_room):
    return make_room(roomId="R-1", capacity=2, pricePerNight=10000)


class Server(ThreadedWSGIServer):
    request_queue_size = 256  # the default backlog of 5 resets a burst of connections


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def live_url():
    server = Server(("127.0.0.1", 0), QuietHandler, allow_reuse_address=False)
    server.daemon_threads = True
    server.set_app(WSGIHandler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _no_checkout_guards(monkeypatch):
    """The lifecycle is tested here on its own: the bill's check-out guard (registered by
    payments, tested in tests/payments/folio) does not run, so a stay can check out unpaid."""
    monkeypatch.setattr(transition_service, "_CHECKOUT_GUARDS", [])
