"""Payments over HTTP: who may pay and refund, the response shapes, idempotency, the webhook."""

import time
from types import SimpleNamespace

import pytest

from bookings.models import Booking
from hotel.accounts import roles
from payments.models import Payment, ProcessedWebhookEvent
from payments.providers import stripe_events
from tests.rooms.test_api import assert_error

from .conftest import DECLINED, THREE_D_SECURE, TOTAL, fake_event, sign


def body(booking, **over):
    data = {
        "bookingId": booking.bookingId,
        "amount": TOTAL,
        "currency": "INR",
        "paymentMethodId": "pm_card_visa",
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def post_payment(client, created, token=True, **over):
    headers = {"HTTP_X_BOOKING_TOKEN": created.guest_token} if token else {}
    return client.post("/api/payments", body(created.booking, **over), format="json", **headers)


@pytest.fixture
def created(make_booking):
    return make_booking()


def paid(api, created):
    response = post_payment(api, created)
    assert response.status_code == 201, response.json()
    return response.json()


# --- POST /api/payments -----------------------------------------------------------------------


def test_a_guest_pays_with_the_booking_token_201(api, created):
    response = post_payment(api, created)
    data = response.json()
    assert response.status_code == 201, data
    assert data["status"] == "completed" and data["transactionId"].startswith("TXN-")
    assert (data["bookingId"], data["amount"], data["currency"]) == (
        created.booking.bookingId,
        TOTAL,
        "INR",
    )
    assert data["paymentMethod"] == "visa" and data["refundedAmount"] == 0
    assert data["completedAt"].endswith("Z") and "clientSecret" not in data
    assert response["Location"].endswith(f"/api/payments/{data['transactionId']}")
    booking = api.get(
        f"/api/bookings/{created.booking.bookingId}", HTTP_X_BOOKING_TOKEN=created.guest_token
    ).json()
    assert booking["status"] == "confirmed"


def test_stripe_token_is_an_alias_of_payment_method_id(api, created, stripe_side):
    response = post_payment(api, created, paymentMethodId=None, stripeToken=stripe_side.token())
    assert response.status_code == 201, response.json()


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(roles.FRONT_DESK, True), (roles.MANAGER, True), (roles.HOUSEKEEPING, False)],
)
def test_staff_who_handle_bookings_may_take_a_payment(api, created, role, allowed):
    client = api.as_role(role)
    response = post_payment(client, created, token=False)
    if allowed:
        assert response.status_code == 201, response.json()
    else:
        assert_error(response, 404, "BOOKING_NOT_FOUND")


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_without_the_guest_token_the_booking_does_not_exist(api, created, token, stripe_side):
    headers = {"HTTP_X_BOOKING_TOKEN": token} if token else {}
    response = api.post("/api/payments", body(created.booking), format="json", **headers)
    assert_error(response, 404, "BOOKING_NOT_FOUND")
    assert stripe_side.intents_for(created.booking.bookingId) == []


def test_a_declined_card_is_402_with_the_banks_message(api, created, stripe_side):
    response = post_payment(api, created, paymentMethodId=stripe_side.card(DECLINED))
    error = assert_error(response, 402, "PAYMENT_DECLINED")
    assert error["message"] == "Your card was declined."
    assert Booking.get(created.booking.bookingId).status == "pending"


def test_3d_secure_is_202_with_the_client_secret(api, created, stripe_side):
    response = post_payment(api, created, paymentMethodId=stripe_side.card(THREE_D_SECURE))
    data = response.json()
    assert response.status_code == 202, data
    assert data["status"] == "requires_action"
    assert data["clientSecret"].startswith(data["stripePaymentIntentId"])


@pytest.mark.parametrize(("amount", "currency"), [(TOTAL - 1, "INR"), (TOTAL, "USD")])
def test_a_wrong_amount_is_400_amount_mismatch_and_charges_nothing(
    api, created, stripe_side, amount, currency
):
    response = post_payment(api, created, amount=amount, currency=currency)
    error = assert_error(response, 400, "AMOUNT_MISMATCH")
    assert error["details"]["expected"] == {"amount": TOTAL, "currency": "INR"}
    assert stripe_side.intents_for(created.booking.bookingId) == []
    assert Payment.count() == 0


def test_paying_twice_is_409(api, created):
    paid(api, created)
    assert_error(post_payment(api, created), 409, "BOOKING_NOT_PAYABLE")


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"paymentMethodId": None}, "paymentMethodId"),
        ({"paymentMethodId": "4242424242424242"}, "paymentMethodId"),
        ({"paymentMethodId": "pm card visa"}, "paymentMethodId"),
        ({"stripeToken": "tok_other"}, "stripeToken"),
        ({"amount": "lots"}, "amount"),
        ({"amount": 224.5}, "amount"),
        ({"amount": -1}, "amount"),
        ({"amount": 10**13}, "amount"),
        ({"currency": "RUPEES"}, "currency"),
        ({"bookingId": None}, "bookingId"),
        ({"bookingId": "x" * 41}, "bookingId"),
        ({"cardNumber": "4242424242424242"}, "cardNumber"),
    ],
)
def test_bad_input_is_400_with_the_field(api, created, over, field):
    error = assert_error(post_payment(api, created, **over), 400, "VALIDATION_ERROR")
    assert field in error["details"]["fields"]
    assert Payment.count() == 0


@pytest.mark.parametrize("raw", ["[1, 2]", "null", '"text"', "{not json"])
def test_a_body_that_is_not_an_object_is_400(api, raw):
    response = api.generic("POST", "/api/payments", raw, content_type="application/json")
    assert response.status_code == 400, response.content


def test_an_unknown_booking_is_404(api, created):
    response = api.as_role(roles.MANAGER).post(
        "/api/payments", body(created.booking, bookingId="BK-20260101-NOPE2345"), format="json"
    )
    assert_error(response, 404, "BOOKING_NOT_FOUND")


def test_idempotency_key_replays_the_same_payment(api, created):
    key = {"HTTP_IDEMPOTENCY_KEY": "pay-once-123"}
    headers = {"HTTP_X_BOOKING_TOKEN": created.guest_token, **key}
    one = api.post("/api/payments", body(created.booking), format="json", **headers)
    two = api.post("/api/payments", body(created.booking), format="json", **headers)
    assert one.status_code == two.status_code == 201
    assert one.json() == two.json()
    assert Payment.count() == 1
    other = api.post("/api/payments", body(created.booking, amount=1), format="json", **headers)
    assert_error(other, 422, "IDEMPOTENCY_KEY_REUSED")


# --- refunds and reads ------------------------------------------------------------------------


def test_an_accountant_refunds_part_then_the_rest(api, created):
    payment = paid(api, created)
    accountant = api.as_role(roles.ACCOUNTANT)
    url = f"/api/payments/{payment['transactionId']}/refund"
    part = accountant.post(url, {"amount": 4000}, format="json")
    assert part.status_code == 200, part.json()
    assert (part.json()["status"], part.json()["refundedAmount"]) == ("partially_refunded", 4000)
    error = assert_error(
        accountant.post(url, {"amount": TOTAL}, format="json"), 400, "REFUND_TOO_LARGE"
    )
    assert error["details"]["refundable"] == TOTAL - 4000
    rest = accountant.post(url, {}, format="json")
    assert (rest.json()["status"], rest.json()["refundedAmount"]) == ("refunded", TOTAL)
    assert [r["amount"] for r in rest.json()["refunds"]] == [4000, TOTAL - 4000]
    assert_error(accountant.post(url, {}, format="json"), 409, "PAYMENT_NOT_REFUNDABLE")


def test_a_full_refund_without_a_body(api, created):
    payment = paid(api, created)
    response = api.as_role(roles.MANAGER).post(f"/api/payments/{payment['transactionId']}/refund")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "refunded"


@pytest.mark.parametrize(
    ("role", "status"), [(None, 401), (roles.FRONT_DESK, 403), (roles.HOUSEKEEPING, 403)]
)
def test_only_refund_permission_may_refund(api, created, role, status):
    payment = paid(api, created)
    client = api.as_role(role) if role else api
    response = client.post(f"/api/payments/{payment['transactionId']}/refund", {}, format="json")
    assert response.status_code == status
    assert Payment.get(payment["transactionId"]).refundedAmount == 0


@pytest.mark.parametrize("amount", [0, -1, "all", 1.5])
def test_a_bad_refund_amount_is_400(api, created, amount):
    payment = paid(api, created)
    response = api.as_role(roles.ACCOUNTANT).post(
        f"/api/payments/{payment['transactionId']}/refund", {"amount": amount}, format="json"
    )
    assert_error(response, 400, "VALIDATION_ERROR")


def test_refunding_an_unknown_payment_is_404(api):
    response = api.as_role(roles.ACCOUNTANT).post("/api/payments/TXN-20260101-NOPE2345/refund")
    assert_error(response, 404, "PAYMENT_NOT_FOUND")


def test_staff_list_a_bookings_payments(api, created, stripe_side):
    post_payment(api, created, paymentMethodId=stripe_side.card(DECLINED))
    paid(api, created)
    client = api.as_role(roles.FRONT_DESK)
    data = client.get(f"/api/payments?bookingId={created.booking.bookingId}").json()
    assert data["count"] == 2
    assert [p["status"] for p in data["payments"]] == ["failed", "completed"]
    one = client.get(f"/api/payments/{data['payments'][1]['transactionId']}")
    assert one.status_code == 200 and one.json()["status"] == "completed"
    assert client.get("/api/payments?bookingId=BK-NONE").json() == {"payments": [], "count": 0}
    assert_error(client.get("/api/payments"), 400, "VALIDATION_ERROR")
    assert_error(client.get("/api/payments/TXN-NOPE"), 404, "PAYMENT_NOT_FOUND")


@pytest.mark.parametrize(("role", "status"), [(None, 401), (roles.HOUSEKEEPING, 403)])
def test_payments_are_not_public(api, created, role, status):
    client = api.as_role(role) if role else api
    assert client.get(f"/api/payments?bookingId={created.booking.bookingId}").status_code == status


# --- the webhook endpoint ---------------------------------------------------------------------


def webhook(client, payload, signature):
    headers = {"HTTP_STRIPE_SIGNATURE": signature} if signature else {}
    return client.generic(
        "POST", "/webhooks/stripe", payload, content_type="application/json", **headers
    )


def test_a_signed_webhook_settles_a_3d_secure_payment(client, api, created, stripe_side):
    response = post_payment(api, created, paymentMethodId=stripe_side.card(THREE_D_SECURE))
    intent_id, secret = response.json()["stripePaymentIntentId"], response.json()["clientSecret"]
    stripe_side.authenticate(intent_id, secret)
    payload = stripe_side.event_payload(intent_id, "payment_intent.succeeded")
    first = webhook(client, payload, sign(payload))
    assert first.status_code == 200
    assert first.json() == {"received": True, "outcome": "completed"}
    assert Booking.get(created.booking.bookingId).status == "confirmed"
    again = webhook(client, payload, sign(payload))
    assert again.json() == {"received": True, "outcome": "duplicate"}


@pytest.mark.parametrize("signature", [None, "t=1,v1=00", "garbage", "wrong secret"])
def test_a_webhook_without_a_valid_signature_is_400_and_writes_nothing(client, created, signature):
    payload = fake_event(
        "pi_x", transaction_id="TXN-1", booking_id=created.booking.bookingId, amount=TOTAL
    )
    if signature == "wrong secret":
        signature = sign(payload, secret="whsec_attacker")
    response = webhook(client, payload, signature)
    body = response.json()
    assert response.status_code == 400, body
    assert body["error"]["code"] == "INVALID_WEBHOOK"
    assert ProcessedWebhookEvent.count() == 0
    assert Booking.get(created.booking.bookingId).status == "pending"


def test_the_webhook_only_takes_post(client):
    response = client.get("/webhooks/stripe")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "METHOD_NOT_ALLOWED"


def test_the_openapi_schema_lists_the_payment_endpoints(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert {
        "/api/payments",
        "/api/payments/{transaction_id}",
        "/api/payments/{transaction_id}/refund",
    } <= set(schema["paths"])
    assert not any(path.startswith("/webhooks") for path in schema["paths"])


def test_over_long_ids_are_404_not_a_dynamodb_error(api):
    long_id = "X" * 3000
    staff = api.as_role(roles.MANAGER)
    assert_error(staff.get(f"/api/payments/{long_id}"), 404, "PAYMENT_NOT_FOUND")
    assert_error(staff.post(f"/api/payments/{long_id}/refund"), 404, "PAYMENT_NOT_FOUND")
    assert_error(staff.get(f"/api/bookings/{long_id}/cancellation-quote"), 404, "BOOKING_NOT_FOUND")


# --- the booking's payment summary ------------------------------------------------------------


def prepaid(paid: int) -> dict:
    """The terms part of a FLEX (prepay) booking's payment summary after `paid`."""
    return {"dueNow": TOTAL, "balanceDue": TOTAL - paid, "terms": "prepay", "guaranteed": False}


def test_the_booking_shows_its_payment_summary(api, make_booking, created):
    url = f"/api/bookings/{created.booking.bookingId}"
    token = {"HTTP_X_BOOKING_TOKEN": created.guest_token}
    unpaid = {"paid": 0, "refunded": 0, "currency": "INR", "status": "unpaid", **prepaid(0)}
    assert api.get(url, **token).json()["payment"] == unpaid
    payment = paid(api, created)
    assert api.get(url, **token).json()["payment"] == {
        "paid": TOTAL,
        "refunded": 0,
        "currency": "INR",
        "status": "paid",
        **prepaid(TOTAL),
    }
    accountant = api.as_role(roles.ACCOUNTANT)
    refund_url = f"/api/payments/{payment['transactionId']}/refund"
    assert accountant.post(refund_url, {"amount": 4000}, format="json").status_code == 200
    assert api.get(url, **token).json()["payment"] == {
        "paid": TOTAL - 4000,
        "refunded": 4000,
        "currency": "INR",
        "status": "partially_refunded",
        **prepaid(TOTAL - 4000),
    }
    assert accountant.post(refund_url, {}, format="json").status_code == 200
    summary = api.get(url, **token).json()["payment"]
    assert (summary["paid"], summary["refunded"], summary["status"]) == (0, TOTAL, "refunded")


def test_create_and_cancel_answer_with_the_payment_summary(api, room, created):
    url = f"/api/bookings/{created.booking.bookingId}"
    paid(api, created)
    cancelled = api.post(f"{url}/cancel", HTTP_X_BOOKING_TOKEN=created.guest_token)
    assert cancelled.status_code == 200, cancelled.json()
    body = cancelled.json()
    assert body["payment"]["refunded"] == body["refund"]["amount"]
    assert body["payment"]["paid"] == TOTAL - body["refund"]["amount"]
    new = api.post(
        "/api/bookings",
        {
            "roomId": room.roomId,
            "checkIn": created.booking.checkIn,
            "checkOut": created.booking.checkOut,
            "guests": 1,
            "guestName": "Bo Guest",
            "guestEmail": "bo@guest.test",
        },
        format="json",
    )
    assert new.status_code == 201, new.json()
    assert new.json()["payment"] == {
        "paid": 0,
        "refunded": 0,
        "currency": "INR",
        "status": "unpaid",
        "dueNow": new.json()["totalPrice"],
        "balanceDue": new.json()["totalPrice"],
        "terms": "prepay",
        "guaranteed": False,
    }


@pytest.mark.parametrize("skew", [-3600, -301, 301, 3600])
def test_a_signed_webhook_dated_outside_the_tolerance_is_400(
    client, api, created, skew, monkeypatch
):
    """Stripe's 300 s tolerance in both directions: a correctly signed event from an hour
    ago, or an hour (or just over 300 s) ahead, is refused and changes nothing. The check of
    a timestamp ahead reads a clock stopped when the event is signed: one ahead by 301 s
    comes nearer with every second the test takes to post it."""
    response = post_payment(api, created)  # a real payment the event could be about
    payment = response.json()
    payload = fake_event(
        payment["stripePaymentIntentId"],
        transaction_id=payment["transactionId"],
        booking_id=created.booking.bookingId,
        amount=TOTAL,
        type="charge.refunded",
    )
    signed_at = time.time()
    monkeypatch.setattr(stripe_events, "time", SimpleNamespace(time=lambda: signed_at))
    signature = sign(payload, timestamp=int(signed_at) + skew)
    answer = webhook(client, payload, signature)
    assert answer.status_code == 400, answer.json()
    assert set(answer.json()) == {"error"}
    assert answer.json()["error"]["code"] == "INVALID_WEBHOOK"
    assert ProcessedWebhookEvent.count() == 0


@pytest.mark.parametrize("skew", [-290, 0, 290])
def test_a_signed_webhook_within_the_tolerance_is_taken(client, created, skew):
    payload = fake_event(
        "pi_unknown", transaction_id="TXN-none", booking_id=created.booking.bookingId, amount=1
    )
    answer = webhook(client, payload, sign(payload, timestamp=int(time.time()) + skew))
    assert answer.status_code == 200, answer.json()
    assert answer.json()["outcome"] == "ignored"
