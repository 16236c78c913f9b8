"""Who may reach a booking through the API: staff with a permission, or the guest's token.

Shared by the booking and payment endpoints so the rule is written once. Who the caller is
for the audit log (staff member or "guest") is hotel.actor.actor_from's.
"""

from __future__ import annotations

import contextlib

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from bookings.exceptions import BookingNotFound
from bookings.models import Booking
from bookings.selectors import booking_get
from bookings.services import guest_token_matches

# How a guest names their token to an endpoint on one booking (request_guest_token), for the
# OpenAPI schema.
TOKEN_PARAMS = [
    OpenApiParameter("X-Booking-Token", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False),
    OpenApiParameter("token", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False),
]


def request_guest_token(request) -> str | None:
    return request.headers.get("X-Booking-Token") or request.query_params.get("token")


def booking_for_request(
    request, booking_id: str, *, perms: tuple[str, ...]
) -> tuple[Booking, bool]:
    """The booking and whether the caller is staff with one of `perms`.

    Anyone who is neither that staff nor the holder of the booking's guest token gets the
    same BookingNotFound as for a booking that does not exist: ids reveal nothing.
    """
    booking = None
    with contextlib.suppress(BookingNotFound):
        booking = booking_get(booking_id=booking_id)
    user = request.user
    is_staff = bool(user and user.is_authenticated and any(user.has_perm(p) for p in perms))
    if booking is None or not (
        is_staff or guest_token_matches(booking, request_guest_token(request))
    ):
        raise BookingNotFound(f"Booking {booking_id[:64]} does not exist.")
    return booking, is_staff
