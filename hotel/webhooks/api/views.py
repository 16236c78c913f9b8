"""Webhook endpoints (managers only: webhooks.change_webhook): subscribe, list, read,
change, delete; the delivery log and replay. Views parse, call one service, render."""

from __future__ import annotations

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from hotel.actor import actor_from
from hotel.api.permissions import staff_perm
from hotel.api.schema_hints import extend_schema
from hotel.api.serializers import invalid_cursor, parse_query
from hotel.dynamo import InvalidCursor
from hotel.errors import ValidationFailed
from hotel.webhooks import sending, subscriptions, types

from .serializers import (
    DeliveryListOutput,
    DeliveryListQuery,
    DeliveryOutput,
    WebhookChangedOutput,
    WebhookInput,
    WebhookListOutput,
    WebhookOutput,
    WebhookPatchInput,
    WebhookSecretOutput,
)

PERMISSION = "webhooks.change_webhook"  # managers; the API keys' scope webhooks:manage
WEBHOOK_PERMS = staff_perm(read=PERMISSION, write=PERMISSION)
# An answer that shows a secret (its only copy) is kept by no cache on the way.
SECRET_CACHE_CONTROL = "no-store"

# An API key (scope webhooks:manage) subscribes only to what its other scopes let it read
# (hotel.webhooks.types.TYPE_SCOPES), and sees and changes only the subscriptions it made.


def _key_name(request) -> str | None:
    """`apikey:<id>` for an API key's request (hotel.accounts.tokens.ApiKeyUser), else None."""
    user = request.user
    return user.get_username() if getattr(user, "key_id", None) else None


def _key_types_check(request, events) -> None:
    """ValidationFailed on `events` naming the types the key's scopes do not read."""
    if not _key_name(request):
        return
    refused = types.types_outside(events or (), scopes=request.user.scopes)
    if refused:
        raise ValidationFailed(
            details={"fields": {"events": [f"This key may not receive: {', '.join(refused)}."]}}
        )


def _own(request, webhook_id: str):
    """The webhook, if the caller may see it (a key: only its own). Raises WebhookNotFound."""
    webhook = subscriptions.webhook_get(webhook_id=webhook_id)
    key = _key_name(request)
    if key and webhook.createdBy != key:
        raise subscriptions.WebhookNotFound()
    return webhook


def _parsed(serializer_class, request) -> dict:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


class WebhookListView(APIView):
    permission_classes = [WEBHOOK_PERMS]

    @extend_schema(responses=WebhookListOutput, operation_id="webhooks_list")
    def get(self, request):
        webhooks = subscriptions.webhooks_list()
        if key := _key_name(request):
            webhooks = [w for w in webhooks if w.createdBy == key]
        return Response(
            {
                "webhooks": WebhookOutput(webhooks, many=True).data,
                "count": len(webhooks),
                "eventTypes": types.type_names(),
            }
        )

    @extend_schema(
        request=WebhookInput, responses={201: WebhookSecretOutput}, operation_id="webhooks_create"
    )
    def post(self, request):
        """Subscribe a URL to event types; the answer's `secret` is shown this once."""
        v = _parsed(WebhookInput, request)
        _key_types_check(request, v["events"])
        webhook, secret = subscriptions.webhook_create(
            url=v["url"],
            events=v["events"],
            description=v.get("description", ""),
            **actor_from(request).as_kwargs(),
        )
        response = Response(
            {**WebhookOutput(webhook).data, "secret": secret}, status=status.HTTP_201_CREATED
        )
        response["Location"] = request.build_absolute_uri(f"/api/webhooks/{webhook.webhookId}")
        response["Cache-Control"] = SECRET_CACHE_CONTROL
        return response


class WebhookDetailView(APIView):
    permission_classes = [WEBHOOK_PERMS]

    @extend_schema(responses=WebhookOutput, operation_id="webhooks_get")
    def get(self, request, webhook_id: str):
        return Response(WebhookOutput(_own(request, webhook_id)).data)

    @extend_schema(
        request=WebhookPatchInput,
        responses={200: WebhookChangedOutput},
        operation_id="webhooks_update",
    )
    def patch(self, request, webhook_id: str):
        """Change it; `rotateSecret: true` answers the new `secret` once."""
        v = _parsed(WebhookPatchInput, request)
        _own(request, webhook_id)
        _key_types_check(request, v.get("events"))
        rotate = v.pop("rotateSecret", False)
        webhook, secret = subscriptions.webhook_update(
            webhook_id=webhook_id,
            changes=v,
            rotate_secret=rotate,
            **actor_from(request).as_kwargs(),
        )
        body = dict(WebhookOutput(webhook).data)
        if not secret:
            return Response(body)
        response = Response({**body, "secret": secret})
        response["Cache-Control"] = SECRET_CACHE_CONTROL
        return response

    @extend_schema(responses={204: None}, operation_id="webhooks_delete")
    def delete(self, request, webhook_id: str):
        _own(request, webhook_id)
        subscriptions.webhook_delete(webhook_id=webhook_id, **actor_from(request).as_kwargs())
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookDeliveriesView(APIView):
    permission_classes = [WEBHOOK_PERMS]

    @extend_schema(
        parameters=[DeliveryListQuery],
        responses=DeliveryListOutput,
        operation_id="webhooks_deliveries",
    )
    def get(self, request, webhook_id: str):
        """The delivery log, newest first (kept 30 days)."""
        query = parse_query(DeliveryListQuery, request)
        _own(request, webhook_id)
        try:
            deliveries, token = sending.deliveries_list(
                webhook_id=webhook_id, limit=query["limit"], cursor=query.get("nextToken")
            )
        except InvalidCursor as exc:
            raise invalid_cursor(exc) from exc
        body = {"deliveries": DeliveryOutput(deliveries, many=True).data, "count": len(deliveries)}
        if token:
            body["nextToken"] = token
        return Response(body)


class WebhookDeliveryReplayView(APIView):
    permission_classes = [WEBHOOK_PERMS]

    @extend_schema(request=None, responses=DeliveryOutput, operation_id="webhooks_replay")
    def post(self, request, webhook_id: str, delivery_id: str):
        """Send the delivery again now (the same event id and body) and answer how it went."""
        _own(request, webhook_id)
        delivery = sending.delivery_replay(
            webhook_id=webhook_id, delivery_id=delivery_id, now=actor_from(request).now
        )
        return Response(DeliveryOutput(delivery).data)
