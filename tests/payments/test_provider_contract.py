"""The payment provider contract: every provider behind HOTEL_PAYMENT_PROVIDER must pass it.

Runs against the Stripe provider talking to localstripe through the real `stripe` library.
"""

import json
import time
import uuid

import pytest

from devtools.services import free_port
from payments.exceptions import (
    InvalidPaymentMethod,
    InvalidWebhook,
    PaymentDeclined,
    PaymentGatewayError,
    PaymentGatewayUnavailable,
)
from payments.providers import PaymentProvider, get_provider
from payments.providers.base import (
    PAYMENT_FAILED,
    PAYMENT_SUCCEEDED,
    REQUIRES_ACTION,
    SUCCEEDED,
)
from payments.providers.stripe import StripeProvider

from .conftest import DECLINED, THREE_D_SECURE, sign

PROVIDERS = {"stripe": StripeProvider}


@pytest.fixture(params=sorted(PROVIDERS))
def provider(request) -> PaymentProvider:
    return PROVIDERS[request.param]()


def charge(provider, payment_method="pm_card_visa", amount=22400, **metadata):
    return provider.create_and_confirm(
        amount=amount,
        currency="INR",
        payment_method=payment_method,
        metadata={"bookingId": "BK-CONTRACT", "transactionId": "TXN-CONTRACT", **metadata},
        idempotency_key=f"contract-{uuid.uuid4().hex}",
    )


def test_the_configured_provider_is_a_payment_provider():
    assert isinstance(get_provider(), PaymentProvider)


def test_a_good_card_is_charged_at_once(provider, stripe_side):
    result = charge(provider)
    assert result.status == SUCCEEDED
    assert result.intent_id and result.client_secret is None
    assert result.brand == "visa"
    intent = stripe_side.intent(result.intent_id)
    assert (intent.amount, intent.currency, intent.status) == (22400, "inr", "succeeded")
    assert intent.metadata.to_dict() == {
        "bookingId": "BK-CONTRACT",
        "transactionId": "TXN-CONTRACT",
    }


def test_a_declined_card_raises_payment_declined_with_the_banks_message(provider, stripe_side):
    with pytest.raises(PaymentDeclined) as caught:
        charge(provider, stripe_side.card(DECLINED))
    assert caught.value.status_code == 402
    assert caught.value.message == "Your card was declined."


def test_a_3d_secure_card_requires_action_with_a_client_secret(provider, stripe_side):
    result = charge(provider, stripe_side.card(THREE_D_SECURE))
    assert result.status == REQUIRES_ACTION
    assert result.client_secret and result.client_secret.startswith(result.intent_id)
    assert stripe_side.intent(result.intent_id).status == "requires_action"


def test_an_unknown_payment_method_is_invalid_not_a_gateway_failure(provider):
    with pytest.raises(InvalidPaymentMethod) as caught:
        charge(provider, "pm_does_not_exist")
    assert caught.value.status_code == 400


def test_a_card_token_from_stripe_js_can_be_charged(provider, stripe_side):
    assert charge(provider, stripe_side.token()).status == SUCCEEDED
    with pytest.raises(InvalidPaymentMethod):
        charge(provider, "tok_does_not_exist")


def test_partial_then_full_refund(provider, stripe_side):
    intent_id = charge(provider, amount=10000).intent_id
    first = provider.refund(intent_id=intent_id, amount=2500, idempotency_key=uuid.uuid4().hex)
    assert (first.amount, first.status) == (2500, "succeeded") and first.refund_id
    rest = provider.refund(intent_id=intent_id, amount=7500, idempotency_key=uuid.uuid4().hex)
    assert rest.amount == 7500 and rest.refund_id != first.refund_id
    assert sorted(r.amount for r in stripe_side.refunds_for(intent_id)) == [2500, 7500]


def test_the_refunds_of_a_payment_are_listed_with_their_ids(provider, stripe_side):
    intent_id = charge(provider, amount=10000).intent_id
    assert provider.refunds(intent_id=intent_id) == []
    ours = provider.refund(intent_id=intent_id, amount=2500, idempotency_key=uuid.uuid4().hex)
    dashboard = stripe_side.client.v1.refunds.create(
        params={"payment_intent": intent_id, "amount": 1000}
    )
    listed = provider.refunds(intent_id=intent_id)
    assert sorted((r.refund_id, r.amount, r.status) for r in listed) == sorted(
        [(ours.refund_id, 2500, "succeeded"), (dashboard.id, 1000, "succeeded")]
    )


def test_a_payment_that_took_no_money_lists_no_refunds(provider, stripe_side):
    intent_id = charge(provider, stripe_side.card(THREE_D_SECURE)).intent_id
    assert provider.refunds(intent_id=intent_id) == []


def test_refunding_an_unknown_payment_is_a_gateway_error(provider):
    with pytest.raises(PaymentGatewayError):
        provider.refund(intent_id="pi_unknown", amount=100, idempotency_key=uuid.uuid4().hex)


def test_a_signed_webhook_is_accepted_and_parsed(provider, stripe_side):
    intent_id = charge(provider).intent_id
    payload = stripe_side.event_payload(intent_id, "payment_intent.succeeded")
    event = provider.parse_webhook(payload=payload, signature=sign(payload))
    assert event.type == PAYMENT_SUCCEEDED
    assert event.id == json.loads(payload)["id"]
    assert (event.intent_id, event.amount, event.currency) == (intent_id, 22400, "INR")
    assert event.metadata == {"bookingId": "BK-CONTRACT", "transactionId": "TXN-CONTRACT"}


def test_a_failed_payment_webhook_carries_the_message(provider, stripe_side):
    with pytest.raises(PaymentDeclined):
        charge(provider, stripe_side.card(DECLINED), transactionId="TXN-DECLINED")
    intents = [
        i
        for i in stripe_side.intents_for("BK-CONTRACT")
        if i.metadata["transactionId"] == "TXN-DECLINED"
    ]
    payload = stripe_side.event_payload(intents[-1].id, "payment_intent.payment_failed")
    event = provider.parse_webhook(payload=payload, signature=sign(payload))
    assert event.type == PAYMENT_FAILED
    assert event.message == "Your card was declined."


def test_other_events_parse_as_their_own_type(provider):
    payload = json.dumps({"id": "evt_x", "object": "event", "type": "customer.created"}).encode()
    event = provider.parse_webhook(payload=payload, signature=sign(payload))
    assert (event.id, event.type, event.intent_id) == ("evt_x", "customer.created", None)


@pytest.mark.parametrize(
    "tamper",
    [
        "wrong secret",
        "changed body",
        "no header",
        "garbage header",
        "stale timestamp",
        "not json",
        "not an event",
    ],
)
def test_a_webhook_that_is_not_authentic_is_refused(provider, tamper):
    payload = json.dumps(
        {"id": "evt_y", "object": "event", "type": "payment_intent.succeeded", "data": {}}
    ).encode()
    signature = sign(payload)
    if tamper == "wrong secret":
        signature = sign(payload, secret="whsec_someone_else")
    elif tamper == "changed body":
        payload = payload.replace(b"evt_y", b"evt_z")
    elif tamper == "no header":
        signature = None
    elif tamper == "garbage header":
        signature = "t=yesterday,v1=zzz"
    elif tamper == "stale timestamp":
        signature = sign(payload, timestamp=int(time.time()) - 3600)
    elif tamper == "not json":
        payload = b"\xff\xfe not json"
        signature = sign(payload)
    elif tamper == "not an event":
        payload = b"[1, 2, 3]"
        signature = sign(payload)
    with pytest.raises(InvalidWebhook) as caught:
        provider.parse_webhook(payload=payload, signature=signature)
    assert caught.value.status_code == 400


# --- Stripe specifics -----------------------------------------------------------------------------


def test_stripe_unreachable_is_gateway_unavailable_503():
    provider = StripeProvider(api_base=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(PaymentGatewayUnavailable) as caught:
        charge(provider)
    assert caught.value.status_code == 503


def test_stripe_refusing_our_key_is_a_gateway_error_502(caplog):
    provider = StripeProvider(api_key="not-a-secret-key")
    with pytest.raises(PaymentGatewayError) as caught:
        charge(provider)
    assert caught.value.status_code == 502
    assert type(caught.value) is PaymentGatewayError
    assert any(r.exc_info for r in caplog.records if r.name == "payments.stripe")


# --- a card kept as a guarantee (SetupIntent) -------------------------------------------------


def save(provider, payment_method="pm_card_visa"):
    return provider.create_and_confirm_setup(
        payment_method=payment_method,
        metadata={"bookingId": "BK-CONTRACT", "transactionId": "TXN-GUARANTEE"},
        idempotency_key=f"contract-{uuid.uuid4().hex}",
    )


def test_a_guarantee_saves_the_card_and_takes_no_money(provider, stripe_side):
    result = save(provider, stripe_side.token())
    assert result.status == SUCCEEDED and result.intent_id.startswith("seti_")
    assert result.payment_method and result.customer and result.client_secret is None
    assert provider.setup_status(intent_id=result.intent_id).status == SUCCEEDED
    charged = [
        pi
        for pi in stripe_side.intents_for("BK-CONTRACT")
        if pi.metadata.to_dict().get("transactionId") == "TXN-GUARANTEE"
    ]
    assert charged == []  # no PaymentIntent: nothing taken


def test_a_guarantee_with_a_card_refused_when_saved_is_declined(provider, stripe_side):
    with pytest.raises(PaymentDeclined):
        save(provider, stripe_side.card("4000000000000002"))


def test_a_3d_secure_guarantee_requires_action_and_can_be_cancelled(provider, stripe_side):
    result = save(provider, stripe_side.card(THREE_D_SECURE))
    assert result.status == REQUIRES_ACTION
    assert result.client_secret.startswith(result.intent_id)
    assert provider.cancel_setup(intent_id=result.intent_id) is True
    assert provider.setup_status(intent_id=result.intent_id).status == "failed"


# --- charging a saved card off-session (the folio's card on file) -------------------------------


def charge_saved(provider, saved, amount=5000):
    return provider.charge_saved_card(
        customer=saved.customer,
        payment_method=saved.payment_method,
        amount=amount,
        currency="INR",
        metadata={"bookingId": "BK-CONTRACT", "transactionId": "TXN-ON-FILE"},
        idempotency_key=f"contract-{uuid.uuid4().hex}",
    )


def test_a_saved_card_is_charged_off_session(provider, stripe_side):
    saved = save(provider, stripe_side.token())
    result = charge_saved(provider, saved)
    assert result.status == SUCCEEDED and result.intent_id.startswith("pi_")
    intent = stripe_side.intent(result.intent_id)
    assert (intent.amount, intent.status, intent.customer) == (5000, "succeeded", saved.customer)
    assert intent.payment_method == saved.payment_method


def test_a_saved_card_the_bank_refuses_is_declined(provider, stripe_side):
    saved = save(provider, stripe_side.card(DECLINED))
    with pytest.raises(PaymentDeclined):
        charge_saved(provider, saved)


def test_a_saved_card_that_wants_3d_secure_is_declined_not_left_waiting(provider, stripe_side):
    saved = save(provider, stripe_side.card(THREE_D_SECURE))  # requires_action at setup
    stripe_side.client.v1.setup_intents.confirm(
        saved.intent_id, params={"client_secret": saved.client_secret}
    )
    done = provider.setup_status(intent_id=saved.intent_id)
    with pytest.raises(PaymentDeclined) as caught:
        charge_saved(provider, done)
    assert caught.value.details["declineCode"] == "authentication_required"
    assert stripe_side.intent(caught.value.intent_id).status == "canceled"
