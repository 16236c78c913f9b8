"""Why the hotel said no, in the guest page's language.

The services' errors carry messages written for staff and API clients, in English (the API
answers in English whatever the client's language: hotel.languages). A guest page shows a
sentence chosen by the error's stable `code` instead, translated under the page's language;
a declined card, one chosen by the provider's reason (PaymentDeclined.reason, stored as
Payment.failureCode: Stripe's decline_code or code). The API keeps the English messages.

Errors whose words the booking rules already write in the active language keep them (the
fields of ValidationFailed, stay restrictions, too many guests, online check-in, promo codes:
PASSED_THROUGH), unless it is the class's English default. Any other code gets a general
sentence rather than staff's English.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hotel.api.responses import response_for
from hotel.errors import DomainError
from payments.models import CANCELLED, FAILED, REFUNDED

# --- a declined card, by the provider's reason --------------------------------------------------

PAYMENT_NOT_COMPLETED = _(
    "The payment could not be completed. Nothing was charged; please try again."
)
CARD_DECLINED = _("Your card was declined. Nothing was charged: try again, or use another card.")
BANK_DID_NOT_CONFIRM = _("Your bank could not confirm the payment. Try again, or use another card.")
WRONG_CVC = _(
    "The card's security code (CVC) is not correct. Nothing was charged: check it and try again."
)
DECLINES = {
    "card_declined": CARD_DECLINED,
    "generic_decline": CARD_DECLINED,
    "insufficient_funds": _(
        "Your card has insufficient funds. Nothing was charged: use another card."
    ),
    "expired_card": _("Your card has expired. Nothing was charged: use another card."),
    "incorrect_cvc": WRONG_CVC,
    "invalid_cvc": WRONG_CVC,
    "processing_error": _(
        "Your card could not be processed just now. Nothing was charged: please try again in "
        "a moment."
    ),
    # 3-D Secure: asked for and not passed (or the bank wants it for a saved card).
    "authentication_required": BANK_DID_NOT_CONFIRM,
    "payment_intent_authentication_failure": BANK_DID_NOT_CONFIRM,
    "setup_intent_authentication_failure": BANK_DID_NOT_CONFIRM,
}
ATTEMPT_CANCELLED = _(
    "Your last payment was not completed. Nothing was charged: try again, or use another card."
)
PAYMENT_REFUNDED = _(
    "This payment could not confirm your booking, so it was refunded to your card."
)


def decline_words(reason: str | None) -> str:
    """The sentence for a card the provider refused, by its reason (an unlisted reason is
    still a refusal: the card was declined)."""
    return str(DECLINES.get(reason or "card_declined", CARD_DECLINED))


def payment_end_words(payment) -> str | None:
    """Why the guest's latest attempt ended without paying (the pay pages' status answers),
    in the active language; None while it has not ended."""
    if payment.status == FAILED:
        if payment.failureCode:
            return decline_words(payment.failureCode)
        return str(PAYMENT_NOT_COMPLETED)  # no refusal named: the card form, the provider
    if payment.status == CANCELLED:  # 3-D Secure abandoned, or given up for another attempt
        return str(ATTEMPT_CANCELLED)
    if payment.status == REFUNDED:  # taken when the booking could not be kept any more
        return str(PAYMENT_REFUNDED)
    return None


# --- a domain error, by its code ---------------------------------------------------------------

PASSED_THROUGH = {
    "VALIDATION_ERROR",
    "STAY_TOO_LONG",
    "TOO_MANY_GUESTS",
    "CHECK_IN_CLOSED",
    "PROMO_CODE_USED_UP",
}
ROOM_GONE = _(
    "No room of this type is left for every night of these dates. Please choose other dates."
)
CHANGED_MEANWHILE = _("Your booking changed meanwhile. Reload the page and try again.")
PROVIDER_DOWN = _("Our payment provider did not answer. Nothing was charged: please try again.")
SENTENCES = {
    "ROOM_UNAVAILABLE": ROOM_GONE,
    "NO_ROOM_AVAILABLE": ROOM_GONE,
    "HOLD_EXPIRED": _("The hold on this booking has expired; please book again."),
    "INVALID_TRANSITION": _(
        "This booking can no longer be changed this way. Reload the page to see where it stands."
    ),
    "BOOKING_CHANGED": CHANGED_MEANWHILE,
    "CONFLICT": CHANGED_MEANWHILE,
    "STALE_OBJECT": CHANGED_MEANWHILE,
    "FOLIO_BUSY": CHANGED_MEANWHILE,
    "PAYMENT_IN_PROGRESS": _(
        "A payment for this booking is under way. Wait a minute for it to finish, then try again."
    ),
    "BOOKING_PRICE_CHANGED": _(
        "The price of this booking changed meanwhile. Reload the page to see the new price."
    ),
    "TOO_MANY_HOLDS": _(
        "You already hold as many rooms as we allow at once. Pay for or cancel a held "
        "booking, or wait for a hold to end, then try again."
    ),
    "PROMO_CODE_NOT_FOUND": _("This promo code does not exist."),
    "EXTRAS_CLOSED": _("Extras can no longer be added to this booking online."),
    "EXTRA_SOLD_OUT": _("This extra is sold out for some of the dates."),
    "EXTRA_NOT_FOUND": _("This extra is no longer offered."),
    "RATE_PLAN_NOT_FOUND": _("That rate is no longer offered online. Please choose another."),
    "ROOM_TYPE_NOT_FOUND": _("This room type is no longer offered."),
    "RESERVATION_TOO_LARGE": _(
        "That is too many rooms or nights to book at once. Book fewer, or contact the hotel."
    ),
    "STAY_RULE_VIOLATION": _("These dates do not meet the minimum or maximum stay."),
    "BOOKING_NOT_PAYABLE": _(
        "This booking cannot be paid any more. Reload the page to see where it stands."
    ),
    "AMOUNT_MISMATCH": _("The amount to pay has changed. Reload the page and try again."),
    "INVALID_PAYMENT_METHOD": _("This card cannot be used. Enter it again, or use another card."),
    "PAYMENT_GATEWAY_ERROR": PROVIDER_DOWN,
    "PAYMENT_GATEWAY_UNAVAILABLE": PROVIDER_DOWN,
    # The classes' defaults of PASSED_THROUGH (their own messages are the rules' words).
    "VALIDATION_ERROR": _("Some of what you entered cannot be used. Check it and try again."),
    "STAY_TOO_LONG": _("The stay is longer than the hotel allows in one booking."),
    "TOO_MANY_GUESTS": _("The room does not take that many guests."),
    "CHECK_IN_CLOSED": _("Online check-in is not open for this booking."),
    "PROMO_CODE_USED_UP": _("This promo code has been used up."),
    "SERVICE_UNAVAILABLE": _(
        "Our booking system did not answer just now. Nothing you entered was saved twice: "
        "please try again in a few seconds."
    ),
}
# A guest's online date change refused (ChangeNotAllowed), by details.reason: the change
# page's own sentences.
CHANGE_REFUSALS = {
    "policy_window": _(
        "Close to arrival, paid bookings cannot be changed online. Please contact the front desk."
    ),
    "hold_expired": _("The hold on this booking has expired; please book again."),
    "price_differs": _(
        "Online we can only move a paid booking to dates that cost the same. For other dates, "
        "cancel and book again, or contact the front desk."
    ),
}
GENERAL = _("This could not be done online. Please try again, or contact the hotel.")


def refusal_text(exc: DomainError) -> str:
    """What a guest page says for `exc`, in the active language: the sentence for its code
    (a declined card's: for the provider's reason), the rules' own words where they are
    already the page's language, else a general sentence."""
    code = exc.code
    details = exc.details or {}
    if code == "PAYMENT_DECLINED":
        return decline_words(getattr(exc, "reason", None))
    if code == "STAY_RULE_VIOLATION" and details.get("restrictions"):
        return exc.message  # the restrictions' sentences (bookings.stay_rules), translated
    if code == "CHANGE_NOT_ALLOWED":
        words = CHANGE_REFUSALS.get(details.get("reason"))
        return str(words or _("This booking cannot be changed online."))
    if code in PASSED_THROUGH and exc.message != getattr(type(exc), "default_message", None):
        return exc.message  # the rules' own words (a class's default is English: not these)
    return str(SENTENCES.get(code, GENERAL))


def refusal_response(exc: BaseException, request):
    """The project's JSON error shape (response_for) for a guest page's script: the code,
    status and details as the API gives them, the message the guest's (`refusal_text`)."""
    if isinstance(exc, DomainError):
        shown = DomainError(refusal_text(exc), details=exc.details, code=exc.code)
        shown.status_code = exc.status_code
        exc = shown
    return response_for(exc, request)
