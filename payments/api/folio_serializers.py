"""The bill's API shapes (camelCase, money in integer minor units plus a currency)."""

from __future__ import annotations

from rest_framework import serializers

from hotel.api.serializers import StrictInputSerializer
from payments.folio.lines import DESK_CATEGORIES
from payments.folio.models import CARD_ON_FILE, DESK_METHODS

MAX_AMOUNT = 10**10


class PayerSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(required=False, allow_blank=True)
    company = serializers.CharField(max_length=200, required=False, allow_blank=True)
    address = serializers.CharField(max_length=500, required=False, allow_blank=True)
    taxId = serializers.CharField(max_length=60, required=False, allow_blank=True)


class ChargeInput(StrictInputSerializer):
    description = serializers.CharField(max_length=200, required=False)
    amount = serializers.IntegerField(
        min_value=0,
        max_value=MAX_AMOUNT,
        required=False,
        help_text="Per unit, tax included, minor units.",
    )
    quantity = serializers.IntegerField(min_value=1, max_value=1000, required=False)
    taxCategory = serializers.CharField(max_length=40, default="standard")
    category = serializers.ChoiceField(choices=DESK_CATEGORIES, default="other")
    code = serializers.CharField(
        max_length=40,
        required=False,
        help_text="An extra of the catalog: alone (with `quantity`), it is sold at its price and "
        "unit, its daily stock taken; with `description` and `amount`, a charge tagged with it.",
    )
    folioId = serializers.RegexField(r"^F[0-9]{1,3}$", required=False)
    date = serializers.DateField(required=False, help_text="The day it is for; not a closed one.")

    def rule_errors(self, values, errors):
        """`description` and `amount`, unless `code` alone names an extra of the catalog."""
        if "code" in values or "code" in errors:
            if ("description" in values) != ("amount" in values):
                missing = "amount" if "description" in values else "description"
                return {missing: ["Give description and amount together, or the code alone."]}
            return {}
        return {
            name: ["This field is required."]
            for name in ("description", "amount")
            if name not in values and name not in errors
        }

    @property
    def extra_only(self) -> bool:
        """The catalog's extra by its code: no description or amount of the desk's own."""
        return "code" in self.validated_data and "amount" not in self.validated_data


class PaymentLineInput(StrictInputSerializer):
    amount = serializers.IntegerField(
        min_value=1,
        max_value=MAX_AMOUNT,
        required=False,
        help_text="Required for cash, terminal, transfer; card_on_file: omitted = the balance.",
    )
    method = serializers.ChoiceField(
        choices=(*DESK_METHODS, CARD_ON_FILE),
        help_text="card_on_file: the card kept as the guarantee is charged off-session.",
    )
    reference = serializers.CharField(max_length=120, required=False, allow_blank=True)
    folioId = serializers.RegexField(r"^F[0-9]{1,3}$", required=False)

    def rule_errors(self, values, errors):
        if (
            "amount" not in values
            and "amount" not in errors
            and values.get("method") in (DESK_METHODS)
        ):
            return {"amount": ["This field is required."]}
        return {}


class RefundLineInput(StrictInputSerializer):
    amount = serializers.IntegerField(min_value=1, max_value=MAX_AMOUNT)
    method = serializers.ChoiceField(choices=DESK_METHODS)
    reference = serializers.CharField(max_length=120, required=False, allow_blank=True)
    folioId = serializers.RegexField(r"^F[0-9]{1,3}$", required=False)
    reason = serializers.CharField(max_length=300)


class AllowanceInput(StrictInputSerializer):
    amount = serializers.IntegerField(min_value=1, max_value=MAX_AMOUNT)
    reason = serializers.CharField(max_length=300)
    description = serializers.CharField(max_length=200, required=False)
    taxCategory = serializers.CharField(max_length=40, default="standard")
    folioId = serializers.RegexField(r"^F[0-9]{1,3}$", required=False)


class ReverseInput(StrictInputSerializer):
    reason = serializers.CharField(max_length=300)


class SplitInput(StrictInputSerializer):
    lineIds = serializers.ListField(
        child=serializers.RegexField(r"^L[0-9]{4,6}$"), min_length=1, max_length=40
    )
    folioId = serializers.RegexField(r"^F[0-9]{1,3}$", required=False)
    payer = PayerSerializer(required=False)


class FolioLineOutput(serializers.Serializer):
    lineId = serializers.CharField()
    folioId = serializers.CharField()
    kind = serializers.CharField()
    category = serializers.CharField()
    description = serializers.CharField()
    unitAmount = serializers.IntegerField()
    quantity = serializers.IntegerField()
    amount = serializers.IntegerField()
    effect = serializers.IntegerField(help_text="On the balance: + the guest owes more.")
    taxCategory = serializers.CharField(allow_null=True)
    taxRate = serializers.CharField(allow_null=True)
    tax = serializers.IntegerField()
    value = serializers.IntegerField(allow_null=True)
    method = serializers.CharField(allow_null=True)
    reference = serializers.CharField(allow_null=True)
    reverses = serializers.CharField(allow_null=True)
    reversed = serializers.BooleanField()
    reason = serializers.CharField(allow_null=True)
    serviceDate = serializers.CharField(allow_null=True)
    accountDate = serializers.CharField()
    createdAt = serializers.CharField()
    createdBy = serializers.CharField()


class FolioOutput(serializers.Serializer):
    folioId = serializers.CharField()
    payer = PayerSerializer()
    lines = FolioLineOutput(many=True)
    balance = serializers.IntegerField()
    currency = serializers.CharField()
    invoice = serializers.CharField(allow_null=True)


class BillOutput(serializers.Serializer):
    bookingId = serializers.CharField(allow_null=True, help_text="null on a reservation's bill.")
    reservationId = serializers.CharField(
        required=False, help_text="A reservation's own bill only (RS-…)."
    )
    folios = FolioOutput(many=True)
    balance = serializers.IntegerField(help_text="> 0: the guest owes.")
    currency = serializers.CharField()
