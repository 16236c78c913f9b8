"""Payment services against DynamoDB Local and localstripe (no mocks): charge, 3-D Secure,
declines, automatic refunds, refunds, webhooks, and what is (never) stored."""

import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from bookings.exceptions import BookingNotFound, HoldExpired
from bookings.models import Booking, RoomNight
from bookings.services import booking_cancel
from devtools.services import free_port
from hotel import dynamo
from hotel.audit.selectors import audit_for_object
from hotel.errors import Conflict, ValidationFailed
from payments import services
from payments.exceptions import (
    AmountMismatch,
    BookingNotPayable,
    InvalidPaymentMethod,
    InvalidWebhook,
    PaymentDeclined,
    PaymentGatewayUnavailable,
    PaymentInProgress,
    PaymentNotRefundable,
    RefundTooLarge,
)
from payments.models import Payment, ProcessedWebhookEvent
from payments.services import charge
from tests.stored import stored_text

from .conftest import DECLINED, THREE_D_SECURE, TOTAL, VISA, fake_event, now, sign


def pay(booking, payment_method="pm_card_visa", *, amount=TOTAL, currency="INR", at=None):
    return services.payment_create(
        booking_id=booking.bookingId,
        amount=amount,
        currency=currency,
        payment_method_id=payment_method,
        actor="guest",
        now=at or now(),
    )


def deliver(payload: bytes, *, at=None) -> str:
    return services.payment_webhook_handle(
        payload=payload, signature=sign(payload), now=at or now()
    )


def refund(payment, amount=None):
    return services.payment_refund(
        transaction_id=payment.transactionId, amount=amount, actor="acc@staff.test", now=now()
    )


def fresh(item):
    """The item as stored now (strongly consistent)."""
    key = item.bookingId if isinstance(item, Booking) else item.transactionId
    return type(item).get(key, consistent_read=True)


# --- charging ---------------------------------------------------------------------------------


def test_a_successful_payment_completes_it_and_confirms_the_booking(make_booking, bus):
    booking = make_booking().booking
    attempt = pay(booking)
    payment = fresh(attempt.payment)
    assert attempt.client_secret is None
    assert payment.status == "completed" and payment.completedAt is not None
    assert payment.transactionId.startswith("TXN-") and len(payment.transactionId) == 21
    assert (payment.amount, payment.currency, payment.paymentMethod) == (TOTAL, "INR", "visa")
    assert payment.stripePaymentIntentId.startswith("pi_")
    assert payment.attempt == 1 and payment.refundedAmount == 0
    confirmed = fresh(booking)
    assert confirmed.status == "confirmed" and confirmed.expiresAt is None
    assert all(n.holdExpiresAt is None for n in RoomNight.query("R-1"))
    assert [e.name for e in bus.events][-2:] == ["BookingConfirmed", "PaymentSucceeded"]
    actions = [
        e.action
        for e in audit_for_object(object_type="payments.payment", object_id=payment.transactionId)
    ]
    assert sorted(actions) == ["create", "status:completed"]


def test_the_provider_gets_the_booking_and_transaction_as_metadata(make_booking, stripe_side):
    booking = make_booking().booking
    payment = pay(booking).payment
    (intent,) = stripe_side.intents_for(booking.bookingId)
    assert intent.id == payment.stripePaymentIntentId
    assert intent.metadata.to_dict() == {
        "bookingId": booking.bookingId,
        "transactionId": payment.transactionId,
    }
    assert (intent.amount, intent.currency) == (TOTAL, "inr")


@pytest.mark.parametrize(
    ("amount", "currency"),
    [(TOTAL - 1, "INR"), (TOTAL + 100, "INR"), (TOTAL, "USD"), (TOTAL, "EUR"), (0, "INR")],
)
def test_amount_or_currency_not_matching_the_quote_charges_nothing(
    make_booking, stripe_side, amount, currency
):
    booking = make_booking().booking
    with pytest.raises(AmountMismatch) as caught:
        pay(booking, amount=amount, currency=currency)
    assert caught.value.status_code == 400
    assert caught.value.details == {"expected": {"amount": TOTAL, "currency": "INR"}}
    assert stripe_side.intents_for(booking.bookingId) == []
    assert Payment.count() == 0
    assert fresh(booking).status == "pending"


def test_lowercase_currency_is_the_same_currency(make_booking):
    assert pay(make_booking().booking, currency="inr").payment.status == "completed"


def test_only_a_pending_booking_with_a_live_hold_can_be_paid(make_booking, stripe_side):
    cancelled = make_booking(start=0).booking
    booking_cancel(booking_id=cancelled.bookingId, actor="test", now=now())
    with pytest.raises(BookingNotPayable) as caught:
        pay(cancelled)
    assert caught.value.status_code == 409
    expired = make_booking(start=5, at=now() - timedelta(days=3)).booking
    with pytest.raises(HoldExpired):
        pay(expired)
    with pytest.raises(BookingNotFound):
        services.payment_create(
            booking_id="BK-20260101-NOPE2345",
            amount=TOTAL,
            currency="INR",
            payment_method_id="pm_card_visa",
            actor="guest",
            now=now(),
        )
    paid = make_booking(start=10).booking
    pay(paid)
    with pytest.raises(BookingNotPayable):
        pay(paid)
    assert stripe_side.intents_for(cancelled.bookingId) == []
    assert stripe_side.intents_for(expired.bookingId) == []
    assert len(stripe_side.intents_for(paid.bookingId)) == 1


def test_a_declined_card_fails_the_payment_and_keeps_the_booking_pending(
    make_booking, stripe_side, bus
):
    booking = make_booking().booking
    with pytest.raises(PaymentDeclined) as caught:
        pay(booking, stripe_side.card(DECLINED))
    assert caught.value.message == "Your card was declined."
    (payment,) = Payment.by_booking.query(booking.bookingId)
    assert payment.status == "failed" and payment.failureMessage == "Your card was declined."
    assert fresh(booking).status == "pending"
    assert "PaymentFailed" in [e.name for e in bus.events]
    retry = pay(booking, stripe_side.card(VISA)).payment
    assert (retry.attempt, retry.status) == (2, "completed")
    assert fresh(booking).status == "confirmed"


def test_an_unknown_payment_method_fails_the_attempt_with_400(make_booking):
    booking = make_booking().booking
    with pytest.raises(InvalidPaymentMethod):
        pay(booking, "pm_nobody_made_this")
    (payment,) = Payment.by_booking.query(booking.bookingId)
    assert payment.status == "failed"


def test_a_card_token_pays_like_a_payment_method(make_booking, stripe_side):
    assert pay(make_booking().booking, stripe_side.token()).payment.status == "completed"


def test_a_second_attempt_while_one_is_in_flight_is_refused(make_booking, stripe_side):
    booking = make_booking().booking
    charge._payment_open(booking, actor="guest", now=now(), request_id=None)
    with pytest.raises(PaymentInProgress):
        pay(booking)
    assert stripe_side.intents_for(booking.bookingId) == []
    # An attempt orphaned long ago (the process died mid-call) does not block forever.
    assert pay(booking, at=now() + timedelta(minutes=3)).payment.attempt == 2


def test_two_attempts_cannot_claim_the_same_number(make_booking):
    """Two requests that read the booking's payments at the same moment both pick the next
    attempt number; the claim on it lets only one write (and charge)."""
    booking = make_booking().booking
    charge._payment_open(booking, actor="guest", now=now(), request_id=None)
    for payment in Payment.scan():
        payment.delete()  # what the second request saw: no earlier attempt
    with pytest.raises(PaymentInProgress):
        charge._payment_open(booking, actor="guest", now=now(), request_id=None)


def test_concurrent_attempts_open_one_payment_and_the_next_attempt_numbers_after_it(
    make_booking, stripe_side
):
    """The booking's payments are read through a keys-only index (whole payments fetched by
    BatchGet): racing requests still open one attempt (the claim decides), and the next
    attempt is numbered after it once it is settled."""
    booking = make_booking().booking
    barrier = threading.Barrier(4)

    def open_one():
        barrier.wait()
        try:
            return charge._payment_open(booking, actor="guest", now=now(), request_id=None)
        except PaymentInProgress as exc:
            return exc.code

    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(lambda _: open_one(), range(4)))
    opened = [o for o in outcomes if isinstance(o, Payment)]
    assert len(opened) == 1, outcomes
    assert [p.transactionId for p in Payment.by_booking.query(booking.bookingId)] == [
        opened[0].transactionId
    ]
    later = pay(booking, at=now() + timedelta(minutes=3)).payment  # the first one orphaned
    assert (later.attempt, later.status) == (2, "completed")
    assert [p.attempt for p in Payment.by_booking.query(booking.bookingId)] == [1, 2]


# --- 3-D Secure and webhooks ------------------------------------------------------------------


def test_3d_secure_requires_action_then_the_webhook_confirms(make_booking, stripe_side, bus):
    booking = make_booking().booking
    attempt = pay(booking, stripe_side.card(THREE_D_SECURE))
    payment = attempt.payment
    assert payment.status == "requires_action" and attempt.client_secret
    assert fresh(booking).status == "pending"
    stripe_side.authenticate(payment.stripePaymentIntentId, attempt.client_secret)
    payload = stripe_side.event_payload(payment.stripePaymentIntentId, "payment_intent.succeeded")
    assert deliver(payload) == "completed"
    assert fresh(payment).status == "completed"
    assert fresh(booking).status == "confirmed"
    assert deliver(payload) == "duplicate"  # the same event again
    assert ProcessedWebhookEvent.count() == 1


def test_a_late_3d_secure_success_still_confirms_while_the_nights_are_free(
    make_booking, stripe_side
):
    booking = make_booking().booking
    attempt = pay(booking, stripe_side.card(THREE_D_SECURE))
    stripe_side.authenticate(attempt.payment.stripePaymentIntentId, attempt.client_secret)
    payload = stripe_side.event_payload(
        attempt.payment.stripePaymentIntentId, "payment_intent.succeeded"
    )
    after_expiry = booking.expiresAt + timedelta(minutes=5)
    assert deliver(payload, at=after_expiry) == "completed"
    assert fresh(booking).status == "confirmed"


def test_a_success_after_the_nights_were_sold_again_is_refunded_automatically(
    make_booking, stripe_side, bus
):
    booking = make_booking().booking
    attempt = pay(booking, stripe_side.card(THREE_D_SECURE))
    intent_id = attempt.payment.stripePaymentIntentId
    after_expiry = booking.expiresAt + timedelta(minutes=5)
    # Someone else takes the room once the hold is over (and expires the lapsed hold).
    make_booking(at=after_expiry)
    stripe_side.authenticate(intent_id, attempt.client_secret)
    payload = stripe_side.event_payload(intent_id, "payment_intent.succeeded")
    assert deliver(payload, at=after_expiry) == "refunded"
    payment = fresh(attempt.payment)
    assert payment.status == "refunded" and payment.refundedAmount == TOTAL
    assert "refunded automatically" in payment.failureMessage
    assert payment.refunds[0]["refundId"].startswith("re_")
    assert [r.amount for r in stripe_side.refunds_for(intent_id)] == [TOTAL]
    assert fresh(booking).status == "expired"
    assert "PaymentRefunded" in [e.name for e in bus.events]
    assert deliver(payload, at=after_expiry) == "duplicate"
    assert len(stripe_side.refunds_for(intent_id)) == 1


def test_a_success_for_a_cancelled_booking_is_refunded_and_reported(make_booking, stripe_side):
    booking = make_booking().booking
    attempt = pay(booking, stripe_side.card(THREE_D_SECURE))
    booking_cancel(booking_id=booking.bookingId, actor="guest", now=now())
    stripe_side.authenticate(attempt.payment.stripePaymentIntentId, attempt.client_secret)
    with pytest.raises(BookingNotPayable) as caught:
        services.payment_settle_success(
            transaction_id=attempt.payment.transactionId,
            intent_id=attempt.payment.stripePaymentIntentId,
            brand=None,
            actor="test",
            now=now(),
        )
    assert caught.value.details["refunded"] is True
    assert "cancelled" in caught.value.message
    assert fresh(attempt.payment).status == "refunded"
    assert len(stripe_side.refunds_for(attempt.payment.stripePaymentIntentId)) == 1


def test_when_the_automatic_refund_fails_the_payment_stays_completed_for_staff(
    make_booking, stripe_side, settings
):
    booking = make_booking().booking
    attempt = pay(booking, stripe_side.card(THREE_D_SECURE))
    booking_cancel(booking_id=booking.bookingId, actor="guest", now=now())
    intent_id = attempt.payment.stripePaymentIntentId
    stripe_side.authenticate(intent_id, attempt.client_secret)
    payload = stripe_side.event_payload(intent_id, "payment_intent.succeeded")
    live_base = settings.STRIPE_API_BASE
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{free_port()}"  # Stripe unreachable
    with pytest.raises(PaymentGatewayUnavailable):
        deliver(payload)
    payment = fresh(attempt.payment)
    assert (payment.status, payment.refundedAmount) == ("completed", 0)
    assert "automatic refund failed" in payment.failureMessage
    assert ProcessedWebhookEvent.count() == 0  # Stripe's retry will be handled, not skipped
    settings.STRIPE_API_BASE = live_base
    assert deliver(payload) == "no-op"
    assert refund(payment).status == "refunded"
    assert [r.amount for r in stripe_side.refunds_for(intent_id)] == [TOTAL]


def test_a_second_payment_for_an_already_paid_booking_is_refunded(make_booking, stripe_side):
    booking = make_booking().booking
    first = pay(booking, stripe_side.card(THREE_D_SECURE))  # 3-D Secure in one tab…
    # …passed at the bank just before another card paid (its webhook not delivered yet):
    stripe_side.authenticate(first.payment.stripePaymentIntentId, first.client_secret)
    second = pay(booking).payment
    assert second.status == "completed"
    payload = stripe_side.event_payload(
        first.payment.stripePaymentIntentId, "payment_intent.succeeded"
    )
    assert deliver(payload) == "refunded"
    assert fresh(first.payment).status == "refunded"
    assert "already paid" in fresh(first.payment).failureMessage
    assert fresh(second).status == "completed"
    assert fresh(booking).status == "confirmed"


def test_the_synchronous_answer_and_the_webhook_settle_once(make_booking, stripe_side):
    booking = make_booking().booking
    payment = pay(booking).payment
    payload = stripe_side.event_payload(payment.stripePaymentIntentId, "payment_intent.succeeded")
    assert deliver(payload) == "no-op"
    assert fresh(payment).version == payment.version
    assert fresh(booking).status == "confirmed"


def test_a_failure_webhook_fails_a_3d_secure_payment(make_booking, stripe_side):
    booking = make_booking().booking
    attempt = pay(booking, stripe_side.card(THREE_D_SECURE))
    p = attempt.payment
    failed = fake_event(
        p.stripePaymentIntentId,
        transaction_id=p.transactionId,
        booking_id=booking.bookingId,
        amount=TOTAL,
        type="payment_intent.payment_failed",
        last_payment_error={"message": "Authentication failed."},
    )
    assert deliver(failed) == "failed"
    assert fresh(p).status == "failed" and fresh(p).failureMessage == "Authentication failed."
    assert fresh(booking).status == "pending"


@pytest.mark.parametrize("order", ["failed first", "succeeded first"])
def test_out_of_order_events_end_in_the_same_state(make_booking, stripe_side, order):
    booking = make_booking().booking
    p = pay(booking, stripe_side.card(THREE_D_SECURE)).payment
    common = {
        "transaction_id": p.transactionId,
        "booking_id": booking.bookingId,
        "amount": TOTAL,
    }
    succeeded = fake_event(p.stripePaymentIntentId, **common)
    failed = fake_event(p.stripePaymentIntentId, type="payment_intent.payment_failed", **common)
    sequence = [failed, succeeded] if order == "failed first" else [succeeded, failed]
    for payload in sequence + sequence:
        deliver(payload)
    assert fresh(p).status == "completed"
    assert fresh(booking).status == "confirmed"


def test_events_that_are_not_ours_or_do_not_match_change_nothing(make_booking, stripe_side):
    booking = make_booking().booking
    p = pay(booking, stripe_side.card(THREE_D_SECURE)).payment
    common = {"transaction_id": p.transactionId, "booking_id": booking.bookingId}
    cases = [
        fake_event(p.stripePaymentIntentId, amount=TOTAL + 1, **common),
        fake_event("pi_someone_else", amount=TOTAL, **common),
        fake_event(p.stripePaymentIntentId, amount=TOTAL, currency="usd", **common),
        fake_event(
            p.stripePaymentIntentId,
            amount=TOTAL,
            transaction_id="TXN-20260101-UNKNOWN2",
            booking_id=booking.bookingId,
        ),
        json.dumps({"id": "evt_other", "object": "event", "type": "charge.refunded"}).encode(),
    ]
    assert [deliver(payload) for payload in cases] == ["ignored"] * 5
    assert fresh(p).status == "requires_action"
    assert fresh(booking).status == "pending"


def test_a_webhook_with_a_bad_signature_writes_nothing(make_booking):
    payload = fake_event("pi_x", transaction_id="TXN-1", booking_id="BK-1", amount=1)
    with pytest.raises(InvalidWebhook):
        services.payment_webhook_handle(
            payload=payload, signature=sign(payload, secret="whsec_wrong"), now=now()
        )
    assert ProcessedWebhookEvent.count() == 0


# --- refunds ----------------------------------------------------------------------------------


def test_partial_refunds_then_the_rest(make_booking, stripe_side, bus):
    payment = pay(make_booking().booking).payment
    first = refund(payment, 2400)
    assert (first.status, first.refundedAmount) == ("partially_refunded", 2400)
    with pytest.raises(RefundTooLarge) as caught:
        refund(payment, TOTAL - 2400 + 1)
    assert caught.value.status_code == 400 and caught.value.details["refundable"] == 20000
    rest = refund(payment)
    assert (rest.status, rest.refundedAmount) == ("refunded", TOTAL)
    assert [r["amount"] for r in rest.refunds] == [2400, 20000]
    assert all(r["refundId"].startswith("re_") for r in fresh(payment).refunds)
    assert sorted(r.amount for r in stripe_side.refunds_for(payment.stripePaymentIntentId)) == [
        2400,
        20000,
    ]
    with pytest.raises(PaymentNotRefundable):
        refund(payment, 1)
    actions = [
        e.action
        for e in audit_for_object(object_type="payments.payment", object_id=payment.transactionId)
    ]
    assert actions.count("refund") == 2
    assert [e.name for e in bus.events].count("PaymentRefunded") == 2


def test_a_full_refund_at_once(make_booking):
    payment = refund(pay(make_booking().booking).payment)
    assert (payment.status, payment.refundedAmount) == ("refunded", TOTAL)


@pytest.mark.parametrize("amount", [0, -5, TOTAL + 1, 10.5, True])
def test_a_refund_must_be_a_positive_int_within_what_was_paid(make_booking, stripe_side, amount):
    payment = pay(make_booking().booking).payment
    with pytest.raises((RefundTooLarge, ValidationFailed)):
        refund(payment, amount)
    assert fresh(payment).refundedAmount == 0
    assert stripe_side.refunds_for(payment.stripePaymentIntentId) == []


def test_only_completed_payments_are_refunded(make_booking, stripe_side):
    booking = make_booking().booking
    with pytest.raises(PaymentDeclined):
        pay(booking, stripe_side.card(DECLINED))
    (failed,) = Payment.by_booking.query(booking.bookingId)
    with pytest.raises(PaymentNotRefundable):
        refund(failed)


def test_concurrent_refunds_never_give_back_more_than_was_paid(make_booking, stripe_side):
    payment = pay(make_booking().booking).payment
    barrier = threading.Barrier(4)

    def full_refund():
        barrier.wait()
        try:
            return refund(payment, TOTAL).status
        except (Conflict, RefundTooLarge, PaymentNotRefundable) as exc:
            return exc.code

    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(lambda _: full_refund(), range(4)))
    assert outcomes.count("refunded") == 1, outcomes
    assert fresh(payment).refundedAmount == TOTAL
    assert [r.amount for r in stripe_side.refunds_for(payment.stripePaymentIntentId)] == [TOTAL]


# --- what is stored ---------------------------------------------------------------------------

CARD_DATA = [
    re.compile(r"(?<![A-Za-z0-9])\d{13,19}(?![A-Za-z0-9])"),  # a bare card number
    re.compile(r"4242424242424242|4000000000000341|4000002760003184"),
    re.compile(r'"(cvc|cvv|exp_month|exp_year|last4|number)"', re.I),
    re.compile(r"Ada Guest.*(card|holder)|cardholder", re.I),
]


def test_no_card_data_in_any_stored_item(make_booking, stripe_side):
    pay(make_booking(start=0).booking, stripe_side.card(VISA))
    pay(make_booking(start=3).booking, stripe_side.token(VISA))
    declined = make_booking(start=6).booking
    with pytest.raises(PaymentDeclined):
        pay(declined, stripe_side.card(DECLINED))
    secure = pay(make_booking(start=9).booking, stripe_side.card(THREE_D_SECURE))
    stripe_side.authenticate(secure.payment.stripePaymentIntentId, secure.client_secret)
    deliver(
        stripe_side.event_payload(secure.payment.stripePaymentIntentId, "payment_intent.succeeded")
    )
    refund(fresh(secure.payment), 1000)

    ddb = dynamo.client()
    scanned = 0
    for model in dynamo.registered_models():
        for page in ddb.get_paginator("scan").paginate(TableName=model.Meta.table_name):
            for item in page["Items"]:
                text = stored_text(model, item)
                scanned += 1
                for pattern in CARD_DATA:
                    assert not pattern.search(text), (model.Meta.table_name, text)
    assert scanned > 20
    assert Payment.count() == 4
