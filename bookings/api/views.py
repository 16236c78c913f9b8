"""Availability and booking endpoints. Views parse, call a service or selector, render."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings import selectors, services
from bookings.exceptions import BookingNotFound
from bookings.models import CANCEL_PERMS, CANCELLED, CHECKED_IN, CHECKED_OUT
from hotel.api.permissions import staff_perm
from hotel.api.serializers import invalid_cursor, parse_query
from hotel.client_address import client_address
from hotel.dynamo import InvalidCursor
from hotel.errors import ValidationFailed
from hotel.idempotency import idempotent, request_caller
from payments.cancel import booking_cancel_with_refund, may_override_refund
from payments.services import booking_change_by_guest
from rooms.api.serializers import room_output_class

from .access import booking_for_request, request_actor
from .serializers import (
    AvailabilityInput,
    AvailabilityOutput,
    BookingCancelledOutput,
    BookingCreatedOutput,
    BookingDetailOutput,
    BookingInput,
    BookingListOutput,
    BookingListQuery,
    BookingOutput,
    BookingStatusOutput,
    ChangeInput,
    StatusInput,
)


def _with_payment(booking, *, payments=None) -> dict:
    """The booking's representation with its payment summary (one Query of its payments)."""
    from payments.selectors import booking_payment_summary, payment_summary

    if payments is not None:
        summary = payment_summary(payments, currency=booking.currency)
    else:
        summary = booking_payment_summary(booking=booking)
    return {**BookingOutput(booking).data, "payment": summary}


TOKEN_PARAMS = [
    OpenApiParameter("X-Booking-Token", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False),
    OpenApiParameter("token", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False),
]


class AvailabilityView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        request=AvailabilityInput, responses=AvailabilityOutput, operation_id="rooms_availability"
    )
    def post(self, request):
        data = AvailabilityInput(data=request.data)
        data.is_valid(raise_exception=True)
        params = data.validated_data
        now = timezone.now()
        services.stay_validate(
            check_in=params["checkIn"],
            check_out=params["checkOut"],
            today=services.hotel_today(now),
        )
        search = selectors.rooms_search(
            check_in=params["checkIn"],
            check_out=params["checkOut"],
            room_type=params.get("roomType"),
            guest_count=params.get("guestCount"),
            now=now,
        )
        rooms = []
        output = room_output_class(request)
        for room, quote in search.rooms:
            body = output(room, context={"request": request}).data
            body.update(
                totalPrice=quote.total,
                subtotal=quote.subtotal,
                tax=quote.tax,
                nightly=quote.nightly_dicts(),
            )
            rooms.append(body)
        return Response(
            {
                "checkIn": params["checkIn"].isoformat(),
                "checkOut": params["checkOut"].isoformat(),
                "nights": (params["checkOut"] - params["checkIn"]).days,
                "rooms": rooms,
                "count": len(rooms),
                # Why free rooms were left out: min/max-stay rules these dates do not meet.
                "restrictions": search.restrictions,
            }
        )


class BookingListView(APIView):
    def get_permissions(self):
        if self.request.method == "POST":
            return [AllowAny()]  # guests book without an account
        return [staff_perm(read="bookings.view_booking")()]

    @extend_schema(
        parameters=[BookingListQuery], responses=BookingListOutput, operation_id="bookings_list"
    )
    def get(self, request):
        query = parse_query(BookingListQuery, request)
        low = query.get("checkInFrom") or query.get("checkIn")
        high = query.get("checkInTo") or query.get("checkIn")
        try:
            bookings, token = selectors.bookings_list(
                status=query.get("status"),
                check_in_from=low,
                check_in_to=high,
                guest_email=query.get("guestEmail"),
                limit=query["limit"],
                cursor=query.get("nextToken"),
            )
        except InvalidCursor as exc:
            raise invalid_cursor(exc) from exc
        body = {"bookings": BookingOutput(bookings, many=True).data, "count": len(bookings)}
        if token:
            body["nextToken"] = token
        return Response(body)

    @extend_schema(
        request=BookingInput,
        responses={201: BookingCreatedOutput},
        parameters=[OpenApiParameter("Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER)],
        operation_id="bookings_create",
    )
    def post(self, request):
        data = BookingInput(data=request.data)
        data.is_valid(raise_exception=True)
        params = data.validated_data
        user = request.user
        is_staff = bool(user and user.is_authenticated and user.has_perm("bookings.add_booking"))
        source = params.get("source") if is_staff and params.get("source") else "api"
        now = timezone.now()

        def create() -> tuple[int, dict]:
            created = services.booking_create(
                room_id=params["roomId"],
                check_in=params["checkIn"],
                check_out=params["checkOut"],
                guests=params["guests"],
                guest_name=params["guestName"],
                guest_email=params.get("guestEmail"),
                guest_phone=params.get("guestPhone"),
                notes=params.get("notes", ""),
                source=source,
                actor=request_actor(request),
                now=now,
                request_id=request.request_id,
                # Anyone but staff makes a guest's online hold: short, capped per client.
                guest_client=None if is_staff else client_address(request),
            )
            body = _with_payment(created.booking, payments=[])  # a new booking has none
            body["guestToken"] = created.guest_token
            return status.HTTP_201_CREATED, body

        key = request.headers.get("Idempotency-Key")
        if key:
            code, body = idempotent(
                scope="bookings.create",
                key=key,
                payload=request.data,
                now=now,
                call=create,
                caller=request_caller(request),
                secret_fields=("guestToken",),  # handed out once; a replay comes without it
            )
        else:
            code, body = create()
        response = Response(body, status=code)
        response["Location"] = request.build_absolute_uri(f"/api/bookings/{body['bookingId']}")
        return response


class BookingDetailView(APIView):
    permission_classes = [AllowAny]  # staff perm or guest token, checked per booking

    @extend_schema(
        parameters=TOKEN_PARAMS, responses=BookingDetailOutput, operation_id="bookings_retrieve"
    )
    def get(self, request, booking_id: str):
        booking, _ = booking_for_request(request, booking_id, perms=("bookings.view_booking",))
        return Response(_with_payment(booking))


class BookingStatusView(APIView):
    # Cancelling also for accountants (CANCEL_PERMS); every other status needs change_booking.
    permission_classes = [staff_perm(read=None, write=CANCEL_PERMS)]

    @extend_schema(
        request=StatusInput, responses=BookingStatusOutput, operation_id="bookings_set_status"
    )
    def put(self, request, booking_id: str):
        """Move a booking along its lifecycle; a cancel refunds by the cancellation policy
        (payments.cancel), or `refundAmount` with a `reason` for managers and accountants."""
        if (
            isinstance(request.data, dict)
            and "refundAmount" in request.data
            and not may_override_refund(request.user)
        ):
            raise PermissionDenied("Only a manager or an accountant may choose the refund.")
        data = StatusInput(data=request.data)
        data.is_valid(raise_exception=True)
        params = data.validated_data
        if params["status"] != CANCELLED and not request.user.has_perm("bookings.change_booking"):
            raise PermissionDenied("Your role may cancel bookings but not change them otherwise.")
        if params["status"] == CANCELLED:
            cancellation = booking_cancel_with_refund(
                booking_id=booking_id,
                actor=request_actor(request),
                now=timezone.now(),
                request_id=request.request_id,
                refund_amount=params.get("refundAmount"),
                reason=params.get("reason"),
            )
            return Response(
                {**BookingOutput(cancellation.booking).data, "refund": _refund(cancellation)}
            )
        booking = services.booking_transition(
            booking_id=booking_id,
            to_status=params["status"],
            actor=request_actor(request),
            now=timezone.now(),
            request_id=request.request_id,
            override_housekeeping=data.validated_data["overrideHousekeeping"],
        )
        return Response(BookingOutput(booking).data)


def _refund(cancellation) -> dict:
    return {
        "amount": cancellation.refund,
        "currency": cancellation.currency,
        "status": cancellation.refund_status,
    }


class BookingCancelView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        request=None,
        parameters=TOKEN_PARAMS,
        responses=BookingCancelledOutput,
        operation_id="bookings_cancel",
    )
    def post(self, request, booking_id: str):
        booking_for_request(request, booking_id, perms=CANCEL_PERMS)
        cancellation = booking_cancel_with_refund(
            booking_id=booking_id,
            actor=request_actor(request),
            now=timezone.now(),
            request_id=request.request_id,
        )
        return Response({**_with_payment(cancellation.booking), "refund": _refund(cancellation)})


class BookingChangeView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        request=ChangeInput,
        parameters=TOKEN_PARAMS,
        responses=BookingOutput,
        operation_id="bookings_change",
    )
    def post(self, request, booking_id: str):
        booking, is_staff = booking_for_request(
            request, booking_id, perms=("bookings.change_booking",)
        )
        data = ChangeInput(data=request.data)
        data.is_valid(raise_exception=True)
        if not is_staff and booking.status in (CHECKED_IN, CHECKED_OUT):
            raise BookingNotFound(f"Booking {booking_id} does not exist.")
        params = data.validated_data
        if is_staff:
            booking = services.booking_change(
                booking_id=booking_id,
                check_in=params.get("checkIn"),
                check_out=params.get("checkOut"),
                room_id=params.get("roomId"),
                actor=request_actor(request),
                now=timezone.now(),
                request_id=request.request_id,
            )
        else:  # the guest site's rule: no change online that would move money
            if "roomId" in params:
                raise ValidationFailed(
                    details={
                        "fields": {"roomId": ["Only the hotel can move a booking to another room."]}
                    }
                )
            booking = booking_change_by_guest(
                booking_id=booking_id,
                check_in=params.get("checkIn") or date.fromisoformat(booking.checkIn),
                check_out=params.get("checkOut") or date.fromisoformat(booking.checkOut),
                actor=request_actor(request),
                now=timezone.now(),
                request_id=request.request_id,
            )
        return Response(BookingOutput(booking).data)
