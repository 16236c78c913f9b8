"""Payment API shapes (camelCase). Money is an integer of minor units plus a currency."""

from __future__ import annotations

from rest_framework import serializers

from bookings.api.serializers import BookingDetailOutput, BookingOutput, iso
from hotel.api.serializers import DayField, StrictInputSerializer

PAYMENT_METHOD_ID = r"^[A-Za-z]{2,8}_[A-Za-z0-9_]{1,200}$"  # pm_…, card_…, tok_… (Stripe ids)


class PaymentInput(StrictInputSerializer):
    bookingId = serializers.CharField(max_length=40)
    amount = serializers.IntegerField(
        min_value=0,
        max_value=10**12,
        required=False,
        help_text="What the booking's payment terms take now (its payment.dueNow): the total "
        "(prepay) or the deposit. 0 or omitted for at_hotel terms: the card is then saved "
        "as the guarantee (a SetupIntent) and nothing is charged.",
    )
    currency = serializers.RegexField(r"^[A-Za-z]{3}$", max_length=3)
    paymentMethodId = serializers.RegexField(PAYMENT_METHOD_ID, required=False)
    stripeToken = serializers.RegexField(
        PAYMENT_METHOD_ID, required=False, help_text="Alias of paymentMethodId."
    )
    purpose = serializers.ChoiceField(
        choices=("balance",),
        required=False,
        help_text="balance: pay the bill's balance of a confirmed or in-house booking (the "
        "amount is GET /api/bookings/{id}/folio's balance, or omitted). Omitted: the "
        "booking's own payment, which confirms it.",
    )

    def rule_errors(self, values, errors):
        """Which payment method, checked with the field types (one answer, not two rounds)."""
        method, token = values.get("paymentMethodId"), values.get("stripeToken")
        if method and token and method != token:
            return {"stripeToken": ["Give paymentMethodId or stripeToken, not both."]}
        if not (method or token) and not {"paymentMethodId", "stripeToken"} & set(errors):
            return {"paymentMethodId": ["This field is required."]}
        return {}

    def validate(self, attrs):
        token = attrs.pop("stripeToken", None)
        attrs["paymentMethodId"] = attrs.get("paymentMethodId") or token
        return attrs


class RefundInput(StrictInputSerializer):
    amount = serializers.IntegerField(
        min_value=1, max_value=10**12, required=False, help_text="Omit for a full refund."
    )


class PaymentListQuery(serializers.Serializer):
    bookingId = serializers.CharField(max_length=40)


class RefundOutput(serializers.Serializer):
    refundId = serializers.CharField(allow_null=True)
    amount = serializers.IntegerField()
    at = serializers.CharField()
    actor = serializers.CharField()
    status = serializers.CharField()


class PaymentOutput(serializers.Serializer):
    transactionId = serializers.CharField()
    bookingId = serializers.CharField()
    status = serializers.CharField()
    amount = serializers.IntegerField()
    currency = serializers.CharField()
    refundedAmount = serializers.IntegerField()
    paymentMethod = serializers.CharField(allow_null=True)
    stripePaymentIntentId = serializers.CharField(allow_null=True)
    kind = serializers.SerializerMethodField(
        help_text="charge: money taken; guarantee: a card saved (amount 0, at_hotel terms)."
    )
    stripeSetupIntentId = serializers.CharField(allow_null=True, required=False)
    stripePaymentMethodId = serializers.CharField(allow_null=True, required=False)
    purpose = serializers.CharField(
        allow_null=True,
        required=False,
        help_text="None: the booking's own payment; balance or card_on_file: onto the bill.",
    )
    failureMessage = serializers.CharField(allow_null=True)
    refunds = RefundOutput(many=True)
    createdAt = serializers.SerializerMethodField()
    completedAt = serializers.SerializerMethodField()

    def get_kind(self, payment) -> str:
        return payment.kind or "charge"

    def get_createdAt(self, payment) -> str:
        return iso(payment.createdAt)

    def get_completedAt(self, payment) -> str | None:
        return iso(payment.completedAt)


class PaymentCreatedOutput(PaymentOutput):
    clientSecret = serializers.CharField(
        required=False,
        help_text="Only with status requires_action: pass it to Stripe.js confirmCardPayment "
        "(a guarantee's: confirmCardSetup).",
    )


class PaymentListOutput(serializers.Serializer):
    payments = PaymentOutput(many=True)
    count = serializers.IntegerField()


class CancellationRuleOutput(serializers.Serializer):
    daysBefore = serializers.IntegerField()
    refundPercent = serializers.IntegerField()
    description = serializers.CharField()


class CancellationQuoteOutput(serializers.Serializer):
    bookingId = serializers.CharField()
    status = serializers.CharField()
    checkIn = serializers.CharField()
    daysBeforeArrival = serializers.IntegerField()
    paid = serializers.IntegerField()
    refund = serializers.IntegerField()
    fee = serializers.IntegerField()
    currency = serializers.CharField()
    rule = CancellationRuleOutput(allow_null=True)
    policy = CancellationRuleOutput(many=True)


# --- a booking cancelled with its refund (payments.api.booking_views) -----------------------


class CancellationRefundOutput(serializers.Serializer):
    amount = serializers.IntegerField(help_text="Minor units the cancellation policy refunds.")
    currency = serializers.CharField()
    status = serializers.ChoiceField(
        choices=["refunded", "none", "failed"],
        help_text="failed: the booking is cancelled and staff will refund by hand.",
    )


class BookingCancelledOutput(BookingDetailOutput):
    refund = CancellationRefundOutput()


class BookingStatusOutput(BookingOutput):
    refund = CancellationRefundOutput(
        required=False, help_text="Only when the booking was cancelled: what went back."
    )


class ChangeQuoteInput(StrictInputSerializer):
    """POST /api/bookings/{id}/change-quote: the change booking_change would make."""

    checkIn = DayField(required=False)
    checkOut = DayField(required=False)
    roomId = serializers.CharField(max_length=40, required=False)
    roomType = serializers.CharField(max_length=40, required=False)
    keepRate = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Price the new stay at the booked total (staff; audited on the change).",
    )

    def rule_errors(self, values, errors):
        if not {k for k in values if k != "keepRate"} and not set(errors) & set(self.fields):
            return {
                "nonFieldErrors": ["Give new checkIn/checkOut dates, a roomId and/or a roomType."]
            }
        return {}


class ChangeQuoteOutput(serializers.Serializer):
    bookingId = serializers.CharField()
    currentTotal = serializers.IntegerField()
    newTotal = serializers.IntegerField()
    difference = serializers.IntegerField(help_text="newTotal − currentTotal; > 0: owed.")
    currency = serializers.CharField()
    balance = serializers.IntegerField(help_text="The bill's balance now (> 0: owed).")
    balanceAfter = serializers.IntegerField(help_text="The balance once the change is made.")
    keepRate = serializers.BooleanField()
