"""Room type endpoints: public reads, managers' writes. Views parse, call a service, render."""

from __future__ import annotations

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from hotel.actor import actor_from
from hotel.api.permissions import staff_perm
from hotel.api.schema_hints import extend_schema
from hotel.errors import ValidationFailed
from rooms import room_type_services as services
from rooms.room_types import room_type_get, room_types_all

from .room_type_serializers import (
    RoomTypeInput,
    RoomTypeListOutput,
    RoomTypeOutput,
    room_type_output_class,
)


def _if_match(request) -> int | None:
    """The revision a client saw, from `If-Match: "3"` (optional)."""
    raw = request.headers.get("If-Match", "").strip().removeprefix("W/").strip('"')
    if not raw or raw == "*":
        return None
    if not raw.isdigit() or len(raw) > 15:
        raise ValidationFailed(
            "If-Match must be the room type's revision number.",
            details={"fields": {"If-Match": ['Expected a revision number such as "3".']}},
        )
    return int(raw)


def _response(request, room_type, status_code=status.HTTP_200_OK) -> Response:
    output = room_type_output_class(request)
    response = Response(output(room_type, context={"request": request}).data, status=status_code)
    if output is RoomTypeOutput:
        response["ETag"] = f'"{room_type.revision}"'
    return response


class RoomTypeListView(APIView):
    permission_classes = [staff_perm(read=None, write="rooms.add_roomtype")]

    @extend_schema(responses=RoomTypeListOutput, operation_id="room_types_list")
    def get(self, request):
        types = room_types_all(cached=True)
        output = room_type_output_class(request)
        return Response(
            {
                "roomTypes": output(types, many=True, context={"request": request}).data,
                "count": len(types),
            }
        )

    @extend_schema(
        request=RoomTypeInput, responses={201: RoomTypeOutput}, operation_id="room_types_create"
    )
    def post(self, request):
        serializer = RoomTypeInput(data=request.data, context={"creating": True})
        serializer.is_valid(raise_exception=True)
        room_type = services.room_type_create(
            data=serializer.validated_data, **actor_from(request).as_kwargs()
        )
        response = _response(request, room_type, status.HTTP_201_CREATED)
        response["Location"] = request.build_absolute_uri(f"/api/room-types/{room_type.roomType}")
        return response


class RoomTypeDetailView(APIView):
    permission_classes = [staff_perm(read=None, write="rooms.change_roomtype")]

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [staff_perm(read=None, write="rooms.delete_roomtype")()]
        return super().get_permissions()

    @extend_schema(responses=RoomTypeOutput, operation_id="room_types_retrieve")
    def get(self, request, room_type: str):
        return _response(request, room_type_get(code=room_type))

    def _update(self, request, room_type: str, *, partial: bool):
        payload = request.data
        if not partial and isinstance(payload, dict):
            payload = {"roomType": room_type, **payload}  # PUT may omit the code it addresses
        serializer = RoomTypeInput(data=payload, partial=partial)
        serializer.is_valid(raise_exception=True)
        updated = services.room_type_update(
            code=room_type,
            data=dict(serializer.validated_data),
            expected_revision=_if_match(request),
            **actor_from(request).as_kwargs(),
        )
        return _response(request, updated)

    @extend_schema(
        request=RoomTypeInput, responses=RoomTypeOutput, operation_id="room_types_replace"
    )
    def put(self, request, room_type: str):
        return self._update(request, room_type, partial=False)

    @extend_schema(
        request=RoomTypeInput, responses=RoomTypeOutput, operation_id="room_types_update"
    )
    def patch(self, request, room_type: str):
        return self._update(request, room_type, partial=True)

    @extend_schema(responses={204: None}, operation_id="room_types_delete")
    def delete(self, request, room_type: str):
        services.room_type_delete(
            code=room_type, expected_revision=_if_match(request), **actor_from(request).as_kwargs()
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
