"""Payments follow the plan's payment terms and cancellations its policy (DynamoDB Local and
localstripe, no mocks): prepay takes the total, deposit its percent, at_hotel saves the card
as a guarantee and takes nothing; refunds and quotes follow the booking's snapshot of its
plan's policy, even after the plan is edited; a no-show records the plan's fee."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bookings.clock import hotel_today
from bookings.links import manage_path
from bookings.models import Booking, RatePlan
from bookings.services import booking_create, booking_transition
from hotel.accounts import roles
from hotel.audit.selectors import audit_for_object
from hotel.stamps import stamp_bump
from payments import services
from payments.exceptions import AmountMismatch, PaymentDeclined, PaymentNotRefundable
from payments.models import COMPLETED, GUARANTEE, REQUIRES_ACTION, Payment
from payments.no_show import NO_SHOW_FEE_FLAG
from payments.selectors import booking_cancellation_quote, booking_payment_summary
from rooms.room_types import CATALOG

from .conftest import THREE_D_SECURE, TOTAL, now, sign, stay_start

DEPOSIT_30 = 6720  # 30 % of 22400


def plan(code: str, **fields) -> RatePlan:
    """A rate plan item written directly, as the plan services would (searches reload it)."""
    item = RatePlan(
        ratePlan=code,
        name=fields.pop("name", code.title()),
        lastUpdated=now(),
        **fields,
    )
    item.save()
    stamp_bump(CATALOG)
    return item


@pytest.fixture
def book(room):
    def make(rate_plan: str | None = None, *, start: int = 0, nights: int = 2):
        check_in = stay_start() + timedelta(days=start)
        return booking_create(
            room_id="R-1",
            check_in=check_in,
            check_out=check_in + timedelta(days=nights),
            guests=2,
            guest_name="Ada Guest",
            guest_email="ada@guest.test",
            actor="test",
            now=now(),
            rate_plan=rate_plan,
        ).booking

    return make


def pay(booking, amount, payment_method="pm_card_visa"):
    return services.payment_create(
        booking_id=booking.bookingId,
        amount=amount,
        currency="INR",
        payment_method_id=payment_method,
        actor="guest",
        now=now(),
    )


def fresh(booking) -> Booking:
    return Booking.get(booking.bookingId, consistent_read=True)


def cancel(booking):
    return services.booking_cancel_with_refund(
        booking_id=booking.bookingId, actor="guest", now=now()
    )


# --- what is charged --------------------------------------------------------------------------


def test_prepay_takes_the_total_and_leaves_nothing_due(book, stripe_side):
    booking = book()  # FLEX: prepay
    assert booking.dueNow == TOTAL
    attempt = pay(booking, TOTAL)
    assert attempt.payment.status == COMPLETED
    summary = booking_payment_summary(booking=fresh(booking))
    assert summary | {} == {
        "paid": TOTAL,
        "refunded": 0,
        "currency": "INR",
        "status": "paid",
        "dueNow": TOTAL,
        "balanceDue": 0,
        "terms": "prepay",
        "guaranteed": False,
    }


def test_deposit_takes_exactly_its_percent_and_confirms_with_the_balance_due(book, stripe_side):
    plan("DEP30", payment="deposit", depositPercent=30)
    booking = book("DEP30")
    assert booking.dueNow == DEPOSIT_30
    with pytest.raises(AmountMismatch) as caught:
        pay(booking, TOTAL)
    assert caught.value.details["expected"]["amount"] == DEPOSIT_30
    assert "deposit" in caught.value.message
    assert Payment.by_booking.count(booking.bookingId) == 0  # nothing written or charged

    attempt = pay(booking, DEPOSIT_30)
    assert attempt.payment.status == COMPLETED and attempt.payment.amount == DEPOSIT_30
    assert fresh(booking).status == "confirmed"
    intent = stripe_side.intent(attempt.payment.stripePaymentIntentId)
    assert (intent.amount, intent.status) == (DEPOSIT_30, "succeeded")
    summary = booking_payment_summary(booking=fresh(booking))
    assert (summary["paid"], summary["dueNow"], summary["balanceDue"], summary["terms"]) == (
        DEPOSIT_30,
        DEPOSIT_30,
        TOTAL - DEPOSIT_30,
        "deposit",
    )


def test_at_hotel_confirms_with_a_card_guarantee_and_moves_no_money(book, stripe_side):
    plan("PAYLATER", payment="at_hotel")
    booking = book("PAYLATER")
    assert booking.dueNow == 0
    with pytest.raises(AmountMismatch):
        pay(booking, TOTAL)
    attempt = pay(booking, None, stripe_side.token())  # the page's flow: a Stripe.js token
    payment = attempt.payment
    assert payment.status == COMPLETED and payment.kind == GUARANTEE and payment.amount == 0
    assert payment.stripeSetupIntentId.startswith("seti_")
    assert payment.stripePaymentMethodId and payment.stripePaymentIntentId is None
    assert fresh(booking).status == "confirmed"
    assert stripe_side.intents_for(booking.bookingId) == []  # no PaymentIntent: no money
    setup = stripe_side.client.v1.setup_intents.retrieve(payment.stripeSetupIntentId)
    assert setup.status == "succeeded"
    assert setup.metadata.to_dict()["transactionId"] == payment.transactionId
    stored = Payment.get(payment.transactionId).attribute_values
    assert not {"card", "number", "cvc", "cardholderName"} & set(stored)
    summary = booking_payment_summary(booking=fresh(booking))
    assert (summary["paid"], summary["dueNow"], summary["balanceDue"]) == (0, 0, TOTAL)
    assert summary["terms"] == "at_hotel" and summary["guaranteed"] is True

    with pytest.raises(PaymentNotRefundable):
        services.payment_refund(
            transaction_id=payment.transactionId, actor="acc@staff.test", now=now()
        )
    cancellation = cancel(booking)
    assert (cancellation.refund, cancellation.refund_status) == (0, "none")
    assert fresh(booking).status == "cancelled"


def test_at_hotel_with_an_amount_is_refused_and_a_declined_card_leaves_it_pending(
    book, stripe_side
):
    plan("PAYLATER", payment="at_hotel")
    booking = book("PAYLATER")
    with pytest.raises(PaymentDeclined):
        pay(booking, 0, stripe_side.card("4000000000000002"))  # declined when saved
    assert fresh(booking).status == "pending"
    assert pay(booking, 0).payment.status == COMPLETED  # another card
    assert fresh(booking).status == "confirmed"


def test_at_hotel_3d_secure_guarantee_settles_once_the_guest_confirms(book, stripe_side):
    plan("PAYLATER", payment="at_hotel")
    booking = book("PAYLATER")
    attempt = pay(booking, 0, stripe_side.card(THREE_D_SECURE))
    assert attempt.payment.status == REQUIRES_ACTION
    setup_id = attempt.payment.stripeSetupIntentId
    assert attempt.client_secret.startswith(setup_id)
    refreshed = services.guarantee_refresh(
        transaction_id=attempt.payment.transactionId, actor="guest", now=now()
    )
    assert refreshed.status == REQUIRES_ACTION  # the guest has not answered yet
    # What Stripe.js confirmCardSetup does once the guest passes 3-D Secure.
    stripe_side.client.v1.setup_intents.confirm(
        setup_id, params={"client_secret": attempt.client_secret}
    )
    refreshed = services.guarantee_refresh(
        transaction_id=attempt.payment.transactionId, actor="guest", now=now()
    )
    assert refreshed.status == COMPLETED
    assert fresh(booking).status == "confirmed"


# --- what a cancellation refunds --------------------------------------------------------------


def test_a_non_refundable_paid_booking_refunds_nothing_a_flexible_one_by_the_hotels_policy(
    book, stripe_side, settings
):
    settings.HOTEL_CANCELLATION_POLICY = "7:100,2:50,0:0"
    plan("NONREF", cancellation="0:0", adjustment={"kind": "percent", "value": -15})
    nonref = book("NONREF")
    flex = book(start=5)
    nonref_paid = pay(nonref, nonref.totalPrice).payment
    pay(flex, flex.totalPrice)

    assert booking_cancellation_quote(booking=fresh(nonref), now=now()).refund == 0
    cancelled = cancel(nonref)
    assert (cancelled.refund, cancelled.refund_status) == (0, "none")
    assert stripe_side.refunds_for(nonref_paid.stripePaymentIntentId) == []

    cancelled = cancel(flex)  # 30+ days ahead: the hotel's 7:100 rule
    assert (cancelled.refund, cancelled.refund_status) == (TOTAL, "refunded")


def test_a_booking_keeps_its_plans_policy_after_the_plan_is_edited(book, stripe_side):
    item = plan("NONREF", cancellation="0:0")
    booking = book("NONREF")
    item.cancellation = "1:100"
    item.payment = "at_hotel"
    item.revision += 1
    item.save()
    stamp_bump(CATALOG)

    assert pay(booking, booking.totalPrice).payment.amount == booking.totalPrice
    assert booking_cancellation_quote(booking=fresh(booking), now=now()).refund == 0
    later = book("NONREF", start=5)  # a new booking takes the edited plan
    assert later.dueNow == 0
    assert booking_cancellation_quote(booking=later, now=now()).rule.refund_percent == 100


def test_cancellation_quote_api_follows_the_booking_plan(book, api, stripe_side):
    plan("NONREF", cancellation="0:0")
    booking = book("NONREF")
    pay(booking, booking.totalPrice)
    api.as_role("front_desk")
    response = api.get(f"/api/bookings/{booking.bookingId}/cancellation-quote")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["paid"], body["refund"], body["fee"]) == (
        booking.totalPrice,
        0,
        booking.totalPrice,
    )
    assert [(r["daysBefore"], r["refundPercent"]) for r in body["policy"]] == [(0, 0)]


def test_booking_api_shows_due_now_balance_and_terms(book, api, stripe_side):
    plan("DEP30", payment="deposit", depositPercent=30)
    booking = book("DEP30")
    pay(booking, DEPOSIT_30)
    api.as_role("front_desk")
    body = api.get(f"/api/bookings/{booking.bookingId}").json()["payment"]
    assert (body["paid"], body["dueNow"], body["balanceDue"], body["terms"]) == (
        DEPOSIT_30,
        DEPOSIT_30,
        TOTAL - DEPOSIT_30,
        "deposit",
    )
    assert body["status"] == "paid"


def test_payment_api_takes_the_deposit_and_names_it_when_the_total_is_sent(book, api, stripe_side):
    plan("DEP30", payment="deposit", depositPercent=30)
    booking = book("DEP30")
    api.as_role("front_desk")
    sent = {"bookingId": booking.bookingId, "currency": "INR", "paymentMethodId": "pm_card_visa"}
    wrong = api.post("/api/payments", {**sent, "amount": TOTAL}, format="json")
    assert wrong.status_code == 400
    assert wrong.json()["error"]["details"]["expected"]["amount"] == DEPOSIT_30
    right = api.post("/api/payments", {**sent, "amount": DEPOSIT_30}, format="json")
    assert right.status_code == 201, right.content
    assert right.json()["amount"] == DEPOSIT_30 and right.json()["kind"] == "charge"


# --- the no-show fee --------------------------------------------------------------------------


def test_no_show_records_the_fee_kept_of_a_deposit_and_owed_on_a_guarantee(book, stripe_side):
    plan("DEP30", payment="deposit", depositPercent=30, noShowPercent=50)
    plan("PAYLATER", payment="at_hotel", noShowPercent=100)
    deposit, later = book("DEP30"), book("PAYLATER", start=5)
    pay(deposit, DEPOSIT_30)
    pay(later, 0)
    for booking in (deposit, later):
        booking_transition(
            booking_id=booking.bookingId, to_status="no-show", actor="desk", now=now()
        )

    def recorded(booking):
        flags = [f for f in fresh(booking).flags or [] if f["flag"] == NO_SHOW_FEE_FLAG]
        entries = [
            e
            for e in audit_for_object(object_type="bookings.booking", object_id=booking.bookingId)
            if e.action == "no-show:fee"
        ]
        assert len(flags) == 1 and len(entries) == 1
        return entries[0].after

    fee = recorded(deposit)
    assert (fee["fee"], fee["kept"], fee["owed"]) == (
        TOTAL // 2,
        DEPOSIT_30,
        TOTAL // 2 - DEPOSIT_30,
    )
    fee = recorded(later)
    assert (fee["fee"], fee["kept"], fee["owed"], fee["terms"]) == (TOTAL, 0, TOTAL, "at_hotel")


# --- the guest's pay page (Django's client; the browser test is tests/browser) ----------------


def test_the_pay_page_asks_the_deposit_now_and_the_rest_at_check_in(book, client, stripe_side):
    plan("DEP30", payment="deposit", depositPercent=30)
    booking = book("DEP30")
    path = manage_path(booking_id=booking.bookingId)
    page = client.get(f"{path}pay").content.decode()
    assert f'name="amount" value="{DEPOSIT_30}"' in page
    assert "Pay now <strong>₹67.20</strong>" in page
    assert "The rest (₹156.80) at check-in." in page
    posted = client.post(
        f"{path}pay",
        {"stripe_token": stripe_side.token(), "amount": DEPOSIT_30, "currency": "INR"},
        HTTP_ACCEPT="application/json",
    )
    assert posted.json()["state"] == "paid"
    assert fresh(booking).status == "confirmed"


def test_the_pay_page_of_an_at_hotel_booking_saves_the_card_for_nothing(book, client, stripe_side):
    plan("PAYLATER", payment="at_hotel")
    booking = book("PAYLATER")
    path = manage_path(booking_id=booking.bookingId)
    page = client.get(f"{path}pay").content.decode()
    assert "Nothing is charged now; your card guarantees the booking." in page
    assert 'name="amount" value="0"' in page and "Save card to guarantee" in page
    posted = client.post(
        f"{path}pay",
        {"stripe_token": stripe_side.token(), "amount": 0, "currency": "INR"},
        HTTP_ACCEPT="application/json",
    )
    assert posted.json()["state"] == "paid"
    assert fresh(booking).status == "confirmed"
    assert client.get(f"{path}status").json()["bookingStatus"] == "confirmed"


def test_the_setup_intent_webhook_settles_a_guarantee_after_3d_secure(book, stripe_side):
    """Real Stripe tells by `setup_intent.succeeded` (localstripe sends none: hand-made and
    signed here); the hotel reads the SetupIntent back before confirming."""
    plan("PAYLATER", payment="at_hotel")
    booking = book("PAYLATER")
    attempt = pay(booking, 0, stripe_side.card(THREE_D_SECURE))
    setup_id = attempt.payment.stripeSetupIntentId

    def event(number: int) -> bytes:
        body = {
            "id": f"evt_setup_{number}_{setup_id}",
            "object": "event",
            "type": "setup_intent.succeeded",
            "data": {
                "object": {
                    "id": setup_id,
                    "object": "setup_intent",
                    "metadata": {
                        "bookingId": booking.bookingId,
                        "transactionId": attempt.payment.transactionId,
                    },
                }
            },
        }
        return json.dumps(body).encode()

    early = event(1)  # not authenticated yet: the intent still requires action
    assert services.payment_webhook_handle(payload=early, signature=sign(early), now=now()) == (
        REQUIRES_ACTION
    )
    assert fresh(booking).status == "pending"
    stripe_side.client.v1.setup_intents.confirm(
        setup_id, params={"client_secret": attempt.client_secret}
    )
    done = event(2)
    assert services.payment_webhook_handle(payload=done, signature=sign(done), now=now()) == (
        COMPLETED
    )
    assert fresh(booking).status == "confirmed"


def test_the_arrivals_list_shows_the_balance_due_at_check_in(room, client_for, stripe_side):
    plan("DEP30", payment="deposit", depositPercent=30)
    today = hotel_today(now())
    booking = booking_create(
        room_id="R-1",
        check_in=today,
        check_out=today + timedelta(days=2),
        guests=2,
        guest_name="Ada Arriving",
        guest_email="ada@guest.test",
        actor="test",
        now=now(),
        rate_plan="DEP30",
    ).booking
    pay(booking, DEPOSIT_30)
    page = client_for(roles.FRONT_DESK).get("/admin/dashboard/").content.decode()
    arrivals = page.split('id="arrivals"')[1].split("</table>")[0]
    assert "Ada Arriving" in arrivals
    assert "Due at check-in: ₹156.80 (deposit paid)" in arrivals
