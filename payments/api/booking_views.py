"""The booking endpoints that involve money: a booking with its payment summary, the cancel
(with the refund its policy gives), a status change that may be that cancel, and the
guest's date change (whose online rules depend on the cancellation policy and the price).

They live in payments because bookings must not import payments; their paths and URL names
are those of the bookings API (payments/urls.py routes them). Views parse, authorise, call
one service or selector, render.
"""

from __future__ import annotations

from datetime import date

from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings import services as bookings_services
from bookings.api.access import TOKEN_PARAMS, booking_for_request
from bookings.api.serializers import BookingDetailOutput, BookingOutput, ChangeInput, StatusInput
from bookings.exceptions import BookingNotFound
from bookings.models import CANCEL_PERMS, CANCELLED, CHECKED_IN, CHECKED_OUT
from hotel.accounts.roles import MANAGER
from hotel.actor import actor_from
from hotel.api.permissions import staff_perm
from hotel.api.schema_hints import extend_schema
from hotel.errors import ValidationFailed
from payments.folio.changes import folio_change_quote
from payments.selectors import booking_payment_summary
from payments.services import (
    booking_cancel_with_refund,
    booking_change_by_guest,
    may_override_refund,
)

from .serializers import (
    BookingCancelledOutput,
    BookingStatusOutput,
    ChangeQuoteInput,
    ChangeQuoteOutput,
)


def _with_payment(booking) -> dict:
    """The booking's representation with its payment summary (one Query of its payments)."""
    return {**BookingOutput(booking).data, "payment": booking_payment_summary(booking=booking)}


def _refund(cancellation) -> dict:
    return {
        "amount": cancellation.refund,
        "currency": cancellation.currency,
        "status": cancellation.refund_status,
    }


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
        (payments.services.cancel), or `refundAmount` with a `reason` for managers and
        accountants."""
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
        if params["overrideBalance"] and getattr(request.user, "role", None) != MANAGER:
            raise PermissionDenied("Only a manager may check a guest out with a balance due.")
        if params["status"] == CANCELLED:
            cancellation = booking_cancel_with_refund(
                booking_id=booking_id,
                **actor_from(request).as_kwargs(),
                refund_amount=params.get("refundAmount"),
                reason=params.get("reason"),
            )
            return Response(
                {**BookingOutput(cancellation.booking).data, "refund": _refund(cancellation)}
            )
        booking = bookings_services.booking_transition(
            booking_id=booking_id,
            to_status=params["status"],
            **actor_from(request).as_kwargs(),
            override_housekeeping=data.validated_data["overrideHousekeeping"],
            override_balance=params["overrideBalance"] and params["status"] == CHECKED_OUT,
        )
        return Response(BookingOutput(booking).data)


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
            **actor_from(request).as_kwargs(),
        )
        return Response({**_with_payment(cancellation.booking), "refund": _refund(cancellation)})


class BookingChangeQuoteView(APIView):
    permission_classes = [staff_perm(read=None, write=("bookings.change_booking",))]

    @extend_schema(
        request=ChangeQuoteInput,
        responses=ChangeQuoteOutput,
        operation_id="bookings_change_quote",
    )
    def post(self, request, booking_id: str):
        """What a change of dates, room or room type would cost, before it is made: the
        totals, the difference (> 0: the guest pays more) and the bill's balance after it.
        Nothing is written; availability is checked by the change itself."""
        data = ChangeQuoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        params = data.validated_data
        quote = folio_change_quote(
            booking_id=booking_id,
            check_in=params.get("checkIn"),
            check_out=params.get("checkOut"),
            room_id=params.get("roomId"),
            room_type=params.get("roomType"),
            keep_rate=params["keepRate"],
            now=actor_from(request).now,
        )
        return Response(ChangeQuoteOutput(quote).data)


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
            booking = bookings_services.booking_change(
                booking_id=booking_id,
                check_in=params.get("checkIn"),
                check_out=params.get("checkOut"),
                room_id=params.get("roomId"),
                room_type=params.get("roomType"),
                keep_rate=params["keepRate"],
                **actor_from(request).as_kwargs(),
            )
        else:  # the guest site's rule: no change online that would move money
            staff_only = {"roomId", "roomType"} & set(params)
            if params["keepRate"]:
                staff_only.add("keepRate")
            if staff_only:
                raise ValidationFailed(
                    details={
                        "fields": {
                            name: ["Only the hotel can change this."] for name in sorted(staff_only)
                        }
                    }
                )
            booking = booking_change_by_guest(
                booking_id=booking_id,
                check_in=params.get("checkIn") or date.fromisoformat(booking.checkIn),
                check_out=params.get("checkOut") or date.fromisoformat(booking.checkOut),
                **actor_from(request).as_kwargs(),
            )
        return Response(BookingOutput(booking).data)
