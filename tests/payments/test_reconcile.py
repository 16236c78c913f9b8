"""The reconcile_payments job against localstripe (no mocks): a payment left open because the
process died between the provider and the write that records it (and its webhook was lost) is
settled from what the provider says, through the webhook's own path, once. And the webhook's
own recovery: an event whose handling died is handled again when the provider sends it again.

The states a crash leaves are built the way the charge builds them: the pending payment
written with its mark on the booking (charge._payment_open), then the provider asked (or not)
and nothing recorded. localstripe's webhooks are not registered here: every one is lost.
"""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command

from bookings.models import CONFIRMED, Booking
from hotel import jobs
from payments import services
from payments.exceptions import PaymentDeclined
from payments.models import (
    COMPLETED,
    FAILED,
    PENDING,
    REQUIRES_ACTION,
    Payment,
    ProcessedWebhookEvent,
)
from payments.providers import get_provider
from payments.services import charge
from payments.services.reconcile import OLDER_THAN, payments_reconcile
from tests.helpers import record_reads

from .conftest import DECLINED, THREE_D_SECURE, TOTAL, now
from .test_services import deliver

LATER = OLDER_THAN + timedelta(minutes=1)


def opened(booking, at) -> Payment:
    """What the charge writes before it asks the provider."""
    return charge._payment_open(booking, actor="guest", now=at, request_id=None, extend_hold=True)


def charged_unrecorded(booking, at, payment_method="pm_card_visa") -> Payment:
    """The provider took the money; the process died before recording it."""
    payment = opened(booking, at)
    get_provider().create_and_confirm(
        amount=payment.amount,
        currency=payment.currency,
        payment_method=payment_method,
        metadata={"bookingId": booking.bookingId, "transactionId": payment.transactionId},
        idempotency_key=f"test:{payment.transactionId}",
    )
    return payment


def stored(payment: Payment) -> Payment:
    return Payment.get(payment.transactionId, consistent_read=True)


def test_money_taken_but_unrecorded_ends_recorded_once(make_booking, stripe_side):
    booking, t0 = make_booking().booking, now()
    payment = charged_unrecorded(booking, t0)
    assert (stored(payment).status, stored(payment).stripePaymentIntentId) == (PENDING, None)

    result = payments_reconcile(now=t0 + LATER)

    assert result.outcomes == {"completed": [payment.transactionId]}
    settled = stored(payment)
    assert settled.status == COMPLETED and settled.amount == TOTAL
    assert settled.stripePaymentIntentId
    [intent] = stripe_side.intents_for(booking.bookingId)
    assert intent.id == settled.stripePaymentIntentId and intent.status == "succeeded"
    confirmed = Booking.get(booking.bookingId, consistent_read=True)
    assert confirmed.status == CONFIRMED and not confirmed.openPayments
    assert payments_reconcile(now=t0 + LATER).checked == 0  # nothing open any more
    late = stripe_side.event_payload(intent.id, "payment_intent.succeeded")
    assert deliver(late) == "no-op"  # the webhook, had it come late, finds the work done
    assert stored(payment).version == settled.version


def test_an_attempt_the_provider_never_saw_is_failed_and_frees_the_booking(make_booking):
    booking, t0 = make_booking().booking, now()
    payment = opened(booking, t0)
    assert Booking.get(booking.bookingId).openPayments == {payment.transactionId}

    result = payments_reconcile(now=t0 + LATER)

    assert result.outcomes == {"unsent": [payment.transactionId]}
    assert stored(payment).status == FAILED  # a success reported after all would still win
    assert not Booking.get(booking.bookingId, consistent_read=True).openPayments
    paid = services.payment_create(
        booking_id=booking.bookingId,
        amount=TOTAL,
        currency="INR",
        payment_method_id="pm_card_visa",
        actor="guest",
        now=now(),
    )
    assert paid.payment.status == COMPLETED and paid.payment.attempt == 2


def test_a_decline_unrecorded_is_marked_failed(make_booking, stripe_side):
    booking, t0 = make_booking().booking, now()
    with pytest.raises(PaymentDeclined):
        charged_unrecorded(booking, t0, payment_method=stripe_side.card(DECLINED))

    result = payments_reconcile(now=t0 + LATER)

    [payment] = Payment.by_booking.query(booking.bookingId)
    assert result.outcomes == {"failed": [payment.transactionId]}
    assert stored(payment).status == FAILED and stored(payment).stripePaymentIntentId
    assert Booking.get(booking.bookingId, consistent_read=True).status == "pending"


def test_3d_secure_passed_while_its_webhook_was_lost_completes(make_booking, stripe_side):
    booking, t0 = make_booking().booking, now()
    attempt = services.payment_create(
        booking_id=booking.bookingId,
        amount=TOTAL,
        currency="INR",
        payment_method_id=stripe_side.card(THREE_D_SECURE),
        actor="guest",
        now=t0,
    )
    assert attempt.payment.status == REQUIRES_ACTION
    stripe_side.authenticate(attempt.payment.stripePaymentIntentId, attempt.client_secret)

    result = payments_reconcile(now=t0 + LATER)

    assert result.outcomes == {"completed": [attempt.payment.transactionId]}
    assert stored(attempt.payment).status == COMPLETED
    assert Booking.get(booking.bookingId, consistent_read=True).status == CONFIRMED


def test_young_payments_are_left_and_candidates_come_from_two_indexes(make_booking, monkeypatch):
    """Open payments from the status index, refunds owed from the sparse owed index."""
    booking, t0 = make_booking().booking, now()
    payment = opened(booking, t0)
    reads = record_reads(monkeypatch, Payment)

    assert payments_reconcile(now=t0 + OLDER_THAN - timedelta(minutes=1)).checked == 0

    assert reads and {kind for kind, _ in reads} == {"query"}
    assert {index for _, index in reads} == {
        "status-createdAt-index",
        "refundOwed-refundOwedSince-index",
    }
    assert stored(payment).status == PENDING


def test_the_job_waits_its_minutes_and_the_command_settles(make_booking):
    booking = make_booking().booking
    payment = charged_unrecorded(booking, now())
    out = io.StringIO()

    job = jobs.reconcile_payments({"source": "aws.events"}, None)  # opened just now: left
    call_command("reconcile_payments", "--minutes", "0", stdout=out)

    assert job["output"].startswith("reconciled 0 open payment(s): completed 0")
    assert out.getvalue().splitlines() == [
        "reconciled 1 open payment(s): completed 1, refunded 0, failed 0, unsent 0, "
        "released 0, mismatch 0, waiting 0, settled 0, error 0",
        f"  completed: {payment.transactionId}",
    ]
    assert Booking.get(booking.bookingId, consistent_read=True).status == CONFIRMED


def test_a_webhook_whose_handling_died_is_handled_again_on_the_retry(make_booking, stripe_side):
    booking = make_booking().booking
    attempt = services.payment_create(
        booking_id=booking.bookingId,
        amount=TOTAL,
        currency="INR",
        payment_method_id=stripe_side.card(THREE_D_SECURE),
        actor="guest",
        now=now(),
    )
    intent_id = attempt.payment.stripePaymentIntentId
    stripe_side.authenticate(intent_id, attempt.client_secret)
    payload = stripe_side.event_payload(intent_id, "payment_intent.succeeded")
    event_id = json.loads(payload)["id"]
    ProcessedWebhookEvent(  # recorded as received; the process died before handling it
        eventId=event_id,
        type="payment_intent.succeeded",
        receivedAt=now(),
        expiresAt=now() + timedelta(days=30),
    ).save()

    assert deliver(payload) == "completed"  # the provider's retry
    assert deliver(payload) == "duplicate"  # handled to the end now
    assert stored(attempt.payment).status == COMPLETED


def test_a_payment_found_unsent_is_asked_about_for_an_hour_not_for_three_days(make_booking):
    booking, t0 = make_booking().booking, now()
    payment = opened(booking, t0)
    assert payments_reconcile(now=t0 + LATER).outcomes == {"unsent": [payment.transactionId]}
    # A charge the provider reports late is still looked for a while (one search a run)...
    assert payments_reconcile(now=t0 + LATER + timedelta(minutes=10)).outcomes == {
        "waiting": [payment.transactionId]
    }
    # ...then left to its webhook: not one provider search every 10 minutes for three days.
    assert payments_reconcile(now=t0 + LATER + timedelta(hours=2)).checked == 0


def test_a_run_asks_about_at_most_its_share_and_one_failure_stops_no_other(
    make_booking, monkeypatch
):
    from payments.services import reconcile

    t0 = now()
    first = opened(make_booking(start=0).booking, t0)
    second = opened(make_booking(start=5).booking, t0)
    asked = []

    def flaky(payment, *, now):
        asked.append(payment.transactionId)
        if len(asked) == 1:
            raise RuntimeError("a surprise in one payment's settling")
        return reconcile.UNSENT

    monkeypatch.setattr(reconcile, "payment_reconcile", flaky)
    result = payments_reconcile(now=t0 + LATER)
    assert sorted(asked) == sorted([first.transactionId, second.transactionId])
    assert result.count("error") == 1 and result.count("unsent") == 1

    monkeypatch.setattr(reconcile, "MAX_PER_RUN", 1)
    asked.clear()
    assert payments_reconcile(now=t0 + LATER).checked == 1  # the rest next run
