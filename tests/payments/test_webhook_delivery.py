"""End to end: localstripe signs and POSTs its webhook to the running app (`make run`'s setup)."""

import os
import threading
import time

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

from bookings.models import Booking
from devtools.services import localstripe_webhook_register
from payments.models import Payment, ProcessedWebhookEvent

from .conftest import THREE_D_SECURE, TOTAL
from .test_services import fresh, pay

EVENTS = ["payment_intent.succeeded", "payment_intent.payment_failed"]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def app_url():
    """The app served over HTTP from a thread (pytest-django's live_server wants an ORM)."""
    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=False)
    server.set_app(WSGIHandler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def delivered_to_app(app_url):
    """localstripe delivers to this test's server; muted again afterwards, because the
    registration outlives the test and localstripe is shared by the whole run."""
    name = f"hotel-test-{os.getpid()}"
    register = lambda events: localstripe_webhook_register(  # noqa: E731
        settings.STRIPE_API_BASE,
        name=name,
        url=f"{app_url}/webhooks/stripe",
        secret=settings.STRIPE_WEBHOOK_SECRET,
        events=events,
    )
    register(EVENTS)
    yield
    register([])


def wait_for(predicate, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_localstripe_webhook_confirms_a_3d_secure_booking(
    delivered_to_app, make_booking, stripe_side
):
    booking = make_booking().booking
    attempt = pay(booking, stripe_side.card(THREE_D_SECURE))
    assert attempt.payment.status == "requires_action"
    stripe_side.authenticate(attempt.payment.stripePaymentIntentId, attempt.client_secret)
    assert wait_for(lambda: fresh(attempt.payment).status == "completed")
    assert fresh(booking).status == "confirmed"
    assert Payment.get(attempt.payment.transactionId).amount == TOTAL
    assert Booking.get(booking.bookingId).expiresAt is None
    # Let the requests finish before the next test empties the tables (events of earlier
    # tests may arrive too: they are "ignored").
    assert wait_for(lambda: _settled([e.outcome for e in ProcessedWebhookEvent.scan()]))


def _settled(outcomes: list) -> bool:
    return "completed" in outcomes and None not in outcomes
