"""Payment endpoints. Views parse, authorise, call one service or selector, render."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings.api.access import booking_for_request
from bookings.booking_terms import booking_policy
from bookings.exceptions import InvalidTransition
from bookings.lifecycle import can_cancel
from hotel.actor import actor_from
from hotel.api.permissions import staff_perm
from hotel.api.schema_hints import extend_schema
from hotel.api.serializers import parse_query
from hotel.idempotency import idempotent, request_caller
from payments import selectors, services
from payments.cancellation import describe_rule
from payments.folio.online import folio_pay_balance
from payments.models import REQUIRES_ACTION

from .serializers import (
    CancellationQuoteOutput,
    PaymentCreatedOutput,
    PaymentInput,
    PaymentListOutput,
    PaymentListQuery,
    PaymentOutput,
    RefundInput,
)

# Staff who may take a payment for any booking; guests need the booking's token.
PAY_PERMS = ("payments.add_payment", "bookings.change_booking")


class PaymentListView(APIView):
    def get_permissions(self):
        if self.request.method == "POST":
            return [AllowAny()]  # guests pay with their booking token
        return [staff_perm(read="payments.view_payment")()]

    @extend_schema(
        parameters=[PaymentListQuery], responses=PaymentListOutput, operation_id="payments_list"
    )
    def get(self, request):
        query = parse_query(PaymentListQuery, request)
        payments = selectors.payments_for_booking(booking_id=query["bookingId"])
        return Response(
            {"payments": PaymentOutput(payments, many=True).data, "count": len(payments)}
        )

    @extend_schema(
        request=PaymentInput,
        responses={201: PaymentCreatedOutput, 202: PaymentCreatedOutput},
        parameters=[
            OpenApiParameter("X-Booking-Token", OpenApiTypes.STR, OpenApiParameter.HEADER),
            OpenApiParameter("Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER),
        ],
        operation_id="payments_create",
    )
    def post(self, request):
        data = PaymentInput(data=request.data)
        data.is_valid(raise_exception=True)
        params = data.validated_data
        booking_for_request(request, params["bookingId"], perms=PAY_PERMS)
        actor = actor_from(request)

        create = (
            folio_pay_balance if params.get("purpose") == "balance" else services.payment_create
        )

        def pay(claim=None) -> tuple[int, dict]:
            # The transaction that opens the payment marks the key (a retry after the
            # request died answers that payment, never charges a second time).
            also = {"also": lambda tx, p: claim.mark(tx, p.transactionId)} if claim else {}
            attempt = create(
                booking_id=params["bookingId"],
                amount=params.get("amount"),
                currency=params["currency"],
                payment_method_id=params["paymentMethodId"],
                **actor.as_kwargs(),
                **also,
            )
            body = dict(PaymentOutput(attempt.payment).data)
            if attempt.payment.status == REQUIRES_ACTION and attempt.client_secret:
                body["clientSecret"] = attempt.client_secret
            return _payment_status(attempt.payment), body

        key = request.headers.get("Idempotency-Key")
        if key:
            code, body = idempotent(
                scope="payments.create",
                key=key,
                payload=request.data,
                now=actor.now,
                call=pay,
                caller=request_caller(request, held_secret=request.headers.get("X-Booking-Token")),
                recover=_payment_recovered,
            )
        else:
            code, body = pay()
        response = Response(body, status=code)
        response["Location"] = request.build_absolute_uri(f"/api/payments/{body['transactionId']}")
        return response


def _payment_status(payment) -> int:
    settled = payment.status not in ("pending", REQUIRES_ACTION)
    return status.HTTP_201_CREATED if settled else status.HTTP_202_ACCEPTED


def _payment_recovered(transaction_id: str) -> tuple[int, dict]:
    """The answer for a payment whose request died before answering (payment_recovered)."""
    payment = services.payment_recovered(transaction_id=transaction_id, now=timezone.now())
    return _payment_status(payment), dict(PaymentOutput(payment).data)


class PaymentDetailView(APIView):
    permission_classes = [staff_perm(read="payments.view_payment")]

    @extend_schema(responses=PaymentOutput, operation_id="payments_retrieve")
    def get(self, request, transaction_id: str):
        payment = selectors.payment_get(transaction_id=transaction_id)
        return Response(PaymentOutput(payment).data)


class PaymentRefundView(APIView):
    permission_classes = [staff_perm(read=None, write="payments.refund_payment")]

    @extend_schema(request=RefundInput, responses=PaymentOutput, operation_id="payments_refund")
    def post(self, request, transaction_id: str):
        data = RefundInput(data=request.data if request.data else {})
        data.is_valid(raise_exception=True)
        payment = services.payment_refund(
            transaction_id=transaction_id,
            amount=data.validated_data.get("amount"),
            **actor_from(request).as_kwargs(),
        )
        return Response(PaymentOutput(payment).data)


class CancellationQuoteView(APIView):
    permission_classes = [AllowAny]  # staff perm or guest token, checked per booking

    @extend_schema(
        parameters=[
            OpenApiParameter("X-Booking-Token", OpenApiTypes.STR, OpenApiParameter.HEADER),
        ],
        responses=CancellationQuoteOutput,
        operation_id="bookings_cancellation_quote",
    )
    def get(self, request, booking_id: str):
        booking, _ = booking_for_request(request, booking_id, perms=("bookings.view_booking",))
        if not can_cancel(booking):
            raise InvalidTransition(
                f"A {booking.status} booking cannot be cancelled.",
                details={"from": booking.status, "to": "cancelled"},
            )
        quote = selectors.booking_cancellation_quote(booking=booking, now=timezone.now())
        policy = booking_policy(booking)  # the policy it was sold with

        def rule_body(rule):
            return {
                "daysBefore": rule.days_before,
                "refundPercent": rule.refund_percent,
                "description": describe_rule(rule, policy),
            }

        body = {
            "bookingId": booking.bookingId,
            "status": booking.status,
            "checkIn": booking.checkIn,
            "daysBeforeArrival": quote.days_before,
            "paid": quote.paid,
            "refund": quote.refund,
            "fee": quote.fee,
            "currency": quote.currency,
            "rule": rule_body(quote.rule) if quote.rule else None,
            "policy": [rule_body(rule) for rule in policy],
        }
        return Response(CancellationQuoteOutput(body).data)
