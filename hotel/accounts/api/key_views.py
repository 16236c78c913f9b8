"""Integrators' API keys (managers only): GET/POST /api/api-keys, GET/DELETE
/api/api-keys/{keyId}. The key itself is in the creation's answer and nowhere else."""

from __future__ import annotations

from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from hotel.accounts.services import api_key_create, api_key_get, api_key_revoke, api_keys_list
from hotel.actor import actor_from
from hotel.api.permissions import staff_perm
from hotel.api.schema_hints import extend_schema
from hotel.api.scopes import SCOPES
from hotel.api.serializers import StrictInputSerializer

# Only managers hold these (their grant is "*"; no other role names accounts.*).
API_KEY_PERMS = staff_perm(read="accounts.view_apikey", write="accounts.change_apikey")


class ApiKeyInput(StrictInputSerializer):
    name = serializers.CharField(max_length=100, help_text="Who uses the key, for people.")
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=list(SCOPES)),
        min_length=1,
        max_length=len(SCOPES),
        help_text="What the key may call; each endpoint's scope is its `x-scopes`.",
    )


class ApiKeyOutput(serializers.Serializer):
    keyId = serializers.CharField()
    name = serializers.CharField()
    scopes = serializers.ListField(child=serializers.CharField())
    createdAt = serializers.DateTimeField()
    createdBy = serializers.CharField()
    lastUsedAt = serializers.DateTimeField(allow_null=True)
    revokedAt = serializers.DateTimeField(allow_null=True)


class ApiKeyCreatedOutput(ApiKeyOutput):
    key = serializers.CharField(
        help_text="Send as `Authorization: Bearer <key>`. Shown this once: store it now."
    )


class ApiKeyListOutput(serializers.Serializer):
    apiKeys = ApiKeyOutput(many=True)
    count = serializers.IntegerField()


class ApiKeyListView(APIView):
    permission_classes = [API_KEY_PERMS]

    @extend_schema(responses=ApiKeyListOutput, operation_id="api_keys_list")
    def get(self, request):
        keys = api_keys_list()
        return Response({"apiKeys": ApiKeyOutput(keys, many=True).data, "count": len(keys)})

    @extend_schema(
        request=ApiKeyInput, responses={201: ApiKeyCreatedOutput}, operation_id="api_keys_create"
    )
    def post(self, request):
        data = ApiKeyInput(data=request.data)
        data.is_valid(raise_exception=True)
        issued = api_key_create(
            name=data.validated_data["name"],
            scopes=data.validated_data["scopes"],
            **actor_from(request).as_kwargs(),
        )
        body = {**ApiKeyOutput(issued.item).data, "key": issued.key}
        response = Response(body, status=status.HTTP_201_CREATED)
        response["Location"] = request.build_absolute_uri(f"/api/api-keys/{issued.item.keyId}")
        response["Cache-Control"] = "no-store"  # the only copy of the key
        return response


class ApiKeyDetailView(APIView):
    permission_classes = [API_KEY_PERMS]

    @extend_schema(responses=ApiKeyOutput, operation_id="api_keys_get")
    def get(self, request, key_id: str):
        return Response(ApiKeyOutput(api_key_get(key_id=key_id)).data)

    @extend_schema(request=None, responses={204: None}, operation_id="api_keys_revoke")
    def delete(self, request, key_id: str):
        api_key_revoke(key_id=key_id, **actor_from(request).as_kwargs())
        return Response(status=status.HTTP_204_NO_CONTENT)
