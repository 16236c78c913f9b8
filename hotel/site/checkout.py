"""Booking the cart: one reservation for the booker with a stay per room
(bookings.reservations.services.reservation_create: every room held in one transaction, or
none), then the reservation's page with its stays and what to pay.

The reservation's page is reached by a signed link of its reference (like a booking's,
bookings.links, under its own salt): no token is stored, and a reference alone reaches
nothing. The page pays every held room at once (reservation_pay.py); each stay keeps its
own manage link, and its own pay page as the fallback for a room left unpaid.
"""

from __future__ import annotations

import re
from datetime import date

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from bookings.booking_terms import booking_due_now
from bookings.lifecycle import can_pay
from bookings.links import manage_token
from bookings.models import CONFIRMED
from bookings.reservations.services import ReservationNotFound, reservation_create, reservation_get
from hotel.client_address import client_address
from hotel.errors import DomainError

from .common import GUEST, booking_type_card, reservation_id_from_token, reservation_path
from .offer_terms import booking_plan, party_text
from .refusals import refusal_text
from .reservation_pay import reservation_urls

STAY_FIELD = re.compile(r"^stays\[(\d+)\]\.(\w+)$")
BOOKER_FIELDS = {"booker.name": "name", "booker.email": "email", "booker.phone": "phone"}


def cart_book(request, form, cart, *, lines, promo, now):
    """reservation_create with the cart and the booker form: the redirect to the
    reservation's page, or None with the service's problems on the form."""
    data = form.cleaned_data
    stays = []
    for line in lines:
        room = line["room"]
        stay = {
            "roomType": room.room_type,
            "adults": room.adults,
            "childrenAges": list(room.children_ages),
            "checkIn": cart.check_in,
            "checkOut": cart.check_out,
        }
        if room.rate_plan:
            stay["ratePlan"] = room.rate_plan
        if data.get(f"guest_name_{line['n']}"):
            stay["guestName"] = data[f"guest_name_{line['n']}"]
        stays.append(stay)
    booker = {"name": data["name"], "email": data["email"]}
    if data["phone"]:
        booker["phone"] = data["phone"]
    try:
        created = reservation_create(
            booker=booker,
            stays=stays,
            source="web",
            actor=GUEST,
            now=now,
            request_id=getattr(request, "request_id", None),
            guest_client=client_address(request),
            channel="web",
            notes=data["notes"],
            promo_code=promo.code if promo else None,
            language=translation.get_language(),
        )
    except DomainError as exc:
        _errors_on(form, exc, lines)
        return None
    return redirect(reservation_path(created.reservation.reservationId))


def _errors_on(form, exc: DomainError, lines) -> None:
    """The service's problems where the guest sees them: the booker's on their fields, a
    room's under that room ("Room 2: …"), the rest above the form."""
    fields = (exc.details or {}).get("fields") or {}
    placed = False
    for name, problems in fields.items():
        match = STAY_FIELD.match(name)
        for problem in problems:
            if name in BOOKER_FIELDS:
                form.add_error(BOOKER_FIELDS[name], problem)
            elif match and match[2] == "guestName":
                form.add_error(f"guest_name_{int(match[1]) + 1}", problem)
            elif match:
                form.add_error(
                    None, _("Room %(n)d: %(p)s") % {"n": int(match[1]) + 1, "p": problem}
                )
            else:
                form.add_error(None, problem)
            placed = True
    if exc.status_code == 409:
        form.add_error(
            None,
            _(
                "Not all these rooms are free any more, so none was booked. "
                "Search again to see what is left."
            ),
        )
    elif not placed:
        form.add_error(None, refusal_text(exc))


@never_cache
@require_safe
def reservation_page(request, token: str):
    """The reservation just booked (or any time later): its reference, the booker, each stay
    with its room type, guests, plan, price and status, the total, and what to pay now."""
    try:
        view = reservation_get(reservation_id_from_token(token))
    except ReservationNotFound as exc:
        raise Http404("No such reservation") from exc
    now = timezone.now()
    stays = []
    for booking in view.bookings:
        link = manage_token(booking_id=booking.bookingId)
        payable = can_pay(booking, now)
        stays.append(
            {
                "booking": booking,
                "type": booking_type_card(booking),
                "plan": booking_plan(booking, now),
                "party": party_text(
                    booking.adults or booking.guests or 1, booking.childrenAges or []
                ),
                "check_in": date.fromisoformat(booking.checkIn),
                "check_out": date.fromisoformat(booking.checkOut),
                "confirmed": booking.status == CONFIRMED,
                "due": booking_due_now(booking) if payable else 0,
                "pay_url": reverse("booking-pay", kwargs={"token": link}) if payable else None,
                "manage_url": reverse("booking-manage", kwargs={"token": link}),
            }
        )
    payable = [s for s in stays if s["pay_url"]]
    context = {
        "reservation": view.reservation,
        "stays": stays,
        "total": sum(s["booking"].totalPrice or 0 for s in stays),
        "currency": view.reservation.currency,
        "due": sum(s["due"] for s in stays),
        "all_confirmed": bool(stays) and all(s["confirmed"] for s in stays),
        # One form pays every held room; a room's own pay page is the fallback once some
        # rooms are paid and this one is left (a decline part-way, a 3-D Secure given up).
        "payable": payable,
        "room_links": len(payable) < len(stays),
        "hold_until": min(
            (s["booking"].expiresAt for s in payable if s["booking"].expiresAt), default=None
        ),  # fmt: skip
        "terms": "at_hotel" if payable and not any(s["due"] for s in payable) else "now",
        "urls": reservation_urls(token),
        "stripe_js_url": settings.STRIPE_JS_URL,
        "stripe_key": settings.STRIPE_PUBLISHABLE_KEY,
        "auth_timeout": settings.HOTEL_3DS_ABANDONED_AFTER_SECONDS,
    }
    return render(request, "site/reservation.html", context)
