"""A room out of order on given nights: POST adds a period, DELETE removes one. The nights'
counters and the room-night markers move with it (bookings.out_of_order)."""

from __future__ import annotations

from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings import out_of_order
from hotel.actor import actor_from
from hotel.api.permissions import staff_perm
from hotel.api.schema_hints import extend_schema
from hotel.api.serializers import DayField, StrictInputSerializer

# Who sets a room's state (front desk, housekeeping, managers) books its repairs too.
ROOM_STATE_PERM = "rooms.change_room_status"


class OutOfOrderInput(StrictInputSerializer):
    vars()["from"] = DayField()  # a Python keyword, so declared by name
    to = DayField()
    reason = serializers.CharField(max_length=200)


class OutOfOrderOutput(serializers.Serializer):
    id = serializers.CharField()
    vars()["from"] = serializers.CharField()
    to = serializers.CharField()
    reason = serializers.CharField()
    by = serializers.CharField()
    at = serializers.CharField()


class RoomOutOfOrderView(APIView):
    permission_classes = [staff_perm(read=ROOM_STATE_PERM, write=ROOM_STATE_PERM)]

    @extend_schema(
        request=OutOfOrderInput,
        responses={201: OutOfOrderOutput},
        operation_id="rooms_out_of_order_create",
    )
    def post(self, request, room_id: str):
        data = OutOfOrderInput(data=request.data)
        data.is_valid(raise_exception=True)
        params = data.validated_data
        period = out_of_order.room_out_of_order_add(
            room_id=room_id,
            start=params["from"],
            end=params["to"],
            reason=params["reason"],
            **actor_from(request).as_kwargs(),
        )
        return Response(OutOfOrderOutput(period).data, status=status.HTTP_201_CREATED)


class RoomOutOfOrderDetailView(APIView):
    permission_classes = [staff_perm(read=ROOM_STATE_PERM, write=ROOM_STATE_PERM)]

    @extend_schema(request=None, responses={204: None}, operation_id="rooms_out_of_order_delete")
    def delete(self, request, room_id: str, period_id: str):
        out_of_order.room_out_of_order_remove(
            room_id=room_id, period_id=period_id[:40], **actor_from(request).as_kwargs()
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
