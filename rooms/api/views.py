"""Room endpoints: public reads, staff-only writes. Views parse, call a service, render."""

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
from rooms import selectors, services

from .serializers import (
    RoomInput,
    RoomListOutput,
    RoomListQuery,
    RoomOutput,
    room_output_class,
    sees_room_state,
)


def _if_match(request) -> int | None:
    """The version a client saw, from `If-Match: "3"` (optional)."""
    raw = request.headers.get("If-Match", "").strip().strip('"').removeprefix('W/"')
    if not raw or raw == "*":
        return None
    if not raw.isdigit():
        raise ValidationFailed(
            "If-Match must be the room's version number.",
            details={"fields": {"If-Match": ['Expected a version number such as "3".']}},
        )
    return int(raw)


def _room_response(request, room, status_code=status.HTTP_200_OK) -> Response:
    """Staff get the room's state and its version as ETag; others the public shape only
    (a version that moves at every check-in and check-out would tell occupancy too)."""
    output = room_output_class(request)
    response = Response(output(room, context={"request": request}).data, status=status_code)
    if output is RoomOutput:
        response["ETag"] = f'"{room.version}"'
    return response


class RoomListView(APIView):
    permission_classes = [staff_perm(read=None, write="rooms.add_room")]

    @extend_schema(parameters=[RoomListQuery], responses=RoomListOutput, operation_id="rooms_list")
    def get(self, request):
        query = parse_query(RoomListQuery, request)
        if query.get("status") and not sees_room_state(request):
            raise ValidationFailed(
                "Filtering by status is for staff.",
                details={"fields": {"status": ["Only staff can filter rooms by status."]}},
            )
        try:
            rooms, next_token = selectors.rooms_list(
                room_type=query.get("roomType"),
                floor_number=query.get("floorNumber"),
                status=query.get("status"),
                limit=query["limit"],
                cursor=query.get("nextToken"),
            )
        except InvalidCursor as exc:
            raise invalid_cursor(exc) from exc
        body = {
            "rooms": room_output_class(request)(
                rooms, many=True, context={"request": request}
            ).data,
            "count": len(rooms),
        }
        if next_token:
            body["nextToken"] = next_token
        return Response(body)

    @extend_schema(request=RoomInput, responses={201: RoomOutput}, operation_id="rooms_create")
    def post(self, request):
        serializer = RoomInput(data=request.data, context={"creating": True})
        serializer.is_valid(raise_exception=True)
        room = services.room_create(
            data=serializer.validated_data,
            **actor_from(request).as_kwargs(),
        )
        response = _room_response(request, room, status.HTTP_201_CREATED)
        response["Location"] = request.build_absolute_uri(f"/api/rooms/{room.roomId}")
        return response


class RoomDetailView(APIView):
    permission_classes = [staff_perm(read=None, write="rooms.change_room")]

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [staff_perm(read=None, write="rooms.delete_room")()]
        return super().get_permissions()

    @extend_schema(responses=RoomOutput, operation_id="rooms_retrieve")
    def get(self, request, room_id: str):
        return _room_response(request, selectors.room_get(room_id=room_id))

    def _update(self, request, room_id: str, *, partial: bool):
        payload = request.data
        if not partial and isinstance(payload, dict):
            payload = {"roomId": room_id, **payload}  # PUT may omit the id it addresses
        serializer = RoomInput(data=payload, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        room = services.room_update(
            room_id=room_id,
            data=data,
            expected_version=_if_match(request),
            **actor_from(request).as_kwargs(),
        )
        return _room_response(request, room)

    @extend_schema(request=RoomInput, responses=RoomOutput, operation_id="rooms_replace")
    def put(self, request, room_id: str):
        return self._update(request, room_id, partial=False)

    @extend_schema(request=RoomInput, responses=RoomOutput, operation_id="rooms_update")
    def patch(self, request, room_id: str):
        return self._update(request, room_id, partial=True)

    @extend_schema(responses={204: None}, operation_id="rooms_delete")
    def delete(self, request, room_id: str):
        services.room_delete(
            room_id=room_id,
            expected_version=_if_match(request),
            **actor_from(request).as_kwargs(),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
