"""A guest's right to their data over HTTP (payments.privacy): export (the front desk and
managers) and erase (managers only, with a reason).

`GET /api/guests/{profileId}/export` → the JSON document; `POST /api/guests/{profileId}/erase`
`{"reason"}` → what was erased (a repeated call answers the same, writing nothing), or 409
GUEST_IN_HOUSE / GUEST_STAY_UPCOMING / GUEST_BALANCE_OPEN.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from hotel.actor import actor_from
from hotel.api.permissions import role_perm, staff_perm
from hotel.api.schema_hints import extend_schema
from hotel.api.serializers import StrictInputSerializer
from payments.privacy.access import ERASE_PERM, ERASE_ROLES, EXPORT_PERM
from payments.privacy.erase import guest_erase
from payments.privacy.export import guest_export

ERASE = role_perm(write=ERASE_PERM, roles=ERASE_ROLES, staff_read=False)


class EraseInput(StrictInputSerializer):
    reason = serializers.CharField(max_length=500, trim_whitespace=True)


class EraseOutput(serializers.Serializer):
    profileId = serializers.CharField()
    erasedAt = serializers.CharField()
    alreadyErased = serializers.BooleanField()
    bookings = serializers.ListField(child=serializers.CharField())
    reservations = serializers.ListField(child=serializers.CharField())
    invoicesKept = serializers.ListField(child=serializers.CharField())
    auditEntries = serializers.IntegerField(required=False)
    folioLines = serializers.IntegerField(required=False)
    emails = serializers.IntegerField(required=False)
    guestKeys = serializers.IntegerField(required=False)
    checkIn = serializers.IntegerField(required=False)
    webhookDeliveries = serializers.IntegerField(required=False)
    channelEvents = serializers.IntegerField(required=False)


class GuestExportView(APIView):
    permission_classes = [staff_perm(read=EXPORT_PERM)]

    @extend_schema(responses=OpenApiTypes.OBJECT, operation_id="guests_export")
    def get(self, request, profile_id: str):
        return Response(guest_export(profile_id=profile_id, now=actor_from(request).now))


class GuestEraseView(APIView):
    permission_classes = [ERASE]

    @extend_schema(request=EraseInput, responses=EraseOutput, operation_id="guests_erase")
    def post(self, request, profile_id: str):
        data = EraseInput(data=request.data)
        data.is_valid(raise_exception=True)
        actor = actor_from(request)
        result = guest_erase(
            profile_id=profile_id, reason=data.validated_data["reason"], **actor.as_kwargs()
        )
        return Response(EraseOutput(result).data)
