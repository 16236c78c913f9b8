"""The bill over HTTP: read it, post a charge, take a payment, give a refund or an allowance,
reverse a line, move lines to another folio. Staff only; a posting takes an
Idempotency-Key so a retried request never posts twice.

A booking's bill is /api/bookings/{bookingId}/folio…; a reservation's own bill is the same
views under /api/reservations/{reservationId}/folio… (reservation_folio_views): BillView
keeps each route to its kind of bill.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings.exceptions import BookingNotFound
from bookings.reservations.exceptions import ReservationNotFound
from hotel.accounts.roles import ACCOUNTANT, MANAGER
from hotel.actor import actor_from
from hotel.api.permissions import role_perm, staff_perm
from hotel.api.schema_hints import extend_schema
from hotel.errors import ValidationFailed
from hotel.idempotency import idempotent, request_caller
from payments.folio import desk, services
from payments.folio.card_on_file import folio_charge_card_on_file
from payments.folio.desk_extras import folio_charge_extra
from payments.folio.models import CARD_ON_FILE
from payments.folio.selectors import bill_dict, line_dict
from payments.folio.services import is_reservation_key

from .folio_serializers import (
    AllowanceInput,
    BillOutput,
    ChargeInput,
    FolioLineOutput,
    PaymentLineInput,
    RefundLineInput,
    ReverseInput,
    SplitInput,
)

VIEW_PERMS = ("bookings.view_booking", "payments.view_payment")
POST_PERMS = ("bookings.change_booking", "payments.change_payment")
IDEMPOTENCY = [OpenApiParameter("Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER)]


def _posted(request, scope: str, call) -> Response:
    """Run `call()` → the line; with an Idempotency-Key, a retry replays the first answer."""

    def run() -> tuple[int, dict]:
        line = call()
        return status.HTTP_201_CREATED, line_dict(line, reversed_ids=set())

    key = request.headers.get("Idempotency-Key")
    if key:
        code, body = idempotent(
            scope=scope,
            key=key,
            payload=request.data,
            now=actor_from(request).now,
            call=run,
            caller=request_caller(request),
        )
    else:
        code, body = run()
    return Response(body, status=code)


def _params(serializer_class, request) -> dict:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data


# A view on a bill whose key is the URL's `booking_id`: a booking's (BK-…), or with
# `reservation_bill` a reservation's own (RS-…). Each route answers only its own kind, so
# /api/bookings/RS-…/folio is a 404 like any booking that does not exist. (A comment, not a
# docstring: the OpenAPI descriptions would inherit it.)
class BillView(APIView):
    reservation_bill = False

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # permissions first: a stranger learns nothing
        key = (kwargs.get("booking_id") or "")[:64]
        if is_reservation_key(key) != self.reservation_bill:
            if self.reservation_bill:
                raise ReservationNotFound(f"Reservation {key} does not exist.")
            raise BookingNotFound(f"Booking {key} does not exist.")

    def stay_only(self, field: str, message: str) -> None:
        """Refuse what only a stay's bill has (an extra's stock, the guarantee card)."""
        if self.reservation_bill:
            raise ValidationFailed(details={"fields": {field: [message]}})


class FolioView(BillView):
    permission_classes = [staff_perm(read=VIEW_PERMS)]

    @extend_schema(responses=BillOutput, operation_id="bookings_folio_retrieve")
    def get(self, request, booking_id: str):
        """The booking's bill: every folio with its lines and balance (> 0: the guest owes)."""
        actor = actor_from(request)
        return Response(bill_dict(services.folio_sync(booking_id=booking_id, now=actor.now)))


class FolioChargeView(BillView):
    permission_classes = [staff_perm(read=VIEW_PERMS, write=POST_PERMS)]

    @extend_schema(
        request=ChargeInput,
        responses={201: FolioLineOutput},
        parameters=IDEMPOTENCY,
        operation_id="bookings_folio_charge",
    )
    def post(self, request, booking_id: str):
        """A charge of the desk's own (`description`, `amount`), or an extra of the catalog by
        its `code` alone (priced by its unit, its daily stock taken)."""
        data = ChargeInput(data=request.data)
        data.is_valid(raise_exception=True)
        params = data.validated_data
        if data.extra_only:
            self.stay_only("code", "An extra of the catalog goes on a stay's bill.")
            return _posted(
                request,
                "folio.charge",
                lambda: folio_charge_extra(
                    booking_id=booking_id,
                    code=params["code"],
                    quantity=params.get("quantity"),
                    **actor_from(request).as_kwargs(),
                ),
            )
        return _posted(
            request,
            "folio.charge",
            lambda: desk.folio_charge(
                booking_id=booking_id,
                description=params["description"],
                amount=params["amount"],
                quantity=params.get("quantity", 1),
                tax_category=params["taxCategory"],
                category=params["category"],
                code=params.get("code"),
                folio_id=params.get("folioId"),
                service_date=params.get("date"),
                **actor_from(request).as_kwargs(),
            ),
        )


class FolioPaymentView(BillView):
    permission_classes = [staff_perm(read=VIEW_PERMS, write=POST_PERMS)]

    @extend_schema(
        request=PaymentLineInput,
        responses={201: FolioLineOutput},
        parameters=IDEMPOTENCY,
        operation_id="bookings_folio_payment",
    )
    def post(self, request, booking_id: str):
        """Record money the desk took (cash, terminal, transfer), or charge the card kept as
        the guarantee (`card_on_file`, amount omitted = the balance): 201 with the line, 202
        while the provider is still processing."""
        params = _params(PaymentLineInput, request)
        if params["method"] == CARD_ON_FILE:
            self.stay_only("method", "The card on file is a stay's guarantee; use its bill.")
            return _card_on_file(request, booking_id, params)
        return _posted(
            request,
            "folio.payment",
            lambda: desk.folio_payment(
                booking_id=booking_id,
                amount=params["amount"],
                method=params["method"],
                reference=params.get("reference") or None,
                folio_id=params.get("folioId"),
                **actor_from(request).as_kwargs(),
            ),
        )


def _card_on_file(request, booking_id: str, params: dict) -> Response:
    def run() -> tuple[int, dict]:
        payment, line = folio_charge_card_on_file(
            booking_id=booking_id, amount=params.get("amount"), **actor_from(request).as_kwargs()
        )
        if line is None:
            return status.HTTP_202_ACCEPTED, {
                "transactionId": payment.transactionId,
                "status": payment.status,
            }
        return status.HTTP_201_CREATED, line_dict(line, reversed_ids=set())

    key = request.headers.get("Idempotency-Key")
    if not key:
        code, body = run()
    else:
        code, body = idempotent(
            scope="folio.card_on_file",
            key=key,
            payload=request.data,
            now=actor_from(request).now,
            call=run,
            caller=request_caller(request),
        )
    return Response(body, status=code)


MONEY_BACK = role_perm(write="payments.change_payment", roles=frozenset({MANAGER, ACCOUNTANT}))


class FolioRefundView(BillView):
    permission_classes = [MONEY_BACK]

    @extend_schema(
        request=RefundLineInput,
        responses={201: FolioLineOutput},
        parameters=IDEMPOTENCY,
        operation_id="bookings_folio_refund",
    )
    def post(self, request, booking_id: str):
        params = _params(RefundLineInput, request)
        return _posted(
            request,
            "folio.refund",
            lambda: desk.folio_refund(
                booking_id=booking_id,
                amount=params["amount"],
                method=params["method"],
                reference=params.get("reference") or None,
                reason=params["reason"],
                folio_id=params.get("folioId"),
                **actor_from(request).as_kwargs(),
            ),
        )


class FolioAllowanceView(BillView):
    permission_classes = [MONEY_BACK]

    @extend_schema(
        request=AllowanceInput,
        responses={201: FolioLineOutput},
        parameters=IDEMPOTENCY,
        operation_id="bookings_folio_allowance",
    )
    def post(self, request, booking_id: str):
        params = _params(AllowanceInput, request)
        return _posted(
            request,
            "folio.allowance",
            lambda: desk.folio_allowance(
                booking_id=booking_id,
                amount=params["amount"],
                reason=params["reason"],
                description=params.get("description"),
                tax_category=params["taxCategory"],
                folio_id=params.get("folioId"),
                **actor_from(request).as_kwargs(),
            ),
        )


class FolioReverseView(BillView):
    permission_classes = [MONEY_BACK]

    @extend_schema(
        request=ReverseInput,
        responses={201: FolioLineOutput},
        parameters=IDEMPOTENCY,
        operation_id="bookings_folio_reverse",
    )
    def post(self, request, booking_id: str, line_id: str):
        params = _params(ReverseInput, request)
        return _posted(
            request,
            "folio.reverse",
            lambda: desk.folio_reverse(
                booking_id=booking_id,
                line_id=line_id,
                reason=params["reason"],
                **actor_from(request).as_kwargs(),
            ),
        )


class FolioSplitView(BillView):
    permission_classes = [staff_perm(read=VIEW_PERMS, write=POST_PERMS)]

    @extend_schema(
        request=SplitInput, responses={200: BillOutput}, operation_id="bookings_folio_split"
    )
    def post(self, request, booking_id: str):
        """Move lines to another folio of the booking (`folioId`), or to a new one for
        `payer` (e.g. the company pays the room, the guest the extras)."""
        params = _params(SplitInput, request)
        _, state = desk.folio_split(
            booking_id=booking_id,
            line_ids=params["lineIds"],
            payer=params.get("payer"),
            folio_id=params.get("folioId"),
            **actor_from(request).as_kwargs(),
        )
        return Response(bill_dict(state))
