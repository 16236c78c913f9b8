"""Rooms for bookings: the front desk assigns a date range, or one booking's room by hand.
Views parse, call bookings.services (assign), render."""

from __future__ import annotations

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings import services
from hotel.actor import actor_from
from hotel.api.permissions import staff_perm
from hotel.api.schema_hints import extend_schema

from .serializers import BookingOutput, BookingRoomInput, RoomAssignmentInput, RoomAssignmentOutput

ASSIGN_PERM = "bookings.change_booking"  # front desk and managers


class RoomAssignmentsView(APIView):
    permission_classes = [staff_perm(read=ASSIGN_PERM, write=ASSIGN_PERM)]

    @extend_schema(
        request=RoomAssignmentInput,
        responses=RoomAssignmentOutput,
        operation_id="room_assignments_create",
    )
    def post(self, request):
        data = RoomAssignmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        params = data.validated_data
        actor = actor_from(request)
        result = services.rooms_assign(
            start=params["from"],
            end=params["to"].fromordinal(params["to"].toordinal() + 1),
            **actor.as_kwargs(),
        )
        return Response(RoomAssignmentOutput(result.as_dict()).data)


class BookingRoomView(APIView):
    permission_classes = [staff_perm(read=ASSIGN_PERM, write=ASSIGN_PERM)]

    @extend_schema(
        request=BookingRoomInput, responses=BookingOutput, operation_id="bookings_room_set"
    )
    def put(self, request, booking_id: str):
        data = BookingRoomInput(data=request.data)
        data.is_valid(raise_exception=True)
        params = data.validated_data
        booking = services.booking_room_set(
            booking_id=booking_id,
            room_id=params["roomId"],
            pinned=params["pinned"],
            keep_rate=params["keepRate"],
            **actor_from(request).as_kwargs(),
        )
        return Response(BookingOutput(booking).data)

    @extend_schema(request=None, responses={200: BookingOutput}, operation_id="bookings_room_unset")
    def delete(self, request, booking_id: str):
        booking = services.booking_room_set(
            booking_id=booking_id, room_id=None, pinned=False, **actor_from(request).as_kwargs()
        )
        return Response(BookingOutput(booking).data, status=status.HTTP_200_OK)
