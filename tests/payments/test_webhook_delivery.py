"""End to end: localstripe signs and POSTs its webhook to the running app (`make run`'s setup)."""

import time

from bookings.models import Booking
from payments.models import Payment, ProcessedWebhookEvent

from .conftest import THREE_D_SECURE, TOTAL
from .test_services import fresh, pay


def wait_for(predicate, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_localstripe_webhook_confirms_a_3d_secure_booking(
    localstripe_webhooks, make_booking, stripe_side
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
