"""POST /api/reservations: several rooms booked in one go (bookings.reservations).

Reading, cancelling and paying a reservation involve money: payments.api.reservation_views.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings.reservations.selectors import ReservationView
from bookings.reservations.services import reservation_create
from hotel.actor import actor_from
from hotel.api.schema_hints import extend_schema
from hotel.client_address import client_address
from hotel.idempotency import idempotent, request_caller

from .reservation_serializers import ReservationCreatedOutput, ReservationInput, reservation_body


class ReservationListView(APIView):
    permission_classes = [AllowAny]  # guests book without an account, as POST /api/bookings

    @extend_schema(
        request=ReservationInput,
        responses={201: ReservationCreatedOutput},
        parameters=[OpenApiParameter("Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER)],
        operation_id="reservations_create",
    )
    def post(self, request):
        """Book every stay or none (409 ROOM_UNAVAILABLE naming `details.stays`); at most
        10 stays and 60 room-nights (422 RESERVATION_TOO_LARGE)."""
        user = request.user
        is_staff = bool(user and user.is_authenticated and user.has_perm("bookings.add_booking"))
        data = ReservationInput(data=request.data, context={"staff": is_staff})
        data.is_valid(raise_exception=True)
        params = data.validated_data
        actor = actor_from(request)
        booker = dict(params["booker"])

        def create() -> tuple[int, dict]:
            created = reservation_create(
                booker=booker,
                stays=data.parsed_stays,
                source="api",
                promo_code=params.get("promoCode") or None,
                notes=params.get("notes", ""),
                language=params.get("language"),
                channel=None if is_staff else "api",
                **actor.as_kwargs(),
                # Anyone but staff makes a guest's online hold: short, one slot per client.
                guest_client=None if is_staff else client_address(request),
            )
            view = ReservationView(
                reservation=created.reservation, bookings=created.bookings, single=False
            )
            return status.HTTP_201_CREATED, {
                **reservation_body(view),
                "guestToken": created.guest_token,
            }

        key = request.headers.get("Idempotency-Key")
        if key:
            code, body = idempotent(
                scope="reservations.create",
                key=key,
                payload=request.data,
                now=actor.now,
                call=create,
                caller=request_caller(request),
                secret_fields=("guestToken",),  # handed out once; a replay comes without it
            )
        else:
            code, body = create()
        response = Response(body, status=code)
        response["Location"] = request.build_absolute_uri(
            f"/api/reservations/{body['reservationId']}"
        )
        return response
