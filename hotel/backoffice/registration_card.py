"""The booking page's "Registration card": the PDF the desk prints for an arrival, with what
the guest gave at online check-in (the ID number masked) or blank lines to fill in at the
desk (bookings.checkin.card). Anyone who may view the booking may print it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.cache import never_cache

from bookings.checkin.card import render_registration_card
from bookings.checkin.rules import ID_TYPE_LABELS, mask_id_number
from bookings.checkin.services import registration_get


class RegistrationCardMixin:
    """Adds <booking>/registration-card/ to the bookings admin, and the online check-in's
    summary (masked) to the booking page."""

    def get_extra_object_urls(self, wrap) -> list:
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            *super().get_extra_object_urls(wrap),
            path(
                "<path:object_id>/registration-card/",
                wrap(never_cache(self.registration_card_view)),
                name=f"{prefix}_registration_card",
            ),
        ]

    def registration_card_view(self, request, object_id: str):
        booking = self.get_object(request, object_id)
        if booking is None:
            return self._missing(request, object_id)
        if not self.has_view_permission(request, booking):
            raise PermissionDenied
        pdf = render_registration_card(booking, registration_get(booking_id=booking.bookingId))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="registration-card-{booking.bookingId}.pdf"'
        )
        return response

    def registration_context(self, booking) -> dict:
        """The booking page's "Online check-in" facts; one GetItem, only for a booking the
        guest pre-checked-in."""
        if not booking.preCheckedInAt:
            return {"online_check_in": None}
        reg = registration_get(booking_id=booking.bookingId)
        if reg is None:
            return {"online_check_in": None}
        return {
            "online_check_in": {
                "at": reg.submittedAt,
                "arrival": reg.arrivalTime,
                "nationality": reg.nationality,
                "id": (
                    f"{ID_TYPE_LABELS.get(reg.idType, '')} {mask_id_number(reg.idNumber)}".strip()
                    or "erased"
                ),
            }
        }
