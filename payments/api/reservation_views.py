"""The reservation endpoints that involve money: a reservation with its payments, the cancel
of every stay or of one (each through the one refunding cancel, by its own policy), the
change of every stay to new dates (each through the one change).

They live in payments because bookings must not import payments (payments/urls.py routes
them; POST /api/reservations is bookings.api.reservation_views). A guest reaches a
reservation with its token (X-Booking-Token), staff with a permission; anyone else gets the
same 404 as for a reservation that does not exist.
"""

from __future__ import annotations

import contextlib

from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings.api.access import TOKEN_PARAMS, request_guest_token
from bookings.api.reservation_serializers import ReservationOutput, reservation_body
from bookings.models import CANCEL_PERMS
from bookings.reservations.exceptions import ReservationNotFound
from bookings.reservations.selectors import ReservationView, reservation_get
from hotel.actor import actor_from
from hotel.api.schema_hints import extend_schema
from hotel.api.serializers import DayField, StrictInputSerializer
from payments.models import REQUIRES_ACTION
from payments.selectors import booking_payment_summary
from payments.services import (
    reservation_cancel,
    reservation_change,
    reservation_due_now,
    reservation_pay,
    reservation_stay_cancel,
)

from .booking_views import _refund
from .serializers import PAYMENT_METHOD_ID, PaymentOutput

PAY_PERMS = ("payments.add_payment", "bookings.change_booking")


class ReservationPaymentInput(StrictInputSerializer):
    amount = serializers.IntegerField(
        min_value=0,
        max_value=10**12,
        required=False,
        help_text="The reservation's dueNow: what its pending stays' terms take now.",
    )
    currency = serializers.RegexField(r"^[A-Za-z]{3}$", max_length=3)
    paymentMethodId = serializers.RegexField(PAYMENT_METHOD_ID)


class ReservationChangeInput(StrictInputSerializer):
    checkIn = DayField()
    checkOut = DayField()

    def rule_errors(self, values, errors):
        if {"checkIn", "checkOut"} & set(errors) or values["checkOut"] > values["checkIn"]:
            return {}
        return {"checkOut": ["Check-out must be after check-in."]}


def reservation_for_request(request, reservation_id: str, *, perms) -> ReservationView:
    """The reservation, if the caller is staff with one of `perms` or holds its token."""
    view = None
    with contextlib.suppress(ReservationNotFound):
        view = reservation_get(reservation_id)
    user = request.user
    is_staff = bool(user and user.is_authenticated and any(user.has_perm(p) for p in perms))
    if view is None or not (is_staff or view.token_matches(request_guest_token(request))):
        raise ReservationNotFound(f"Reservation {reservation_id[:64]} does not exist.")
    return view


def with_payments(view: ReservationView) -> dict:
    """The reservation with each stay's payment summary and their sum (one Query per stay)."""
    body = reservation_body(view)
    paid = refunded = 0
    for stay, booking in zip(body["stays"], view.bookings, strict=True):
        stay["payment"] = booking_payment_summary(booking=booking)
        paid += stay["payment"]["paid"]
        refunded += stay["payment"]["refunded"]
    live_balance = sum(
        s["payment"].get("balanceDue", 0) for s in body["stays"] if s["status"] != "cancelled"
    )
    body["payment"] = {
        "dueNow": reservation_due_now(view),  # what paying the reservation takes now
        "paid": paid,
        "refunded": refunded,
        "currency": view.reservation.currency,
        "balanceDue": live_balance,
    }
    return body


class ReservationDetailView(APIView):
    permission_classes = [AllowAny]  # staff perm or guest token, checked per reservation

    @extend_schema(
        parameters=TOKEN_PARAMS, responses=ReservationOutput, operation_id="reservations_retrieve"
    )
    def get(self, request, reservation_id: str):
        """A reservation (RS-…, or a booking made alone: BK-…) with its stays' current status
        and payments."""
        view = reservation_for_request(request, reservation_id, perms=("bookings.view_booking",))
        return Response(with_payments(view))


class ReservationCancelView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        request=None,
        parameters=TOKEN_PARAMS,
        responses=ReservationOutput,
        operation_id="reservations_cancel",
    )
    def post(self, request, reservation_id: str):
        """Cancel every stay still live, each refunded by its own cancellation policy."""
        view = reservation_for_request(request, reservation_id, perms=CANCEL_PERMS)
        done = reservation_cancel(
            reservation_id=view.reservation.reservationId, **actor_from(request).as_kwargs()
        )
        body = with_payments(done.view)
        body["refunds"] = [
            {"bookingId": c.booking.bookingId, **_refund(c)} for c in done.cancellations
        ]
        return Response(body)


class ReservationStayCancelView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        request=None,
        parameters=TOKEN_PARAMS,
        responses=ReservationOutput,
        operation_id="reservations_stay_cancel",
    )
    def post(self, request, reservation_id: str, booking_id: str):
        """Cancel one stay (the same as POST /api/bookings/{bookingId}/cancel with the
        reservation's token), refunded by its own policy; answers the reservation."""
        view = reservation_for_request(request, reservation_id, perms=CANCEL_PERMS)
        after, cancellation = reservation_stay_cancel(
            reservation_id=view.reservation.reservationId,
            booking_id=booking_id,
            **actor_from(request).as_kwargs(),
        )
        body = with_payments(after)
        body["refunds"] = [{"bookingId": booking_id, **_refund(cancellation)}]
        return Response(body)


class ReservationPaymentView(APIView):
    permission_classes = [AllowAny]  # staff perm or guest token, checked per reservation

    @extend_schema(
        request=ReservationPaymentInput,
        parameters=TOKEN_PARAMS,
        responses={201: ReservationOutput, 202: ReservationOutput},
        operation_id="reservations_pay",
    )
    def post(self, request, reservation_id: str):
        """Pay what every pending stay's terms take now (`payment.dueNow` of the
        reservation) in one request: each stay is charged and confirmed on its own bill.
        202 with `clientSecret` on the stay that waits for 3-D Secure."""
        view = reservation_for_request(request, reservation_id, perms=PAY_PERMS)
        data = ReservationPaymentInput(data=request.data)
        data.is_valid(raise_exception=True)
        params = data.validated_data
        done = reservation_pay(
            reservation_id=view.reservation.reservationId,
            amount=params.get("amount"),
            currency=params["currency"],
            payment_method_id=params["paymentMethodId"],
            **actor_from(request).as_kwargs(),
        )
        payments = []
        for attempt in done.attempts:
            item = dict(PaymentOutput(attempt.payment).data)
            if attempt.payment.status == REQUIRES_ACTION and attempt.client_secret:
                item["clientSecret"] = attempt.client_secret
            payments.append(item)
        settled = all(p["status"] not in ("pending", REQUIRES_ACTION) for p in payments)
        body = {**with_payments(done.view), "payments": payments}
        return Response(body, status=status.HTTP_201_CREATED if settled else 202)


class ReservationChangeView(APIView):
    permission_classes = [AllowAny]  # staff perm or guest token, checked per reservation

    @extend_schema(
        request=ReservationChangeInput,
        parameters=TOKEN_PARAMS,
        responses=ReservationOutput,
        operation_id="reservations_change",
    )
    def post(self, request, reservation_id: str):
        """Move every live stay to new `checkIn`/`checkOut`, each through the change
        POST /api/bookings/{bookingId}/change makes (staff: re-priced; the guest: only what
        the online rules allow). Not one transaction: each stay moves atomically, one after
        the other; a stay that cannot move answers 409 STAY_NOT_CHANGED naming it
        (details.bookingId, its own error), with the stays already moved in details.changed.
        Calling again moves the rest. Answers the reservation and `changed`."""
        view = reservation_for_request(request, reservation_id, perms=("bookings.change_booking",))
        user = request.user
        is_staff = bool(user and user.is_authenticated and user.has_perm("bookings.change_booking"))
        data = ReservationChangeInput(data=request.data)
        data.is_valid(raise_exception=True)
        params = data.validated_data
        done = reservation_change(
            reservation_id=view.reservation.reservationId,
            check_in=params["checkIn"],
            check_out=params["checkOut"],
            by_guest=not is_staff,
            **actor_from(request).as_kwargs(),
        )
        return Response({**with_payments(done.view), "changed": done.changed})
