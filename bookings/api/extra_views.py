"""Extras endpoints: the catalog (managers change it, staff read it, anyone lists what is
bookable online) and adding an extra to a booking (its guest before arrival, staff any
time the stay is live). Views parse, call a service, render."""

from __future__ import annotations

from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings.extras import catalog
from bookings.extras.booking import booking_extras_add
from hotel.actor import actor_from
from hotel.api.permissions import role_perm
from hotel.api.schema_hints import extend_schema

from .access import TOKEN_PARAMS, booking_for_request
from .extra_serializers import (
    BookingExtraAddInput,
    BookingExtraOutput,
    ExtraInput,
    ExtraListOutput,
    ExtraOutput,
    PublicExtraOutput,
)
from .rate_plan_views import MANAGERS, _render, if_match
from .serializers import BookingOutput

CHANGE_PERMS = ("bookings.change_booking",)


class BookingExtraAddedOutput(serializers.Serializer):
    extra = BookingExtraOutput()
    booking = BookingOutput()


def _manager(action: str):
    """Managers change the catalog; any signed-in staff member reads it."""
    return role_perm(write=f"bookings.{action}_extra", roles=MANAGERS, staff_read=True)


def _is_staff(request) -> bool:
    user = request.user
    return bool(user and user.is_authenticated)


class ExtraListView(APIView):
    def get_permissions(self):
        if self.request.method == "GET":
            return [AllowAny()]  # guests see what they can book online
        return [_manager("add")()]

    @extend_schema(responses=ExtraListOutput, operation_id="extras_list")
    def get(self, request):
        extras = catalog.extras_all()
        if not _is_staff(request):
            online = [e for e in extras if e.active and e.bookableOnline]
            return Response(
                {"extras": PublicExtraOutput(online, many=True).data, "count": len(online)}
            )
        return Response({"extras": ExtraOutput(extras, many=True).data, "count": len(extras)})

    @extend_schema(request=ExtraInput, responses={201: ExtraOutput}, operation_id="extras_create")
    def post(self, request):
        serializer = ExtraInput(data=request.data, context={"creating": True})
        serializer.is_valid(raise_exception=True)
        extra = catalog.extra_create(
            data=serializer.validated_data, **actor_from(request).as_kwargs()
        )
        response = _render(ExtraOutput, extra, extra.revision, status.HTTP_201_CREATED)
        response["Location"] = request.build_absolute_uri(f"/api/extras/{extra.code}")
        return response


class ExtraDetailView(APIView):
    permission_classes = [_manager("change")]

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [_manager("delete")()]
        return super().get_permissions()

    @extend_schema(responses=ExtraOutput, operation_id="extras_retrieve")
    def get(self, request, code: str):
        extra = catalog.extra_get(code)
        return _render(ExtraOutput, extra, extra.revision or 0)

    def _update(self, request, code: str, *, replace: bool):
        current = catalog.extra_get(code)
        payload = request.data
        if replace and isinstance(payload, dict):
            payload = {"code": current.code, **payload}
        serializer = ExtraInput(
            data=payload, partial=not replace, context={"current": current, "replace": replace}
        )
        serializer.is_valid(raise_exception=True)
        extra = catalog.extra_update(
            code=current.code,
            data=dict(serializer.validated_data),
            replace=replace,
            expected_revision=if_match(request),
            **actor_from(request).as_kwargs(),
        )
        return _render(ExtraOutput, extra, extra.revision or 0)

    @extend_schema(request=ExtraInput, responses=ExtraOutput, operation_id="extras_replace")
    def put(self, request, code: str):
        return self._update(request, code, replace=True)

    @extend_schema(request=ExtraInput, responses=ExtraOutput, operation_id="extras_update")
    def patch(self, request, code: str):
        return self._update(request, code, replace=False)

    @extend_schema(responses={204: None}, operation_id="extras_delete")
    def delete(self, request, code: str):
        catalog.extra_delete(
            code=code, expected_revision=if_match(request), **actor_from(request).as_kwargs()
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class BookingExtrasView(APIView):
    permission_classes = [AllowAny]  # the guest's token or staff: booking_for_request

    @extend_schema(
        request=BookingExtraAddInput,
        responses={201: BookingExtraAddedOutput},
        parameters=TOKEN_PARAMS,
        operation_id="bookings_extras_add",
    )
    def post(self, request, booking_id: str):
        booking, is_staff = booking_for_request(request, booking_id, perms=CHANGE_PERMS)
        serializer = BookingExtraAddInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        booking, item = booking_extras_add(
            booking_id=booking.bookingId,
            code=serializer.validated_data["code"],
            quantity=serializer.validated_data.get("quantity"),
            staff=is_staff,
            **actor_from(request).as_kwargs(),
        )
        body = {"extra": BookingExtraOutput(item).data, "booking": BookingOutput(booking).data}
        return Response(body, status=status.HTTP_201_CREATED)
