"""Rate plan and promo code API shapes: camelCase as stored. The rules are the services'
(bookings.rate_plan_services, bookings.promo_codes), run on the fields that parsed so a
client sees every problem in one answer."""

from __future__ import annotations

from datetime import UTC

from rest_framework import serializers

from bookings.promo_codes import DEFAULTS as PROMO_DEFAULTS
from bookings.promo_codes import promo_code_validate
from bookings.rate_plan_services import DEFAULTS as PLAN_DEFAULTS
from bookings.rate_plan_services import TRANSLATED as PLAN_TRANSLATED
from bookings.rate_plan_services import rate_plan_validate
from bookings.rate_reads import DEFAULT_PLAN
from hotel.api.serializers import (
    StrictInputSerializer,
    TranslationsOutput,
    domain_field_errors,
    translations_input,
)

_STAMP = {"format": "%Y-%m-%dT%H:%M:%SZ", "default_timezone": UTC}


def _rules(validate, defaults, code_field, values, context) -> dict[str, list[str]]:
    """The service's rules on `values`; context: creating, replace (PUT), current item."""
    creating = bool(context.get("creating"))
    data = dict(values)
    if not creating:
        data.pop(code_field, None)
        if context.get("replace"):
            data = {**defaults, **data}
    return domain_field_errors(
        lambda: validate(data=data, creating=creating, current=context.get("current"))
    )


class AdjustmentShape(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["percent", "fixed"])
    value = serializers.IntegerField(
        help_text="percent: -100 to 500; fixed: minor units per night, may be negative."
    )


class IncludedShape(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.ChoiceField(choices=["per_stay", "per_night", "per_person_per_night"])
    value = serializers.IntegerField(help_text="Minor units per unit.")


class RatePlanOutput(serializers.Serializer):
    ratePlan = serializers.CharField(help_text="The plan's code, e.g. `NONREF`.")
    name = serializers.CharField()
    description = serializers.CharField()
    roomTypes = serializers.ListField(
        child=serializers.CharField(), help_text="Empty: every room type, also later ones."
    )
    active = serializers.BooleanField()
    channels = serializers.ListField(child=serializers.CharField(), help_text="web, api, staff")
    adjustment = AdjustmentShape(allow_null=True, help_text="null: the base price.")
    cancellation = serializers.CharField(
        allow_null=True, help_text='"DAYS:PERCENT,…"; null: the hotel\'s policy.'
    )
    noShowPercent = serializers.IntegerField()
    payment = serializers.ChoiceField(choices=["prepay", "deposit", "at_hotel"])
    depositPercent = serializers.IntegerField(allow_null=True)
    occupancy = serializers.JSONField(
        allow_null=True,
        help_text="{included, extraAdult, childBands: [{fromAge, toAge, price}], extraBed, "
        "bedsFor, byType: {roomType: {…}}}; null: the price is per room.",
    )
    included = IncludedShape(many=True, allow_null=True)
    sortOrder = serializers.IntegerField()
    translations = TranslationsOutput()
    isDefault = serializers.SerializerMethodField(help_text="FLEX: cannot be deleted.")
    revision = serializers.IntegerField(help_text="Send back as `If-Match` to update safely.")
    lastUpdated = serializers.DateTimeField(**_STAMP)

    def get_isDefault(self, plan) -> bool:
        return plan.ratePlan == DEFAULT_PLAN


class RatePlanListOutput(serializers.Serializer):
    ratePlans = RatePlanOutput(many=True)
    count = serializers.IntegerField()


class RatePlanInput(StrictInputSerializer):
    ratePlan = serializers.CharField(max_length=20, help_text="1–20 of A-Z 0-9 _ -")
    name = serializers.CharField(max_length=80)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    roomTypes = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, max_length=100
    )
    active = serializers.BooleanField(required=False)
    channels = serializers.ListField(child=serializers.CharField(), required=False)
    adjustment = serializers.JSONField(
        required=False, allow_null=True, help_text='{"kind": "percent"|"fixed", "value"} or null'
    )
    cancellation = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=200
    )
    noShowPercent = serializers.IntegerField(required=False)
    payment = serializers.CharField(required=False, help_text="prepay, deposit or at_hotel")
    depositPercent = serializers.IntegerField(required=False, allow_null=True)
    occupancy = serializers.JSONField(required=False, allow_null=True)
    included = serializers.JSONField(required=False, allow_null=True)
    sortOrder = serializers.IntegerField(required=False)
    translations = translations_input(PLAN_TRANSLATED)

    def rule_errors(self, values, errors):
        return _rules(rate_plan_validate, PLAN_DEFAULTS, "ratePlan", values, self.context)


class PromoCodeOutput(serializers.Serializer):
    code = serializers.CharField()
    description = serializers.CharField(allow_null=True)
    percent = serializers.IntegerField(allow_null=True, help_text="Off each night's room price.")
    amount = serializers.IntegerField(allow_null=True, help_text="Minor units off the stay.")
    bookFrom = serializers.CharField(allow_null=True)
    bookTo = serializers.CharField(allow_null=True)
    stayFrom = serializers.CharField(allow_null=True)
    stayTo = serializers.CharField(allow_null=True)
    ratePlans = serializers.SerializerMethodField(help_text="Empty: every plan.")
    maxUses = serializers.IntegerField(allow_null=True)
    perGuest = serializers.IntegerField(allow_null=True)
    uses = serializers.SerializerMethodField(help_text="Bookings that hold it now.")
    active = serializers.SerializerMethodField()
    revision = serializers.SerializerMethodField()
    lastUpdated = serializers.DateTimeField(allow_null=True, **_STAMP)

    def get_ratePlans(self, promo) -> list[str]:
        return list(promo.ratePlans or [])

    def get_uses(self, promo) -> int:
        return int(promo.uses or 0)

    def get_active(self, promo) -> bool:
        return promo.active is not False

    def get_revision(self, promo) -> int:
        return int(promo.revision or 0)


class PromoCodeListOutput(serializers.Serializer):
    promoCodes = PromoCodeOutput(many=True)
    count = serializers.IntegerField()


class PromoCodeInput(StrictInputSerializer):
    code = serializers.CharField(max_length=40)
    description = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=500
    )
    percent = serializers.IntegerField(required=False, allow_null=True)
    amount = serializers.IntegerField(required=False, allow_null=True)
    bookFrom = serializers.DateField(required=False, allow_null=True)
    bookTo = serializers.DateField(required=False, allow_null=True)
    stayFrom = serializers.DateField(required=False, allow_null=True)
    stayTo = serializers.DateField(required=False, allow_null=True)
    ratePlans = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, max_length=50
    )
    maxUses = serializers.IntegerField(required=False, allow_null=True)
    perGuest = serializers.IntegerField(required=False, allow_null=True)
    active = serializers.BooleanField(required=False)

    def rule_errors(self, values, errors):
        return _rules(promo_code_validate, PROMO_DEFAULTS, "code", values, self.context)
