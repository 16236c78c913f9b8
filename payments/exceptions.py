"""Payment errors, each with its HTTP status and stable code (saleor/oscar habit).

Two families matter to callers: an expected refusal (`PaymentDeclined`: the card was
declined; a warning with the bank's message) and an unexpected failure
(`PaymentGatewayError`: the provider is down or misconfigured; logged with a traceback
where it is caught, shown generically).
"""

from __future__ import annotations

from hotel.errors import Conflict, DomainError, NotFound


class PaymentError(DomainError):
    code = "PAYMENT_ERROR"
    default_message = "The payment could not be processed."


class PaymentDeclined(PaymentError):
    """The card or bank refused the payment. Expected; the message comes from the provider."""

    status_code = 402
    code = "PAYMENT_DECLINED"
    default_message = "Your card was declined."

    def __init__(
        self,
        message: str | None = None,
        *,
        intent_id: str | None = None,
        reason: str | None = None,
        **kwargs,
    ):
        self.intent_id = intent_id
        # The provider's own reason ("insufficient_funds", "expired_card"…): what a guest
        # page words in the guest's language (the message is the provider's English).
        self.reason = reason
        super().__init__(message, **kwargs)


class InvalidPaymentMethod(PaymentError):
    """The payment method id is unknown to the provider or unusable (a client mistake)."""

    status_code = 400
    code = "INVALID_PAYMENT_METHOD"
    default_message = "This payment method cannot be used. Enter the card again."


class PaymentGatewayError(PaymentError):
    """The provider failed in a way the guest cannot fix (bad key, provider error)."""

    status_code = 502
    code = "PAYMENT_GATEWAY_ERROR"
    default_message = "The payment provider could not process the request. Nothing was charged."


class PaymentGatewayUnavailable(PaymentGatewayError):
    """The provider could not be reached or is rate limiting us: worth a retry."""

    status_code = 503
    code = "PAYMENT_GATEWAY_UNAVAILABLE"
    default_message = "The payment provider is unavailable. Please retry shortly."


class AmountMismatch(DomainError):
    status_code = 400
    code = "AMOUNT_MISMATCH"
    default_message = "The amount or currency does not match the booking's price."


class BookingNotPayable(Conflict):
    code = "BOOKING_NOT_PAYABLE"
    default_message = "Only a pending booking can be paid."


class PaymentInProgress(Conflict):
    code = "PAYMENT_IN_PROGRESS"
    default_message = "A payment for this booking is already being processed; retry shortly."


class PaymentNotFound(NotFound):
    code = "PAYMENT_NOT_FOUND"
    default_message = "No such payment."


class PaymentNotRefundable(Conflict):
    code = "PAYMENT_NOT_REFUNDABLE"
    default_message = "Only a completed payment can be refunded."


class RefundTooLarge(DomainError):
    status_code = 400
    code = "REFUND_TOO_LARGE"
    default_message = "A refund cannot be larger than what was paid and not yet refunded."


class InvalidWebhook(DomainError):
    status_code = 400
    code = "INVALID_WEBHOOK"
    default_message = "The webhook signature or payload is not valid."


class ChangeNotAllowed(Conflict):
    """A guest's online date change that the hotel's rules leave to the front desk."""

    code = "CHANGE_NOT_ALLOWED"
    default_message = "These dates cannot be changed online; please contact the hotel."
