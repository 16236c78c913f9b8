"""Availability and booking list/create endpoints. Views parse, call a service or selector,
render."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings import availability, selectors, services
from bookings.booking_terms import payment_terms_summary
from bookings.offers import guests_from
from hotel.actor import actor_from
from hotel.api.permissions import staff_perm
from hotel.api.schema_hints import extend_schema
from hotel.api.serializers import invalid_cursor, parse_query
from hotel.client_address import client_address
from hotel.dynamo import InvalidCursor
from hotel.idempotency import idempotent, request_caller
from rooms.api.serializers import room_output_class

from .offers import offer_body
from .serializers import (
    AvailabilityInput,
    AvailabilityOutput,
    BookingCreatedOutput,
    BookingInput,
    BookingListOutput,
    BookingListQuery,
    BookingOutput,
)

# The endpoints on one booking that involve money (its detail with the payment summary, the
# cancel, the status change, the guest's date change) are in payments.api.booking_views:
# bookings does not import payments.


def _created_body(booking) -> dict:
    """A new booking's representation. It has no payments yet, so its payment summary is the
    one payments.selectors.payment_summary gives for none (the shape of PaymentSummaryOutput)."""
    unpaid = {
        "paid": 0,
        "refunded": 0,
        "currency": booking.currency,
        "status": "unpaid",
        **payment_terms_summary(booking, paid=0),
        "guaranteed": False,
    }
    return {**BookingOutput(booking).data, "payment": unpaid}


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
        guests = None
        if "adults" in params or "childrenAges" in params:
            guests = guests_from(
                adults=params.get("adults"),
                children_ages=params.get("childrenAges"),
                guest_count=params.get("guestCount"),
            )
        user = request.user
        staff = bool(user and user.is_authenticated and user.has_perm("bookings.add_booking"))
        search = availability.rooms_search(
            check_in=params["checkIn"],
            check_out=params["checkOut"],
            room_type=params.get("roomType"),
            guest_count=params.get("guestCount"),
            guests=guests,
            promo=getattr(data, "promo", None) if params.get("promoCode") else None,
            channel=None if staff else "api",  # staff also see staff-only plans
            now=now,
            data=getattr(data, "catalog", None),
        )
        room_types = [_type_offer_body(request, offer) for offer in search.types + search.refused]
        # One serializer for the list (DRF builds its fields once, not once per room).
        listed = room_output_class(request)(
            [room for room, _ in search.rooms], many=True, context={"request": request}
        ).data
        rooms = []
        for body, (_, quote) in zip(listed, search.rooms, strict=True):
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
                "roomTypes": room_types,
                "rooms": rooms,
                "count": len(rooms),
                # Why types with free units were left without an offer (each type's own
                # list is in its entry): the restrictions these dates do not meet.
                "restrictions": search.restrictions,
            }
        )


def _type_offer_body(request, offer) -> dict:
    """A room type with units left, as AvailableTypeOutput shows it (never room ids)."""
    kind, quote = offer.room_type, offer.quote
    return {
        "roomType": kind.roomType,
        "name": kind.name,
        "description": kind.description or "",
        "beds": kind.beds or "",
        "view": kind.view or "",
        "sizeM2": kind.sizeM2,
        "maxAdults": kind.maxAdults,
        "maxChildren": kind.maxChildren or 0,
        "maxGuests": kind.maxGuests,
        "amenities": list(kind.amenities or []),
        "photos": [
            request.build_absolute_uri(default_storage.url(name)) for name in kind.photos or []
        ],
        "available": offer.available,
        "totalPrice": quote.total if quote else None,
        "subtotal": quote.subtotal if quote else None,
        "tax": quote.tax if quote else None,
        "currency": kind.currency,
        "nightly": quote.nightly_dicts() if quote else [],
        "offers": [offer_body(o) for o in offer.offers],
        "restrictions": offer.restrictions,
    }


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
        user = request.user
        # An integrator's API key books as an API client, not as staff: its holds are short
        # and capped per key (bookings.holds), and it sells only what API clients are offered.
        key = getattr(user, "key_id", None)
        is_staff = not key and bool(
            user and user.is_authenticated and user.has_perm("bookings.add_booking")
        )
        data = BookingInput(data=request.data, context={"staff": is_staff})
        data.is_valid(raise_exception=True)
        params = data.validated_data
        source = params.get("source") if is_staff and params.get("source") else "api"
        actor = actor_from(request)

        def create(claim=None) -> tuple[int, dict]:
            created = services.booking_create(
                room_id=params.get("roomId"),
                room_type=params.get("roomType"),
                check_in=params["checkIn"],
                check_out=params["checkOut"],
                guests=params.get("guests"),
                adults=params.get("adults"),
                children_ages=params.get("childrenAges"),
                rate_plan=params.get("ratePlan"),
                promo_code=params.get("promoCode") or None,
                block_code=params.get("blockCode") or None,
                language=params.get("language"),
                channel=None if is_staff else "api",
                extras=[dict(e) for e in params.get("extras") or ()] or None,
                guest_name=params["guestName"],
                guest_email=params.get("guestEmail"),
                guest_phone=params.get("guestPhone"),
                notes=params.get("notes", ""),
                source=source,
                **actor.as_kwargs(),
                # Anyone but staff makes a guest's online hold: short, capped per client.
                guest_client=None
                if is_staff
                else (f"apikey:{key}" if key else client_address(request)),
                also=(lambda tx, booking: claim.mark(tx, booking.bookingId)) if claim else None,
            )
            body = _created_body(created.booking)
            body["guestToken"] = created.guest_token
            return status.HTTP_201_CREATED, body

        key = request.headers.get("Idempotency-Key")
        if key:
            code, body = idempotent(
                scope="bookings.create",
                key=key,
                payload=request.data,
                now=actor.now,
                call=create,
                caller=request_caller(request),
                secret_fields=("guestToken",),  # handed out once; a replay comes without it
                recover=lambda booking_id: (  # made by a request that died before answering
                    status.HTTP_201_CREATED,
                    _created_body(selectors.booking_get(booking_id=booking_id, consistent=True)),
                ),
            )
        else:
            code, body = create()
        response = Response(body, status=code)
        response["Location"] = request.build_absolute_uri(f"/api/bookings/{body['bookingId']}")
        return response
