"""Guest profiles for staff: search, read, edit, merge; and a booking's guest details.
Views parse, call one bookings.guests service or selector, render."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings.guests.booking_edit import booking_guest_edit
from bookings.guests.merge import profile_merge
from bookings.guests.selectors import guest_search, profile_get
from bookings.guests.services import profile_update
from hotel.actor import actor_from
from hotel.api.permissions import staff_perm
from hotel.api.schema_hints import extend_schema
from hotel.errors import ValidationFailed

from .guest_serializers import (
    BookingGuestInput,
    MergeInput,
    ProfileOutput,
    ProfilePatchInput,
    SearchBookingOutput,
    SearchOutput,
    SearchProfileOutput,
)
from .serializers import BookingOutput

VIEW, CHANGE = "bookings.view_booking", "bookings.change_booking"


class GuestListView(APIView):
    permission_classes = [staff_perm(read=VIEW, write=CHANGE)]

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="Reference, email, phone or name")],
        responses=SearchOutput,
        operation_id="guests_search",
    )
    def get(self, request):
        q = request.query_params.get("q", "")
        if not q.strip() or len(q) > 200:
            raise ValidationFailed(
                details={"fields": {"q": ["Enter a reference, email, phone or name."]}}
            )
        result = guest_search(q)
        return Response(
            {
                "kind": result.kind,
                "profiles": SearchProfileOutput(
                    result.profiles, many=True, context={"bookings": result.bookings}
                ).data,
                "bookings": SearchBookingOutput(result.loose_bookings, many=True).data,
            }
        )


class GuestDetailView(APIView):
    permission_classes = [staff_perm(read=VIEW, write=CHANGE)]

    @extend_schema(responses=ProfileOutput, operation_id="guests_retrieve")
    def get(self, request, profile_id: str):
        return Response(ProfileOutput(profile_get(profile_id=profile_id)).data)

    @extend_schema(request=ProfilePatchInput, responses=ProfileOutput, operation_id="guests_update")
    def patch(self, request, profile_id: str):
        data = ProfilePatchInput(data=request.data)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        revision = changes.pop("revision", None)
        if "address" in changes and changes["address"] is not None:
            changes["address"] = dict(changes["address"])
        profile = profile_update(
            profile_id=profile_id,
            changes=changes,
            expected_revision=revision,
            **actor_from(request).as_kwargs(),
        )
        return Response(ProfileOutput(profile).data)


class GuestMergeView(APIView):
    permission_classes = [staff_perm(read=CHANGE, write=CHANGE)]

    @extend_schema(request=MergeInput, responses=ProfileOutput, operation_id="guests_merge")
    def post(self, request, profile_id: str):
        data = MergeInput(data=request.data)
        data.is_valid(raise_exception=True)
        profile = profile_merge(
            profile_id=profile_id,
            into=data.validated_data["into"],
            **actor_from(request).as_kwargs(),
        )
        return Response(ProfileOutput(profile).data)


class BookingGuestView(APIView):
    permission_classes = [staff_perm(read=CHANGE, write=CHANGE)]

    @extend_schema(
        request=BookingGuestInput, responses=BookingOutput, operation_id="bookings_guest_update"
    )
    def patch(self, request, booking_id: str):
        data = BookingGuestInput(data=request.data)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        version = changes.pop("version", None)
        booking = booking_guest_edit(
            booking_id=booking_id,
            changes=changes,
            expected_version=version,
            **actor_from(request).as_kwargs(),
        )
        return Response(BookingOutput(booking).data)
