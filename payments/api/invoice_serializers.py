"""The invoices' API shapes (camelCase, money in integer minor units plus a currency)."""

from __future__ import annotations

from rest_framework import serializers

from hotel.api.serializers import StrictInputSerializer


class IssueInput(StrictInputSerializer):
    folioId = serializers.RegexField(
        r"^F[0-9]{1,3}$", required=False, help_text="Default: the first folio not invoiced."
    )
    proforma = serializers.BooleanField(
        default=False,
        help_text="A pro-forma: the PDF of what the invoice would say now (200 "
        "application/pdf); not numbered, not stored, any balance allowed.",
    )


class CreditInput(StrictInputSerializer):
    reason = serializers.CharField(max_length=300)


class InvoiceLineOutput(serializers.Serializer):
    lineId = serializers.CharField()
    description = serializers.CharField()
    quantity = serializers.IntegerField()
    unitAmount = serializers.IntegerField()
    amount = serializers.IntegerField()
    taxCategory = serializers.CharField(allow_null=True)
    taxRate = serializers.CharField()
    tax = serializers.IntegerField()
    serviceDate = serializers.CharField(allow_null=True)


class TaxRateOutput(serializers.Serializer):
    rate = serializers.CharField()
    net = serializers.IntegerField()
    tax = serializers.IntegerField()
    gross = serializers.IntegerField()


class InvoiceOutput(serializers.Serializer):
    number = serializers.CharField()
    kind = serializers.ChoiceField(choices=["invoice", "credit_note"])
    series = serializers.CharField()
    bookingId = serializers.CharField()
    folioId = serializers.CharField()
    payer = serializers.DictField()
    lines = InvoiceLineOutput(many=True)
    payments = serializers.ListField(child=serializers.DictField())
    taxBreakdown = TaxRateOutput(many=True)
    total = serializers.IntegerField()
    taxTotal = serializers.IntegerField()
    currency = serializers.CharField()
    hotel = serializers.DictField()
    issueDate = serializers.DateField()
    issuedAt = serializers.DateTimeField()
    issuedBy = serializers.CharField()
    creditOf = serializers.CharField(allow_null=True)
    creditedBy = serializers.CharField(allow_null=True)
    reason = serializers.CharField(allow_null=True)
    proforma = serializers.BooleanField()


class InvoiceListOutput(serializers.Serializer):
    invoices = InvoiceOutput(many=True)
