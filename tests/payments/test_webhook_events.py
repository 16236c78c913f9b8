"""Webhooks localstripe does not emit (refunds made in Stripe's dashboard, disputes), built and
signed by hand; and a payment that succeeds after the sweeper expired its booking."""

import itertools
import json
from datetime import timedelta

import pytest

from bookings.models import Booking, RoomNight
from bookings.services import holds_expire
from hotel.audit.selectors import audit_for_object
from payments import services
from payments.models import Payment

from .conftest import THREE_D_SECURE, TOTAL, now, sign

_seq = itertools.count(1)


def pay(booking, payment_method="pm_card_visa"):
    return services.payment_create(
        booking_id=booking.bookingId,
        amount=TOTAL,
        currency="INR",
        payment_method_id=payment_method,
        actor="guest",
        now=now(),
    )


def deliver(payload: bytes, *, at=None) -> str:
    return services.payment_webhook_handle(
        payload=payload, signature=sign(payload), now=at or now()
    )


def fresh(item):
    key = item.bookingId if isinstance(item, Booking) else item.transactionId
    return type(item).get(key, consistent_read=True)


def event(event_type: str, obj: dict) -> bytes:
    return json.dumps(
        {
            "id": f"evt_extra{next(_seq)}",
            "object": "event",
            "type": event_type,
            "data": {"object": obj},
        }
    ).encode()


def charge_refunded(payment: Payment, amount_refunded: int) -> bytes:
    """The Charge as Stripe sends it: the intent's metadata is copied onto its charge."""
    return event(
        "charge.refunded",
        {
            "id": "ch_test1",
            "object": "charge",
            "amount": payment.amount,
            "amount_refunded": amount_refunded,
            "currency": "inr",
            "payment_intent": payment.stripePaymentIntentId,
            "refunded": amount_refunded == payment.amount,
            "metadata": {"bookingId": payment.bookingId, "transactionId": payment.transactionId},
        },
    )


def dispute_created(payment: Payment, dispute_id: str = "dp_test1") -> bytes:
    """A Dispute carries its own (empty) metadata, not the payment's."""
    return event(
        "charge.dispute.created",
        {
            "id": dispute_id,
            "object": "dispute",
            "amount": payment.amount,
            "currency": "inr",
            "charge": "ch_test1",
            "payment_intent": payment.stripePaymentIntentId,
            "reason": "fraudulent",
            "status": "needs_response",
            "metadata": {},
        },
    )


# --- charge.refunded --------------------------------------------------------------------------


def test_a_dashboard_refund_is_recorded_once_and_never_lowered(make_booking, stripe_side, bus):
    payment = pay(make_booking().booking).payment
    stripe_side.client.v1.refunds.create(  # staff refund part in Stripe's dashboard
        params={"payment_intent": payment.stripePaymentIntentId, "amount": 4000}
    )
    assert deliver(charge_refunded(payment, 4000)) == "refunded"
    stored = fresh(payment)
    assert (stored.status, stored.refundedAmount) == ("partially_refunded", 4000)
    assert stored.refunds[-1]["amount"] == 4000 and stored.refunds[-1]["source"] == "provider"
    assert "PaymentRefunded" in [e.name for e in bus.events]
    # The same total again (another event id) and an older, lower total change nothing.
    assert deliver(charge_refunded(payment, 4000)) == "no-op"
    assert deliver(charge_refunded(payment, 1000)) == "no-op"
    assert fresh(payment).refundedAmount == 4000
    assert deliver(charge_refunded(payment, TOTAL)) == "refunded"
    stored = fresh(payment)
    assert (stored.status, stored.refundedAmount) == ("refunded", TOTAL)
    assert [r["amount"] for r in stored.refunds] == [4000, TOTAL - 4000]
    actions = [
        e.action
        for e in audit_for_object(object_type="payments.payment", object_id=payment.transactionId)
    ]
    assert actions.count("refund:provider") == 2


def test_the_webhook_of_our_own_refund_is_not_counted_twice(make_booking):
    payment = pay(make_booking().booking).payment
    services.payment_refund(
        transaction_id=payment.transactionId, amount=5000, actor="acc@staff.test", now=now()
    )
    assert deliver(charge_refunded(payment, 5000)) == "no-op"
    stored = fresh(payment)
    assert (stored.status, stored.refundedAmount, len(stored.refunds)) == (
        "partially_refunded",
        5000,
        1,
    )


def test_a_refund_event_for_an_unpaid_payment_changes_nothing(make_booking, stripe_side):
    payment = pay(make_booking().booking, stripe_side.card(THREE_D_SECURE)).payment
    assert deliver(charge_refunded(payment, TOTAL)) == "no-op"
    assert fresh(payment).status == "requires_action"


# --- charge.dispute.created -------------------------------------------------------------------


def test_a_dispute_flags_the_payment_and_the_booking_for_staff(make_booking, bus):
    booking = make_booking().booking
    payment = pay(booking).payment
    assert deliver(dispute_created(payment)) == "disputed"
    stored = fresh(payment)
    assert stored.dispute["id"] == "dp_test1" and stored.dispute["reason"] == "fraudulent"
    assert stored.status == "completed"  # the money is not moved by the dispute itself
    flags = fresh(booking).flags
    assert [f["flag"] for f in flags] == ["disputed"]
    assert payment.transactionId in flags[0]["detail"]
    assert "flag:disputed" in [
        e.action
        for e in audit_for_object(object_type="bookings.booking", object_id=booking.bookingId)
    ]
    assert "dispute" in [
        e.action
        for e in audit_for_object(object_type="payments.payment", object_id=payment.transactionId)
    ]
    assert "PaymentDisputed" in [e.name for e in bus.events]
    assert deliver(dispute_created(payment)) == "no-op"  # the same dispute, another event id
    assert len(fresh(booking).flags) == 1


def test_a_dispute_of_an_unknown_intent_is_ignored(make_booking):
    payment = pay(make_booking().booking).payment
    payment.stripePaymentIntentId = "pi_not_ours"
    assert deliver(dispute_created(payment)) == "ignored"
    assert fresh(payment).dispute is None


# --- a success after the sweeper expired the booking ------------------------------------------


def _expired_with_pending_3ds(make_booking, stripe_side):
    booking = make_booking().booking
    attempt = pay(booking, stripe_side.card(THREE_D_SECURE))
    after_expiry = booking.expiresAt + timedelta(minutes=5)
    assert holds_expire(now=after_expiry) == 1
    assert fresh(booking).status == "expired"
    assert RoomNight.count(booking.roomId) == 0  # the sweeper released the nights
    stripe_side.authenticate(attempt.payment.stripePaymentIntentId, attempt.client_secret)
    payload = stripe_side.event_payload(
        attempt.payment.stripePaymentIntentId, "payment_intent.succeeded"
    )
    return booking, attempt.payment, payload, after_expiry


def test_a_success_after_the_sweep_revives_the_booking_when_its_nights_are_free(
    make_booking, stripe_side, bus
):
    booking, payment, payload, at = _expired_with_pending_3ds(make_booking, stripe_side)
    assert deliver(payload, at=at) == "completed"
    stored = fresh(booking)
    assert (stored.status, stored.expiresAt, stored.purgeAt) == ("confirmed", None, None)
    nights = list(RoomNight.query(booking.roomId))
    assert [n.night for n in nights] == [booking.checkIn, stored.nightly[1]["date"]]
    assert all(n.bookingId == booking.bookingId and n.holdExpiresAt is None for n in nights)
    assert fresh(payment).status == "completed"
    assert not stripe_side.refunds_for(payment.stripePaymentIntentId)
    assert {"BookingConfirmed", "PaymentSucceeded"} <= {e.name for e in bus.events}


def test_a_success_after_the_sweep_is_refunded_when_the_nights_were_sold(make_booking, stripe_side):
    booking, payment, payload, at = _expired_with_pending_3ds(make_booking, stripe_side)
    other = make_booking(at=at).booking  # someone else books the room meanwhile
    assert deliver(payload, at=at) == "refunded"
    assert fresh(booking).status == "expired"
    stored = fresh(payment)
    assert (stored.status, stored.refundedAmount) == ("refunded", TOTAL)
    assert [r.amount for r in stripe_side.refunds_for(payment.stripePaymentIntentId)] == [TOTAL]
    assert {n.bookingId for n in RoomNight.query(booking.roomId)} == {other.bookingId}


def test_a_delivery_handled_alongside_a_failed_one_keeps_its_whole_record(monkeypatch):
    """Two deliveries of one event at once: one fails and removes the record, the other
    completes. The record ends whole (type and expiry: DynamoDB's TTL still removes it),
    not an outcome alone that would never expire; and a failure after a completion does not
    remove the completed record."""
    from payments.models import ProcessedWebhookEvent
    from payments.services import webhooks

    payload = json.dumps({"id": "evt_twice", "object": "event", "type": "charge.updated"}).encode()
    real_apply = webhooks._webhook_apply

    def other_delivery_failed_meanwhile(event, *, now):
        ProcessedWebhookEvent("evt_twice").delete()
        return real_apply(event, now=now)

    monkeypatch.setattr(webhooks, "_webhook_apply", other_delivery_failed_meanwhile)
    assert deliver(payload) == "ignored"
    record = ProcessedWebhookEvent.get("evt_twice", consistent_read=True)
    assert (record.outcome, record.type) == ("ignored", "charge.updated")
    assert record.expiresAt is not None

    record.outcome = None
    record.save()  # handled alongside by a delivery still running...

    def completes_first(event, *, now):  # ...which notes its outcome before this one fails
        ProcessedWebhookEvent("evt_twice").update(
            actions=[ProcessedWebhookEvent.outcome.set("ignored")]
        )
        raise RuntimeError("this delivery's handling failed")

    monkeypatch.setattr(webhooks, "_webhook_apply", completes_first)
    with pytest.raises(RuntimeError):
        deliver(payload)
    assert ProcessedWebhookEvent.get("evt_twice", consistent_read=True).outcome == "ignored"
