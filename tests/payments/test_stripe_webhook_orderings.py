"""Stripe's webhooks arrive late, twice and out of order: whatever the order of delivery, a
booking's payment history ends in the state it reaches when each event arrives once, in order.

Each example makes a real history against localstripe (a 3-D Secure attempt that fails, then
one that succeeds; refunds made in Stripe's dashboard; a dispute), twice: one copy hears each
event once, as soon as it is made; the other hears them only afterwards, in an order
Hypothesis draws, each event delivered 1–10 times (a replay has the same event id, re-signed),
some forged. Both end alike, and the money adds up against Stripe's own records.
"""

from __future__ import annotations

import itertools
import json
import time

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookings.models import Booking
from payments import services
from payments.folio.models import PAYMENT, REFUND
from payments.folio.services import folio_sync
from payments.folio.stay_lines import live_lines
from payments.models import (
    CANCELLED,
    COMPLETED,
    FAILED,
    PARTIALLY_REFUNDED,
    REFUNDED,
    Payment,
)
from payments.selectors import payments_for_booking
from rooms.models import Room
from tests.invariants import assert_inventory_consistent

from .conftest import PRICE, THREE_D_SECURE, TOTAL, now, sign

_example = itertools.count()
_event_ids = itertools.count(1)
MONEY = (COMPLETED, PARTIALLY_REFUNDED, REFUNDED)
# An attempt that took no money ends failed when its failure is heard before the other
# attempt's success, else cancelled: the success cancels at Stripe the attempts still open
# (settlement.open_attempts_cancel) and Stripe accepts that for a failed one. Both are true.
UNPAID = {FAILED: "unpaid", CANCELLED: "unpaid"}


# --- a booking's history, made at localstripe ---------------------------------------------------


def _event(event_type: str, obj: dict) -> tuple[str, bytes]:
    """A Stripe event around `obj` (the object as Stripe's API renders it)."""
    event_id = f"evt_order{next(_event_ids)}_{int(time.time() * 1000)}"
    body = {
        "id": event_id,
        "object": "event",
        "api_version": "2024-06-20",
        "created": int(time.time()),
        "livemode": False,
        "pending_webhooks": 1,
        "type": event_type,
        "data": {"object": obj},
    }
    return event_type, json.dumps(body).encode()


def _attempt(booking, stripe_side):
    attempt = services.payment_create(
        booking_id=booking.bookingId,
        amount=TOTAL,
        currency="INR",
        payment_method_id=stripe_side.card(THREE_D_SECURE),
        actor="guest",
        now=now(),
    )
    assert attempt.payment.status == "requires_action"
    return attempt


def _raw(stripe_side, path: str) -> dict:
    return json.loads(stripe_side.raw(path))


def make_history(booking, stripe_side, plan: dict, *, heard=None) -> list[tuple[str, bytes]]:
    """Do at localstripe what `plan` says; return its events in the order Stripe made them.
    `heard(payload)`: each event is delivered as soon as it is made (once, in order, with
    the hotel seeing each step before the next); else none is, and the payments stay
    awaiting 3-D Secure until their webhooks come.

    localstripe sends no event for a failed 3-D Secure, none for a refund and has no
    disputes, so each event is built around the object as localstripe's API renders it
    then, the way Stripe wraps it (a Charge carries its PaymentIntent's metadata, copied
    when it was made; a Dispute carries none of its own)."""
    events = []

    def made(event: tuple[str, bytes]) -> None:
        events.append(event)
        if heard is not None:
            heard(event[1])

    if plan["failed_first"]:
        failed = _attempt(booking, stripe_side)
        intent_id = failed.payment.stripePaymentIntentId
        stripe_side.authenticate(intent_id, failed.client_secret, success=False)
        made(_event("payment_intent.payment_failed", _intent(stripe_side, intent_id)))
    paid = _attempt(booking, stripe_side)
    intent_id = paid.payment.stripePaymentIntentId
    stripe_side.authenticate(intent_id, paid.client_secret)
    intent = _intent(stripe_side, intent_id)
    made(_event("payment_intent.succeeded", intent))
    for step in plan["after"]:
        if step == "dispute":
            made(_event("charge.dispute.created", _dispute(intent)))
            continue
        stripe_side.client.v1.refunds.create(params={"payment_intent": intent_id, "amount": step})
        made(charge_refunded(stripe_side, intent))
    return events


def _intent(stripe_side, intent_id: str) -> dict:
    return _raw(stripe_side, f"/v1/payment_intents/{intent_id}")


def charge_refunded(stripe_side, intent: dict) -> tuple[str, bytes]:
    """`charge.refunded` with the intent's Charge as it is now (its `amount_refunded`)."""
    charge = _raw(stripe_side, f"/v1/charges/{_charge_id(intent)}")
    charge["metadata"] = {**(charge.get("metadata") or {}), **intent["metadata"]}
    return _event("charge.refunded", charge)


def _charge_id(intent: dict) -> str:
    charge = intent["latest_charge"]  # an id; localstripe expands it
    return charge["id"] if isinstance(charge, dict) else charge


def _dispute(intent: dict) -> dict:
    return {
        "id": f"dp_{intent['id'][3:]}",
        "object": "dispute",
        "amount": intent["amount"],
        "currency": intent["currency"],
        "charge": _charge_id(intent),
        "payment_intent": intent["id"],
        "reason": "fraudulent",
        "status": "needs_response",
        "is_charge_refundable": False,
        "metadata": {},
    }


# --- delivery and the state it ends in ----------------------------------------------------------


def deliver(client: Client, payload: bytes, *, forged: bool = False) -> str | None:
    """POST one delivery, signed now (forged: with another secret); the outcome answered."""
    signature = sign(payload, secret="whsec_not_ours" if forged else None)
    response = client.generic(
        "POST",
        "/webhooks/stripe",
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature,
    )
    if forged:
        assert response.status_code == 400, response.content
        return None
    assert 200 <= response.status_code < 300, response.content
    return response.json()["outcome"]


def final_state(booking_id: str) -> dict:
    """What the history left, without ids and times (two copies of one history compare)."""
    booking = Booking.get(booking_id, consistent_read=True)
    payments = sorted(payments_for_booking(booking_id=booking_id), key=lambda p: p.attempt)
    folio = folio_sync(booking_id=booking_id, now=now())
    money_lines = [line for line in live_lines(folio.lines) if line.kind in (PAYMENT, REFUND)]
    return {
        "booking": booking.status,
        "flags": sorted(flag["flag"] for flag in booking.flags or []),
        "payments": [
            {
                "attempt": p.attempt,
                "status": UNPAID.get(p.status, p.status),
                "amount": p.amount,
                "refundedAmount": p.refundedAmount,
                # Stripe orders refunds by the second they were made in: ties are unordered.
                "refunds": sorted(r["amount"] for r in p.refunds or []),
                "dispute": (p.dispute or {}).get("reason"),
            }
            for p in payments
        ],
        "paid": sum(p.amount for p in payments if p.status in MONEY),
        "refunded": sum(p.refundedAmount for p in payments),
        "folioBalance": folio.balance,
        "folioMoney": sorted((line.kind, line.amount) for line in money_lines),
    }


def assert_money_accounted(booking_id: str, stripe_side) -> None:
    """No money unaccounted: each payment's refunds add up to its refundedAmount, never pass
    what was paid, and are Stripe's refunds, each once under its id; the bill's card lines
    say what the payments say."""
    kept = 0
    for payment in payments_for_booking(booking_id=booking_id):
        stored = Payment.get(payment.transactionId, consistent_read=True)
        if stored.status not in MONEY:
            assert stored.refundedAmount == 0 and not stored.refunds, stored.transactionId
            continue
        records = stored.refunds or []
        refunds = stripe_side.refunds_for(stored.stripePaymentIntentId)
        recorded = sum(int(r["amount"]) for r in records)
        at_stripe = sum(r.amount for r in refunds)
        assert 0 <= stored.refundedAmount <= stored.amount, stored.transactionId
        assert recorded == stored.refundedAmount == at_stripe, (
            stored.transactionId,
            recorded,
            stored.refundedAmount,
            at_stripe,
        )
        assert sorted((r["refundId"], r["amount"]) for r in records) == sorted(
            (r.id, r.amount) for r in refunds
        ), "each Stripe refund is recorded once, under its own id"
        kept += stored.amount - stored.refundedAmount
    lines = live_lines(folio_sync(booking_id=booking_id, now=now()).lines)
    assert kept == sum(-line.effect for line in lines if line.kind in (PAYMENT, REFUND))


# --- the property -------------------------------------------------------------------------------


@st.composite
def plans(draw) -> dict:
    """A realistic history: [a failed 3-D Secure attempt], the paid attempt, then up to two
    partial refunds in Stripe's dashboard and maybe a dispute, in any order."""
    first = draw(st.integers(1, TOTAL - 1))
    refunds = draw(st.sampled_from([[], [first], [first, None]]))
    if refunds[-1:] == [None]:
        refunds[-1] = draw(st.integers(1, TOTAL - first))
    after = list(refunds)
    if draw(st.booleans()):
        after.insert(draw(st.integers(0, len(after))), "dispute")
    return {"failed_first": draw(st.booleans()), "after": after}


@st.composite
def deliveries(draw, n: int) -> list[tuple[int, bool]]:
    """Each of the `n` events 1–10 times, shuffled (so some come after later ones), and a
    few forged copies besides (signed with another secret: refused, and changing nothing)."""
    copies = [(i, False) for i in range(n) for _ in range(draw(st.integers(1, 10)))]
    copies += [(i, True) for i in draw(st.lists(st.integers(0, n - 1), max_size=2))]
    return draw(st.permutations(copies))


@pytest.mark.reliability  # a row of the reliability summary (make test-reliability)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=plans(), data=st.data())
def test_any_order_of_delivery_ends_as_in_order(
    make_booking, make_room, stripe_side, plan, data, reliability_report
):
    # Two new nights per example (the tables are emptied before each test, not each example),
    # on two rooms of their own: new rooms once the booking horizon is near (shrinking).
    cycle, n = divmod(next(_example), 300)
    rooms = [f"R-W{2 * cycle}", f"R-W{2 * cycle + 1}"]
    for room_id in rooms:
        if not Room.count(room_id):
            make_room(roomId=room_id, capacity=2, pricePerNight=PRICE)
    client = Client()
    in_order = make_booking(start=2 * n, room_id=rooms[0]).booking
    make_history(in_order, stripe_side, plan, heard=lambda payload: deliver(client, payload))
    expected = final_state(in_order.bookingId)

    shuffled = make_booking(start=2 * n, room_id=rooms[1]).booking
    events = make_history(shuffled, stripe_side, plan)
    order = data.draw(deliveries(len(events)), label="deliveries")
    for index, forged in order:
        deliver(client, events[index][1], forged=forged)

    assert final_state(shuffled.bookingId) == expected, [events[i][0] for i, _ in order]
    assert_money_accounted(in_order.bookingId, stripe_side)
    assert_money_accounted(shuffled.bookingId, stripe_side)
    assert_inventory_consistent()
    section = "Stripe webhooks (replayed up to 10x, shuffled, delayed)"
    reliability_report.tally(section, "histories, each as in order", 1)
    reliability_report.tally(section, "deliveries", len(order))


# --- the orders that lost money before (payments.services.webhooks._webhook_refunded) ----------


def _paid(booking_id: str) -> Payment:
    (payment,) = [p for p in payments_for_booking(booking_id=booking_id) if p.status in MONEY]
    return Payment.get(payment.transactionId, consistent_read=True)


def _stripe_refunds(stripe_side, payment: Payment) -> list[tuple[str, int]]:
    return sorted((r.id, r.amount) for r in stripe_side.refunds_for(payment.stripePaymentIntentId))


def test_a_stale_refund_event_never_lowers_the_refund_total(make_booking, stripe_side):
    booking = make_booking().booking
    plan = {"failed_first": False, "after": [5000, 3000]}
    succeeded, first, second = make_history(booking, stripe_side, plan)
    client = Client()
    assert deliver(client, succeeded[1]) == "completed"
    assert deliver(client, second[1]) == "refunded"  # amount_refunded 8000
    assert deliver(client, first[1]) == "no-op"  # amount_refunded 5000: stale
    payment = _paid(booking.bookingId)
    assert (payment.status, payment.refundedAmount) == (PARTIALLY_REFUNDED, 8000)
    # Stripe's two refunds, each under its id, though the first one's event came last.
    assert sorted((r["refundId"], r["amount"]) for r in payment.refunds) == _stripe_refunds(
        stripe_side, payment
    )
    assert folio_sync(booking_id=booking.bookingId, now=now()).balance == 8000


def test_a_refund_event_ahead_of_the_payments_success_settles_it_first(make_booking, stripe_side):
    booking = make_booking().booking
    plan = {"failed_first": False, "after": [4000]}
    succeeded, refunded = make_history(booking, stripe_side, plan)
    client = Client()
    assert deliver(client, refunded[1]) == "refunded"
    payment = _paid(booking.bookingId)
    assert (payment.status, payment.refundedAmount) == (PARTIALLY_REFUNDED, 4000)
    assert Booking.get(booking.bookingId, consistent_read=True).status == "confirmed"
    assert deliver(client, succeeded[1]) == "no-op"
    assert _paid(booking.bookingId).refundedAmount == 4000
    assert_money_accounted(booking.bookingId, stripe_side)


def test_our_refund_whose_id_was_not_noted_is_not_counted_again(
    make_booking, stripe_side, monkeypatch
):
    booking = make_booking().booking
    paid = services.payment_create(
        booking_id=booking.bookingId,
        amount=TOTAL,
        currency="INR",
        payment_method_id="pm_card_visa",
        actor="guest",
        now=now(),
    ).payment
    # The provider refunded, but noting its id failed (refund_record_done is best effort).
    monkeypatch.setattr(services.refund, "refund_record_done", lambda *a, **k: None)
    services.payment_refund(
        transaction_id=paid.transactionId, amount=5000, actor="acc@staff.test", now=now()
    )
    assert _paid(booking.bookingId).refunds[0]["refundId"] is None
    stripe_side.client.v1.refunds.create(
        params={"payment_intent": paid.stripePaymentIntentId, "amount": 3000}  # the dashboard
    )
    intent = _intent(stripe_side, paid.stripePaymentIntentId)
    assert deliver(Client(), charge_refunded(stripe_side, intent)[1]) == "refunded"
    payment = _paid(booking.bookingId)
    assert (
        payment.refundedAmount
        == 8000
        == sum(r.amount for r in stripe_side.refunds_for(paid.stripePaymentIntentId))
    )
    dashboard = [r for r in payment.refunds if r.get("source") == "provider"]
    assert [r["amount"] for r in dashboard] == [3000] and dashboard[0]["refundId"]
