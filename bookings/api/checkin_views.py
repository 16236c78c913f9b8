"""Online check-in over the API: the guest (booking token) submits the registration; staff
who read bookings (or the guest) read it back, the ID number masked. Views parse, call the
service, render; the rules are bookings.checkin's."""

from __future__ import annotations

from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings.checkin.rules import mask_id_number, registration_clean
from bookings.checkin.services import registration_get, registration_submit
from hotel.actor import actor_from
from hotel.api.schema_hints import extend_schema
from hotel.api.serializers import StrictInputSerializer
from hotel.errors import NotFound

from .access import TOKEN_PARAMS, booking_for_request

VIEW_PERMS = ("bookings.view_booking",)


def _text(max_length: int):
    return serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=max_length,
        trim_whitespace=True,
    )


class OnlineCheckInInput(StrictInputSerializer):
    """Types and lengths here; which fields are needed and their rules are the service's
    (registration_clean), run in the same round so one answer names every problem."""

    arrivalTime = _text(10)
    addressLine = _text(300)
    city = _text(200)
    postalCode = _text(40)
    country = _text(10)
    nationality = _text(10)
    idType = _text(40)
    idNumber = _text(60)
    signatureKind = _text(10)
    signature = _text(70_000)
    typedName = _text(200)
    confirm = serializers.BooleanField(required=False)

    def rule_errors(self, values: dict, errors: dict) -> dict[str, list[str]]:
        return registration_clean(values)[1]


class OnlineCheckInOutput(serializers.Serializer):
    bookingId = serializers.CharField()
    submittedAt = serializers.DateTimeField()
    arrivalTime = serializers.CharField()
    addressLine = serializers.CharField()
    city = serializers.CharField()
    postalCode = serializers.CharField()
    country = serializers.CharField()
    nationality = serializers.CharField()
    idType = serializers.CharField(allow_null=True)
    idNumberMasked = serializers.SerializerMethodField()
    idErasedAt = serializers.DateTimeField(allow_null=True)
    signatureKind = serializers.CharField(allow_null=True)
    signed = serializers.SerializerMethodField()

    def get_idNumberMasked(self, registration) -> str | None:
        return mask_id_number(registration.idNumber) or None

    def get_signed(self, registration) -> bool:
        return bool(registration.signature or registration.typedName)


class OnlineCheckInView(APIView):
    permission_classes = [AllowAny]  # the guest's token or staff: booking_for_request

    @extend_schema(
        request=OnlineCheckInInput,
        responses={201: OnlineCheckInOutput},
        parameters=TOKEN_PARAMS,
        operation_id="bookings_online_check_in",
    )
    def post(self, request, booking_id: str):
        booking, _is_staff = booking_for_request(request, booking_id, perms=())
        serializer = OnlineCheckInInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        registration = registration_submit(
            booking_id=booking.bookingId,
            data=dict(serializer.validated_data),
            **actor_from(request, guest=True).as_kwargs(),
        )
        return Response(OnlineCheckInOutput(registration).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses=OnlineCheckInOutput,
        parameters=TOKEN_PARAMS,
        operation_id="bookings_online_check_in_retrieve",
    )
    def get(self, request, booking_id: str):
        booking, _is_staff = booking_for_request(request, booking_id, perms=VIEW_PERMS)
        registration = registration_get(booking_id=booking.bookingId)
        if registration is None:
            raise NotFound(f"Booking {booking.bookingId} has not checked in online.")
        return Response(OnlineCheckInOutput(registration).data)
