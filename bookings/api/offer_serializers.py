"""The shapes of an offer in the availability API: a room type under one rate plan, its
cancellation and payment terms, its lines, and the restrictions that refuse a stay."""

from __future__ import annotations

from rest_framework import serializers

from bookings import stay_rules


class NightlyOutput(serializers.Serializer):
    date = serializers.CharField()
    amount = serializers.IntegerField()
    rule = serializers.CharField(allow_null=True)


class RestrictionOutput(serializers.Serializer):
    """A restriction that keeps a stay from being sold, and what would work."""

    code = serializers.ChoiceField(choices=list(stay_rules.CODES))
    nights = serializers.JSONField(
        required=False,
        help_text="MIN_STAY / MAX_STAY: the nights needed; STOP_SELL: the closed nights.",
    )
    minNights = serializers.IntegerField(required=False, help_text="With MIN_STAY.")
    maxNights = serializers.IntegerField(required=False, help_text="With MAX_STAY.")
    on = serializers.ChoiceField(
        choices=["arrival", "through"],
        required=False,
        help_text="MIN/MAX_STAY: set on the arrival date, or on a night the stay includes.",
    )
    night = serializers.CharField(required=False, help_text="The night the limit is set on.")
    date = serializers.CharField(required=False, help_text="CLOSED_TO_ARRIVAL / _DEPARTURE.")
    days = serializers.IntegerField(required=False, help_text="MIN_ADVANCE / MAX_ADVANCE.")
    bookableFrom = serializers.CharField(required=False, help_text="MAX_ADVANCE.")
    roomTypes = serializers.ListField(child=serializers.CharField(), required=False)
    message = serializers.CharField()


class CancellationRuleOut(serializers.Serializer):
    daysBefore = serializers.IntegerField()
    refundPercent = serializers.IntegerField()


class OfferCancellationOutput(serializers.Serializer):
    freeUntil = serializers.CharField(
        allow_null=True, help_text="Free cancellation ends at this moment; null: never free."
    )
    rules = CancellationRuleOut(many=True)
    noShowPercent = serializers.IntegerField()


class OfferPaymentOutput(serializers.Serializer):
    terms = serializers.ChoiceField(choices=["prepay", "deposit", "at_hotel"])
    dueNow = serializers.IntegerField(help_text="Charged when booked (minor units).")
    dueAtHotel = serializers.IntegerField()
    depositPercent = serializers.IntegerField(allow_null=True)


class LineOutput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["room", "discount", "tax", "cityTax", "included"])
    label = serializers.CharField()
    amount = serializers.IntegerField()
    value = serializers.IntegerField(required=False, help_text="An included extra's worth.")
    quantity = serializers.IntegerField(required=False)
    code = serializers.CharField(required=False)


class OfferOutput(serializers.Serializer):
    """A room type under one rate plan, for these guests: the quote that is charged."""

    ratePlan = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    totalPrice = serializers.IntegerField(help_text="= the sum of `lines`.")
    subtotal = serializers.IntegerField(help_text="The nights after the promo, before tax.")
    discount = serializers.IntegerField()
    taxes = serializers.IntegerField()
    taxPercent = serializers.CharField()
    cityTax = serializers.IntegerField()
    currency = serializers.CharField()
    nightly = NightlyOutput(many=True)
    included = serializers.ListField(child=serializers.DictField())
    promoCode = serializers.CharField(allow_null=True)
    cancellation = OfferCancellationOutput()
    payment = OfferPaymentOutput()
    lines = LineOutput(many=True)
