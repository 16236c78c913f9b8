"""Webhook API shapes (camelCase); the rules are the services' (hotel.webhooks.subscriptions)."""

from __future__ import annotations

from datetime import UTC

from rest_framework import serializers

from hotel.api.serializers import StrictInputSerializer, domain_field_errors
from hotel.webhooks.models import STATUSES
from hotel.webhooks.subscriptions import webhook_fields_check

_STAMP = {"format": "%Y-%m-%dT%H:%M:%SZ", "default_timezone": UTC}
_EVENTS_HELP = "Webhook types, e.g. booking.created; GET /api/webhooks lists them (eventTypes)."


class _RuleChecked(StrictInputSerializer):
    def rule_errors(self, values, errors):
        """The services' rules (URL allowed, event types known) in the same answer as the
        type checks."""
        fields = {k: v for k, v in values.items() if k in ("url", "events", "description")}
        return domain_field_errors(lambda: webhook_fields_check(fields))


class WebhookInput(_RuleChecked):
    url = serializers.CharField(max_length=2000, help_text="Where to POST the events (http(s)).")
    events = serializers.ListField(
        child=serializers.CharField(max_length=60), allow_empty=False, help_text=_EVENTS_HELP
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)


class WebhookPatchInput(_RuleChecked):
    url = serializers.CharField(max_length=2000, required=False)
    events = serializers.ListField(
        child=serializers.CharField(max_length=60), allow_empty=False, required=False
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    active = serializers.BooleanField(
        required=False, help_text="Switch it off or on again (on: its failure count restarts)."
    )
    rotateSecret = serializers.BooleanField(
        required=False, help_text="A new secret, answered once as `secret`; the old one stops."
    )


class WebhookOutput(serializers.Serializer):
    webhookId = serializers.CharField()
    url = serializers.CharField()
    events = serializers.ListField(child=serializers.CharField())
    description = serializers.CharField()
    active = serializers.BooleanField()
    createdAt = serializers.DateTimeField(**_STAMP)
    createdBy = serializers.CharField()
    updatedAt = serializers.DateTimeField(**_STAMP)
    failingSince = serializers.DateTimeField(
        allow_null=True, help_text="Every attempt failed since then (24 h: disabled).", **_STAMP
    )
    lastSuccessAt = serializers.DateTimeField(allow_null=True, **_STAMP)
    lastFailureAt = serializers.DateTimeField(allow_null=True, **_STAMP)
    disabledAt = serializers.DateTimeField(allow_null=True, **_STAMP)
    disabledReason = serializers.CharField(allow_null=True)


class WebhookSecretOutput(WebhookOutput):
    secret = serializers.CharField(
        help_text="Shown once: sign-check every delivery's Hotel-Signature with it."
    )


class WebhookChangedOutput(WebhookOutput):
    secret = serializers.CharField(
        required=False, help_text="Only after rotateSecret: the new secret, shown once."
    )


class WebhookListOutput(serializers.Serializer):
    webhooks = WebhookOutput(many=True)
    count = serializers.IntegerField()
    eventTypes = serializers.ListField(
        child=serializers.CharField(), help_text="The types a webhook may subscribe to."
    )


class DeliveryListQuery(serializers.Serializer):
    limit = serializers.IntegerField(required=False, min_value=1, max_value=100, default=50)
    nextToken = serializers.CharField(required=False, max_length=2000)


class DeliveryOutput(serializers.Serializer):
    deliveryId = serializers.CharField()
    eventId = serializers.CharField()
    type = serializers.CharField(source="eventType")
    status = serializers.ChoiceField(choices=STATUSES)
    attempts = serializers.IntegerField()
    lastStatusCode = serializers.IntegerField(allow_null=True)
    lastError = serializers.CharField(allow_null=True)
    latencyMs = serializers.IntegerField(allow_null=True)
    responseSnippet = serializers.CharField(
        allow_null=True, help_text="The first 500 characters of the last answer."
    )
    createdAt = serializers.DateTimeField(**_STAMP)
    lastAttemptAt = serializers.DateTimeField(allow_null=True, **_STAMP)
    deliveredAt = serializers.DateTimeField(allow_null=True, **_STAMP)
    nextAttemptAt = serializers.DateTimeField(
        allow_null=True, help_text="None once delivered or given up.", **_STAMP
    )


class DeliveryListOutput(serializers.Serializer):
    deliveries = DeliveryOutput(many=True)
    count = serializers.IntegerField()
    nextToken = serializers.CharField(required=False)
