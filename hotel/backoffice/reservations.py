"""The back office's reservation page: the booker, every stay (type, dates, guest, status,
price, balance) with a link to its booking page, the total; and "Cancel every stay", a
confirmation page with each stay's refund, then payments.services.reservation_cancel (the
service behind POST /api/reservations/{id}/cancel: booking_cancel_with_refund per stay).

The reservation's own bill (what the booker pays for the party, payments.folio on the key
RS-…) is shown with the booking page's bill template and forms (folio_desk.folio_context),
which post to reservations/<id>/folio/<op>/ (reservation_folio_view → folio_desk.folio_post:
the same form parsing and services, the same roles per form).

Reached from a stay's booking page ("Part of reservation RS-…") and by searching RS-… in
the booking list (BookingAdmin.changelist_view). Who may: view = bookings.view_booking,
cancel = bookings.cancel_booking (front desk, accountant, manager; not housekeeping).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.utils import quote as url_quote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from bookings.lifecycle import can_cancel
from bookings.models import Booking
from bookings.reservations.exceptions import ReservationNotFound
from bookings.reservations.selectors import ReservationView, reservation_get
from hotel.dynamo_admin import who
from hotel.errors import DomainError
from hotel.templatetags.money import format_money
from payments.folio.services import ReservationOwner
from payments.selectors import booking_payment_summary
from payments.services import booking_cancellation_preview, reservation_cancel

from .common import base_context
from .folio_desk import folio_context, folio_post


def may_cancel_bookings(request) -> bool:
    return request.user.has_perm("bookings.cancel_booking")


def reservation_admin_url(reservation_id: str) -> str:
    return reverse("admin:backoffice_reservation", kwargs={"reservation_id": reservation_id})


def reservation_folio_url(reservation_id: str, op: str) -> str:
    return reverse(
        "admin:backoffice_reservation_folio", kwargs={"reservation_id": reservation_id, "op": op}
    )


def booking_admin_url(booking_id: str) -> str:
    return reverse("admin:bookings_booking_change", args=[url_quote(booking_id)])


def _reservation(reservation_id: str) -> ReservationView:
    """A reservation RS-… (a booking made alone has its own page, not this one)."""
    reservation_id = (reservation_id or "").strip().upper()
    if not reservation_id.startswith("RS-"):
        raise Http404("No such reservation.")
    try:
        return reservation_get(reservation_id, consistent=True)
    except ReservationNotFound as exc:
        raise Http404("No such reservation.") from exc


class ReservationSearchMixin:
    """For BookingAdmin: a reservation's reference (RS-…) in the search box opens its page."""

    def changelist_view(self, request, extra_context=None):
        term = (request.GET.get("q") or "").strip().upper()
        if term.startswith("RS-") and self.has_view_permission(request):
            return redirect(reservation_admin_url(term))
        return super().changelist_view(request, extra_context)


def reservation_context(booking: Booking) -> dict:
    """For a stay's booking page: its reservation and the sibling stays (nothing for a
    booking made alone)."""
    if not booking.reservationId:
        return {}
    try:
        view = reservation_get(booking.reservationId)
    except ReservationNotFound:
        return {}
    return {
        "reservation": {
            "id": view.reservation.reservationId,
            "url": reservation_admin_url(view.reservation.reservationId),
            "rooms": len(view.bookings),
            "siblings": [
                {
                    "id": b.bookingId,
                    "url": booking_admin_url(b.bookingId),
                    "type": b.roomType,
                    "status": b.status,
                }  # fmt: skip
                for b in view.bookings
                if b.bookingId != booking.bookingId
            ],
        }
    }


def reservation_view(request, reservation_id: str):
    view = _reservation(reservation_id)
    rows = []
    for booking in view.bookings:
        summary = booking_payment_summary(booking=booking)
        rows.append(
            {
                "booking": booking,
                "url": booking_admin_url(booking.bookingId),
                "price": format_money(booking.totalPrice, booking.currency),
                "paid": format_money(summary["paid"], booking.currency),
                "balance": format_money(
                    0 if booking.status == "cancelled" else summary.get("balanceDue", 0),
                    booking.currency,
                ),
            }
        )
    live = [b for b in view.bookings if can_cancel(b)]
    context = base_context(
        request,
        title=f"Reservation {view.reservation.reservationId}",
        reservation=view.reservation,
        rows=rows,
        bill=folio_context(
            request,
            ReservationOwner(view.reservation),
            post_url=lambda op: reservation_folio_url(view.reservation.reservationId, op),
        ),
        total=format_money(
            sum(b.totalPrice or 0 for b in view.bookings if b.status != "cancelled"),
            view.reservation.currency,
        ),
        cancel_url=(
            reverse(
                "admin:backoffice_reservation_cancel",
                kwargs={"reservation_id": view.reservation.reservationId},
            )  # fmt: skip
            if live and may_cancel_bookings(request)
            else None
        ),
    )
    return TemplateResponse(request, "admin/backoffice/reservation.html", context)


def reservation_folio_view(request, reservation_id: str, op: str):
    """POST one of the bill's forms on the reservation's own bill, then back to its page."""
    view = _reservation(reservation_id)
    if request.method == "POST":
        folio_post(request, ReservationOwner(view.reservation), op)
    return redirect(reservation_admin_url(view.reservation.reservationId) + "#booking-bill")


def reservation_cancel_view(request, reservation_id: str):
    """GET/POST without `post=yes`: each live stay's refund by its policy; POST post=yes:
    cancel every stay through the refunding cancel, then back to the reservation."""
    if not may_cancel_bookings(request):
        raise PermissionDenied
    view = _reservation(reservation_id)
    back = reservation_admin_url(view.reservation.reservationId)
    live = [b for b in view.bookings if can_cancel(b)]
    if not live:
        messages.warning(request, "No stay of this reservation can be cancelled any more.")
        return redirect(back)
    if request.method == "POST" and request.POST.get("post") == "yes":
        try:
            done = reservation_cancel(reservation_id=view.reservation.reservationId, **who(request))
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(back)
        refunded = sum(c.refund for c in done.cancellations)
        messages.success(
            request,
            f"Cancelled {len(done.cancellations)} stay(s); refunding "
            f"{format_money(refunded, view.reservation.currency)} by each stay's policy.",
        )
        return redirect(back)
    now = timezone.now()
    previews = []
    for booking in live:
        preview = booking_cancellation_preview(booking=booking, now=now)
        previews.append(
            {
                "booking": booking,
                "paid": format_money(preview.quote.paid, booking.currency),
                "refund": format_money(preview.quote.refund, booking.currency),
            }
        )
    context = base_context(
        request,
        title=f"Cancel every stay of {view.reservation.reservationId}?",
        reservation=view.reservation,
        previews=previews,
        back_url=back,
    )
    return TemplateResponse(request, "admin/backoffice/reservation_cancel.html", context)
