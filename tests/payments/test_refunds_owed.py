"""A refund is reserved on its payment before the provider is asked (a cancel's in the cancel's
own transaction) and stays owed (RefundOwedIndex) until the provider's answer is noted; a
process that dies in between leaves it to reconcile_payments (payments.services.refunds_owed),
which completes it once, against localstripe (no mocks of the provider's money)."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.core.management import call_command

from bookings.models import CANCELLED, Booking
from hotel.errors import Conflict
from payments.exceptions import PaymentGatewayError, PaymentGatewayUnavailable
from payments.models import OWED, REFUND_REQUESTED, REFUNDED, Payment
from payments.providers.stripe import StripeProvider
from payments.services import booking_cancel_with_refund, cancel, payment_refund, refund
from payments.services.reconcile import OLDER_THAN, payments_reconcile
from payments.services.refund import RefundLeftOwed
from payments.services.refunds_owed import REFUND_ERROR, REFUND_FOUND, REFUND_SENT
from payments.services.shared import refund_idempotency_key, refund_record

from . import test_services
from .conftest import THREE_D_SECURE, TOTAL, now
from .test_cancel_refund import pay

LATER = OLDER_THAN + timedelta(minutes=1)


class Died(BaseException):
    """The process was killed: nothing after this point ran (not an Exception: no handler
    of the code under test catches it)."""


def _die(*args, **kwargs):
    raise Died()


def _stored(payment) -> Payment:
    return Payment.get(payment.transactionId, consistent_read=True)


def _provider_refunds(stripe_side, payment) -> list[int]:
    return [r.amount for r in stripe_side.refunds_for(payment.stripePaymentIntentId)]


def _cancel_killed_after_commit(created, monkeypatch):
    monkeypatch.setattr(cancel, "_reserved_refunds_send", _die)
    with pytest.raises(Died):
        booking_cancel_with_refund(booking_id=created.booking.bookingId, actor="guest", now=now())
    monkeypatch.undo()


def test_a_cancel_killed_after_its_commit_owes_the_refund_and_the_job_makes_it_once(
    make_booking, stripe_side, monkeypatch
):
    created = make_booking()  # 30 days ahead: all back
    payment = pay(created)
    _cancel_killed_after_commit(created, monkeypatch)

    owed = _stored(payment)
    assert Booking.get(created.booking.bookingId, consistent_read=True).status == CANCELLED
    assert (owed.status, owed.refundedAmount, owed.refundOwed) == (REFUNDED, TOTAL, OWED)
    assert [r["status"] for r in owed.refunds] == [REFUND_REQUESTED]
    assert _provider_refunds(stripe_side, payment) == []  # not asked yet: owed
    assert [p.transactionId for p in Payment.refunds_owed.query(OWED)] == [payment.transactionId]

    young = payments_reconcile(now=now() + timedelta(minutes=1))  # maybe still in flight
    first = payments_reconcile(now=now() + LATER)
    again = payments_reconcile(now=now() + LATER * 2)

    assert young.refunds == 0
    assert first.outcomes[REFUND_SENT] == [payment.transactionId]
    assert again.refunds == 0
    assert _provider_refunds(stripe_side, payment) == [TOTAL]  # once
    done = _stored(payment)
    assert done.refunds[0]["refundId"].startswith("re_")
    assert (done.refundOwed, done.refundOwedSince) == (None, None)
    assert list(Payment.refunds_owed.query(OWED)) == []


def test_a_refund_made_whose_answer_was_lost_is_found_not_made_again(
    make_booking, stripe_side, monkeypatch
):
    created = make_booking()
    payment = pay(created)
    monkeypatch.setattr(refund, "refund_record_done", _die)  # the provider refunded, then death
    with pytest.raises(Died):
        payment_refund(transaction_id=payment.transactionId, amount=5000, actor="desk", now=now())
    monkeypatch.undo()
    assert _provider_refunds(stripe_side, payment) == [5000]

    out = io.StringIO()
    call_command("reconcile_payments", "--minutes", "0", stdout=out)

    assert f"{REFUND_FOUND}: {payment.transactionId}" in out.getvalue(), out.getvalue()
    assert _provider_refunds(stripe_side, payment) == [5000]
    done = _stored(payment)
    assert done.refundedAmount == 5000 and done.refunds[0]["refundId"].startswith("re_")
    assert done.refundOwed is None


def test_a_provider_that_fails_leaves_the_refund_owed_for_the_next_run(
    make_booking, stripe_side, monkeypatch
):
    created = make_booking()
    payment = pay(created)
    _cancel_killed_after_commit(created, monkeypatch)

    def down(self, **kwargs):
        raise PaymentGatewayError()

    monkeypatch.setattr(StripeProvider, "refund", down)
    failed = payments_reconcile(now=now() + LATER)
    monkeypatch.undo()
    assert failed.outcomes[REFUND_ERROR] == [payment.transactionId]
    assert _stored(payment).refundOwed == OWED

    assert payments_reconcile(now=now() + LATER).outcomes[REFUND_SENT] == [payment.transactionId]
    assert _provider_refunds(stripe_side, payment) == [TOTAL]


def test_a_completed_cancel_owes_nothing(api, make_booking, stripe_side):
    created = make_booking()
    payment = pay(created)
    headers = {"HTTP_X_BOOKING_TOKEN": created.guest_token}
    response = api.post(f"/api/bookings/{created.booking.bookingId}/cancel", **headers)
    assert response.status_code == 200, response.json()
    stored = _stored(payment)
    assert stored.refundOwed is None and stored.refunds[0]["refundId"].startswith("re_")
    assert payments_reconcile(now=now() + LATER).refunds == 0
    assert _provider_refunds(stripe_side, payment) == [TOTAL]


def test_a_refused_refund_is_undone_and_owes_nothing(make_booking, stripe_side, monkeypatch):
    created = make_booking()
    payment = pay(created)

    def refused(self, **kwargs):
        raise PaymentGatewayError()

    monkeypatch.setattr(StripeProvider, "refund", refused)
    done = booking_cancel_with_refund(
        booking_id=created.booking.bookingId, actor="guest", now=now()
    )
    monkeypatch.undo()
    assert done.refund_status == cancel.REFUND_FAILED
    stored = _stored(payment)
    assert (stored.refundedAmount, stored.refunds, stored.refundOwed) == (0, [], None)
    assert "refund this payment" in stored.failureMessage
    assert payments_reconcile(now=now() + LATER).refunds == 0
    assert _provider_refunds(stripe_side, payment) == []


def test_an_automatic_refund_killed_before_stripe_is_asked_is_made_by_the_job(
    make_booking, stripe_side, monkeypatch
):
    """A success for a booking that cannot take it any more is refunded automatically; the
    process dies between the reservation and Stripe's refund."""
    booking = make_booking().booking
    attempt = test_services.pay(booking, stripe_side.card(THREE_D_SECURE))
    intent_id = attempt.payment.stripePaymentIntentId
    after_expiry = booking.expiresAt + timedelta(minutes=5)
    make_booking(at=after_expiry)  # someone else takes the room once the hold is over
    stripe_side.authenticate(intent_id, attempt.client_secret)
    payload = stripe_side.event_payload(intent_id, "payment_intent.succeeded")
    monkeypatch.setattr(StripeProvider, "refund", _die)
    with pytest.raises(Died):
        test_services.deliver(payload, at=after_expiry)
    monkeypatch.undo()
    owed = _stored(attempt.payment)
    assert (owed.status, owed.refundOwed) == (REFUNDED, OWED)
    assert stripe_side.refunds_for(intent_id) == []

    done = payments_reconcile(now=after_expiry + LATER)

    assert done.outcomes[REFUND_SENT] == [owed.transactionId]
    assert [r.amount for r in stripe_side.refunds_for(intent_id)] == [TOTAL]
    assert _stored(owed).refunds[0]["refundId"].startswith("re_")


@pytest.mark.parametrize("round_", range(3))
def test_a_cancel_and_a_desk_refund_at_once_never_refund_more_than_was_paid(
    make_booking, stripe_side, round_
):
    """The cancel's reservation and the desk's are both version-conditional writes of the
    same payment: one loses (409), whatever the interleaving."""
    created = make_booking()
    payment = pay(created)
    booking_id = created.booking.bookingId

    def cancel_it():
        return booking_cancel_with_refund(booking_id=booking_id, actor="guest", now=now())

    def refund_it():
        return payment_refund(
            transaction_id=payment.transactionId, amount=7000, actor="desk", now=now()
        )

    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(cancel_it), pool.submit(refund_it)]
        outcomes = [f.exception() or "ok" for f in futures]

    assert all(o == "ok" or isinstance(o, Conflict) for o in outcomes), outcomes
    assert "ok" in outcomes  # one of them went through
    stored = _stored(payment)
    assert stored.refundedAmount <= TOTAL and stored.refundOwed is None
    assert sum(_provider_refunds(stripe_side, payment)) == stored.refundedAmount
    assert sum(int(r["amount"]) for r in stored.refunds) == stored.refundedAmount


def test_a_cancel_whose_transaction_has_no_room_left_refunds_after_it(
    make_booking, stripe_side, monkeypatch
):
    """A long stay with extras fills the cancel's transaction (DynamoDB takes 100 items):
    the refund is then reserved and made after the cancel, as before refunds were owed."""
    created = make_booking()
    payment = pay(created)
    monkeypatch.setattr(cancel, "transaction_room", lambda tx: 1)  # a payment needs 2

    done = booking_cancel_with_refund(
        booking_id=created.booking.bookingId, actor="guest", now=now()
    )

    assert done.refund_status == cancel.REFUNDED_NOW
    stored = _stored(payment)
    assert (stored.refundedAmount, stored.refundOwed) == (TOTAL, None)
    assert _provider_refunds(stripe_side, payment) == [TOTAL]


def test_a_refused_refund_that_cannot_be_undone_stays_owed_and_is_not_noted_for_staff(
    make_booking, stripe_side, monkeypatch
):
    """No "refund this payment" note while the job will ask for it again: staff refunding
    it by hand as well would refund it twice."""
    created = make_booking()
    payment = pay(created)

    def refused(self, **kwargs):
        raise PaymentGatewayError()

    monkeypatch.setattr(StripeProvider, "refund", refused)
    monkeypatch.setattr(refund, "_refund_undo", lambda payment, **kwargs: False)
    done = booking_cancel_with_refund(
        booking_id=created.booking.bookingId, actor="guest", now=now()
    )
    monkeypatch.undo()

    assert done.refund_status == cancel.REFUND_FAILED
    stored = _stored(payment)
    assert (stored.refundOwed, stored.failureMessage) == (OWED, None)
    assert payments_reconcile(now=now() + LATER).outcomes[REFUND_SENT] == [payment.transactionId]
    assert _provider_refunds(stripe_side, payment) == [TOTAL]


def test_two_refunds_of_one_payment_in_one_second_have_their_own_idempotency_keys():
    """Stripe answers a key it has seen with its first refund: two records sharing one
    (same payment, same second, same amount) would record one refund twice."""
    first, second = (refund_record(amount=5000, now=now(), actor="desk") for _ in range(2))
    keys = {refund_idempotency_key("TXN-1", record) for record in (first, second)}
    assert len(keys) == 2
    assert refund_idempotency_key("TXN-1", first) == refund_idempotency_key("TXN-1", first)


@pytest.mark.parametrize("made", [False, True], ids=["not-made", "made-then-timed-out"])
def test_a_refund_whose_provider_did_not_answer_stays_owed_and_is_settled_once(
    make_booking, stripe_side, monkeypatch, made
):
    """A timeout says nothing of whether Stripe refunded: the reservation is not undone on a
    guess (the desk would be told to refund it again); the job settles it either way."""
    created = make_booking()
    payment = pay(created)
    real = StripeProvider.refund

    def unreachable(self, **kwargs):
        if made:
            real(self, **kwargs)  # Stripe refunded; its answer never came back
        raise PaymentGatewayUnavailable()

    monkeypatch.setattr(StripeProvider, "refund", unreachable)
    with pytest.raises(RefundLeftOwed) as raised:
        payment_refund(transaction_id=payment.transactionId, amount=6000, actor="desk", now=now())
    monkeypatch.undo()
    assert raised.value.code == "REFUND_PENDING"
    owed = _stored(payment)
    assert (owed.refundedAmount, owed.refundOwed, owed.failureMessage) == (6000, OWED, None)

    outcome = REFUND_FOUND if made else REFUND_SENT
    assert payments_reconcile(now=now() + LATER).outcomes[outcome] == [payment.transactionId]
    assert _provider_refunds(stripe_side, payment) == [6000]
    assert _stored(payment).refundOwed is None
