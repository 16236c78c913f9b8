"""A balance payment whose request died between the provider's charge and its record
(DynamoDB Local and localstripe, no mocks): the next attempt on the same bill asks the
provider about it first, so the guest is never charged the balance twice; and an
Idempotency-Key retry answers the payment the dead request made."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bookings.models import Booking
from bookings.services import booking_create
from hotel.idempotency import IdempotencyKey, _storage_key, fingerprint, lease, request_caller
from payments.exceptions import PaymentInProgress
from payments.folio.online import folio_pay_balance
from payments.folio.services import folio_sync
from payments.models import BALANCE, COMPLETED, FAILED, Payment
from payments.providers import get_provider
from payments.services.charge import IN_FLIGHT
from payments.services.on_bill_charge import AlreadyCharged, on_bill_open

from ..conftest import now, stay_start
from ..test_payment_terms import pay, plan

DEPOSIT_30 = 6720
REST = 22400 - DEPOSIT_30
LATER = IN_FLIGHT + timedelta(minutes=1)


@pytest.fixture
def made(room):
    """A confirmed booking with the rest of its deposit owed (and its guest's token)."""
    plan("DEP30", payment="deposit", depositPercent=30)
    created = booking_create(
        room_id="R-1",
        check_in=stay_start(),
        check_out=stay_start() + timedelta(days=2),
        guests=2,
        guest_name="Ada Guest",
        guest_email="ada@guest.test",
        actor="test",
        now=now(),
        rate_plan="DEP30",
    )
    pay(created.booking, DEPOSIT_30)
    return created


@pytest.fixture
def owing(made):
    return Booking.get(made.booking.bookingId, consistent_read=True)


def died(booking, at, *, charged: bool) -> Payment:
    """What folio_pay_balance leaves when its process dies after opening the payment:
    the provider charged (or never asked), nothing recorded."""
    payment = on_bill_open(booking, amount=REST, purpose=BALANCE, actor="guest", now=at)
    if charged:
        get_provider().create_and_confirm(
            amount=payment.amount,
            currency=payment.currency,
            payment_method="pm_card_visa",
            metadata={"bookingId": booking.bookingId, "transactionId": payment.transactionId},
            idempotency_key=f"test:{payment.transactionId}",
        )
    return payment


def pay_balance(booking, at):
    return folio_pay_balance(
        booking_id=booking.bookingId,
        amount=REST,
        currency="INR",
        payment_method_id="pm_card_visa",
        actor="guest",
        now=at,
    )


def stored(payment: Payment) -> Payment:
    return Payment.get(payment.transactionId, consistent_read=True)


def test_a_balance_charged_but_unrecorded_is_found_not_charged_again(owing, stripe_side):
    t0 = now()
    lost = died(owing, t0, charged=True)

    with pytest.raises(PaymentInProgress):  # still in flight: maybe its answer is coming
        pay_balance(owing, t0 + timedelta(seconds=30))
    with pytest.raises(AlreadyCharged) as found:  # then asked at the provider: it was taken
        pay_balance(owing, t0 + LATER)

    assert found.value.details["transactionId"] == lost.transactionId
    assert stored(lost).status == COMPLETED
    assert folio_sync(booking_id=owing.bookingId, now=t0 + LATER).balance == 0
    charges = [i for i in stripe_side.intents_for(owing.bookingId) if i.status == "succeeded"]
    assert sorted(i.amount for i in charges) == [DEPOSIT_30, REST]  # the balance once


def test_a_balance_the_provider_never_saw_is_failed_and_paid_anew(owing, stripe_side):
    t0 = now()
    lost = died(owing, t0, charged=False)

    attempt = pay_balance(owing, t0 + LATER)

    assert stored(lost).status == FAILED
    assert attempt.payment.status == COMPLETED and attempt.payment.amount == REST
    assert folio_sync(booking_id=owing.bookingId, now=t0 + LATER).balance == 0


def test_an_idempotency_key_retry_answers_the_dead_requests_balance_payment(
    made, owing, api, stripe_side
):
    """The key's mark is written with the payment; the retry after the lease reconciles it
    with the provider and answers it, completed: one charge."""
    token = made.guest_token
    body = {
        "bookingId": owing.bookingId,
        "currency": "INR",
        "purpose": "balance",
        "amount": REST,
        "paymentMethodId": "pm_card_visa",
    }
    t0 = now() - lease() - timedelta(seconds=5)
    lost = died(owing, t0, charged=True)
    caller = request_caller(None, held_secret=token)
    IdempotencyKey(
        key=_storage_key("payments.create", caller, "pay-rest-1"),
        fingerprint=fingerprint(body),
        createdAt=t0,
        expiresAt=t0 + timedelta(hours=24),
        claimId="dead",
        ref=lost.transactionId,
    ).save()

    retried = api.post(
        "/api/payments",
        body,
        format="json",
        HTTP_X_BOOKING_TOKEN=token,
        HTTP_IDEMPOTENCY_KEY="pay-rest-1",
    )

    assert retried.status_code == 201, retried.content
    assert retried.json()["transactionId"] == lost.transactionId
    assert retried.json()["status"] == COMPLETED == stored(lost).status
    charges = [i for i in stripe_side.intents_for(owing.bookingId) if i.status == "succeeded"]
    assert sorted(i.amount for i in charges) == [DEPOSIT_30, REST]  # the balance once
    again = api.post(  # and a replay of the stored answer
        "/api/payments",
        body,
        format="json",
        HTTP_X_BOOKING_TOKEN=token,
        HTTP_IDEMPOTENCY_KEY="pay-rest-1",
    )
    assert again.status_code == 201 and again.json()["transactionId"] == lost.transactionId


def test_a_balance_payment_marks_its_idempotency_key_in_its_own_transaction(made, api):
    body = {
        "bookingId": made.booking.bookingId,
        "currency": "INR",
        "purpose": "balance",
        "amount": REST,
        "paymentMethodId": "pm_card_visa",
    }
    paid = api.post(
        "/api/payments",
        body,
        format="json",
        HTTP_X_BOOKING_TOKEN=made.guest_token,
        HTTP_IDEMPOTENCY_KEY="pay-rest-2",
    )
    assert paid.status_code == 201, paid.content
    caller = request_caller(None, held_secret=made.guest_token)
    key = IdempotencyKey.get(_storage_key("payments.create", caller, "pay-rest-2"))
    assert key.ref == paid.json()["transactionId"]
