"""A refusal on a guest page is in the page's language (hotel/site/refusals.py): a declined
card by Stripe's reason (the pay page's answer, and the status its script polls), a payment
that ended, the services' refusals by their code. The API keeps Stripe's and the services'
English, and staff keep Stripe's words on the payment.

The catalogs are translated after the code is written: where a sentence is new, the test
asks gettext for it under the page's language (its English until translated) and checks
that the page shows that, not Stripe's or the service's English."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import translation

from bookings.exceptions import HoldExpired
from bookings.links import manage_path
from bookings.promo_uses import PromoUsedUp
from hotel.errors import Conflict, ValidationFailed
from hotel.site import refusals
from payments.exceptions import PaymentDeclined
from payments.models import CANCELLED, COMPLETED, FAILED, REFUNDED, Payment
from tests.payments.conftest import DECLINED, THREE_D_SECURE, TOTAL, fake_event, now
from tests.payments.test_services import deliver, pay

BANK_DID_NOT_CONFIRM = "Your bank could not confirm the payment. Try again, or use another card."
CARD_DECLINED = "Your card was declined. Nothing was charged: try again, or use another card."
INSUFFICIENT = "Your card has insufficient funds. Nothing was charged: use another card."
NOT_COMPLETED = "The payment could not be completed. Nothing was charged; please try again."
HOLD_EXPIRED = "The hold on this booking has expired; please book again."


def translated(text: str, language: str = "de") -> str:
    with translation.override(language):
        return translation.gettext(text)


def post_token(client, path, token):
    data = {"stripe_token": token, "amount": TOTAL, "currency": "INR"}
    return client.post(f"{path}pay", data, HTTP_ACCEPT="application/json")


def german(booking) -> str:
    return "/de" + manage_path(booking_id=booking.bookingId)


def failed_by_webhook(booking, stripe_side, error: dict) -> Payment:
    """A 3-D Secure attempt that Stripe then reports failed with `error`."""
    attempt = pay(booking, stripe_side.card(THREE_D_SECURE)).payment
    event = fake_event(
        attempt.stripePaymentIntentId,
        transaction_id=attempt.transactionId,
        booking_id=booking.bookingId,
        amount=TOTAL,
        type="payment_intent.payment_failed",
        last_payment_error=error,
    )
    assert deliver(event) == "failed"
    return Payment.get(attempt.transactionId, consistent_read=True)


def test_a_declined_card_is_refused_in_the_pages_language_and_in_stripes_english_in_the_api(
    client, api, make_booking, stripe_side
):
    created = make_booking()
    booking, path = created.booking, german(created.booking)
    response = post_token(client, path, stripe_side.token(DECLINED))
    error = response.json()["error"]
    assert (response.status_code, error["code"]) == (402, "PAYMENT_DECLINED")
    assert error["message"] == translated(CARD_DECLINED)
    assert error["details"] == {"declineCode": "card_declined"}  # as the API gives them
    [payment] = Payment.by_booking.query(booking.bookingId)
    assert (payment.failureCode, payment.failureMessage) == (
        "card_declined",
        "Your card was declined.",  # staff's: Stripe's own words
    )
    status = client.get(f"{path}status").json()["payment"]
    assert status == {"status": FAILED, "message": translated(CARD_DECLINED)}

    answer = api.post(
        "/api/payments",
        {"bookingId": booking.bookingId, "amount": TOTAL, "currency": "INR",
         "paymentMethodId": stripe_side.card(DECLINED)},
        format="json",
        HTTP_X_BOOKING_TOKEN=created.guest_token,
        HTTP_ACCEPT_LANGUAGE="de",
    )  # fmt: skip
    assert answer.status_code == 402
    assert answer.json()["error"]["message"] == "Your card was declined."


def test_a_failed_3d_secure_check_is_explained_in_the_pages_language(
    client, make_booking, stripe_side
):
    booking = make_booking().booking
    english = "The provided PaymentMethod has failed authentication."
    failed = failed_by_webhook(
        booking, stripe_side, {"code": "payment_intent_authentication_failure", "message": english}
    )
    assert (failed.failureCode, failed.failureMessage) == (
        "payment_intent_authentication_failure",
        english,
    )
    words = translated(BANK_DID_NOT_CONFIRM)
    assert words != BANK_DID_NOT_CONFIRM  # the catalog has it
    assert client.get(f"{german(booking)}status").json()["payment"]["message"] == words
    plain = manage_path(booking_id=booking.bookingId)
    assert client.get(f"{plain}status").json()["payment"]["message"] == BANK_DID_NOT_CONFIRM


def test_the_issuers_decline_code_is_worded_rather_than_stripes_code(
    client, make_booking, stripe_side
):
    booking = make_booking().booking
    error = {"code": "card_declined", "decline_code": "insufficient_funds",
             "message": "Your card has insufficient funds."}  # fmt: skip
    assert failed_by_webhook(booking, stripe_side, error).failureCode == "insufficient_funds"
    message = client.get(f"{german(booking)}status").json()["payment"]["message"]
    assert message == translated(INSUFFICIENT) and message != error["message"]


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ("card_declined", CARD_DECLINED),
        ("insufficient_funds", INSUFFICIENT),
        ("expired_card", "Your card has expired. Nothing was charged: use another card."),
        ("incorrect_cvc", "The card's security code (CVC) is not correct. Nothing was charged: "
                          "check it and try again."),
        ("processing_error", "Your card could not be processed just now. Nothing was charged: "
                             "please try again in a moment."),
        ("authentication_required", BANK_DID_NOT_CONFIRM),
        ("payment_intent_authentication_failure", BANK_DID_NOT_CONFIRM),
        ("lost_card", CARD_DECLINED),  # a reason not worded: still a declined card
        (None, CARD_DECLINED),
    ],
)  # fmt: skip
def test_each_decline_reason_has_its_sentence_in_the_active_language(reason, expected):
    with translation.override("de"):
        assert refusals.decline_words(reason) == translation.gettext(expected)
        refused = refusals.refusal_text(PaymentDeclined("Stripe's English.", reason=reason))
        assert refused == translation.gettext(expected)


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (FAILED, "expired_card", "Your card has expired. Nothing was charged: use another card."),
        (FAILED, None, NOT_COMPLETED),  # the card form or the provider: nothing to blame
        (CANCELLED, None, "Your last payment was not completed. Nothing was charged: try again, "
                          "or use another card."),
        (REFUNDED, None, "This payment could not confirm your booking, so it was refunded to "
                         "your card."),
        (COMPLETED, None, None),
    ],
)  # fmt: skip
def test_why_a_payment_ended_is_said_in_the_active_language(status, code, expected):
    payment = SimpleNamespace(status=status, failureCode=code, failureMessage="Staff's words.")
    with translation.override("de"):
        wanted = translation.gettext(expected) if expected else None
        assert refusals.payment_end_words(payment) == wanted


def test_a_lapsed_hold_is_refused_in_german_on_the_page_and_in_english_in_the_api(
    client, make_booking, stripe_side
):
    created = make_booking(start=5, at=now() - timedelta(days=3))
    response = post_token(client, german(created.booking), stripe_side.token())
    error = response.json()["error"]
    assert (response.status_code, error["code"]) == (409, "HOLD_EXPIRED")
    words = translated(HOLD_EXPIRED)
    assert words != HOLD_EXPIRED and error["message"] == words
    with pytest.raises(HoldExpired) as caught:
        pay(created.booking)
    assert caught.value.message == (  # what the API answers
        f"The hold on {created.booking.bookingId} has expired; please book again."
    )


def test_a_code_without_a_sentence_gets_a_general_one_not_staffs_english():
    refused = Conflict("Folio F-1 is invoiced.", code="FOLIO_INVOICED")
    with translation.override("de"):
        words = refusals.refusal_text(refused)
        assert words == translation.gettext(
            "This could not be done online. Please try again, or contact the hotel."
        )
    assert "F-1" not in words


def test_the_rules_own_words_pass_but_a_classs_english_default_does_not():
    with translation.override("de"):
        own = PromoUsedUp(translation.gettext("This promo code has expired."))
        assert refusals.refusal_text(own) == own.message  # written in the page's language
        assert refusals.refusal_text(PromoUsedUp()) == translation.gettext(
            "This promo code has been used up."
        )
        assert refusals.refusal_text(ValidationFailed()) == translation.gettext(
            "Some of what you entered cannot be used. Check it and try again."
        )
        assert refusals.refusal_text(ValidationFailed()) != "Some fields are invalid."
