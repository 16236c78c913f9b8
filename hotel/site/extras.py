"""Extras on the guest site: ticked on the booking form, added on the manage page before
arrival (bookings.extras). The page shows each extra's price per unit and what one unit
costs for the stay; the rules (bookable online, included in the plan, stock, quantity)
are the service's."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bookings.catalog_words import booked_extras
from bookings.clock import hotel_today
from bookings.extras.booking import GUEST_STATUSES, booking_extras_add, booking_persons
from bookings.extras.catalog import extras_all
from bookings.extras.pricing import MAX_QUANTITY, default_quantity, extra_price
from hotel.errors import DomainError
from hotel.languages import translated

from .common import GUEST, guest_booking
from .refusals import refusal_text

UNIT_TEXT = {
    "per_stay": gettext_lazy("per stay"),
    "per_night": gettext_lazy("per night"),
    "per_person_per_night": gettext_lazy("per guest per night"),
    "per_item": gettext_lazy("each"),
}


def extra_offers(*, plan: str | None, nights: int, persons: int) -> list[dict]:
    """The extras a guest may add to a stay under `plan`: active, bookable online and not
    included in the plan, with the price per unit and for one unit over the stay (named and
    described in the active language)."""
    offers = []
    for extra in extras_all():
        if not extra.active or not extra.bookableOnline or plan in (extra.includedIn or ()):
            continue
        per_guest = extra.unit == "per_person_per_night"
        limit = persons if per_guest else min(MAX_QUANTITY, extra.dailyStock or MAX_QUANTITY)
        offers.append(
            {
                "code": extra.code,
                "field": f"extra_{extra.code}",
                "name": translated(extra, "name"),
                "description": translated(extra, "description"),
                "price": extra.price,
                "unit": UNIT_TEXT.get(extra.unit, extra.unit),
                "stay_price": extra_price(extra, nights, persons, 1),
                "default": default_quantity(extra, persons),
                "max": max(limit, 1),
                "per_guest": per_guest,
            }
        )
    return offers


def chosen_extras(post, offers: list[dict]) -> list[dict]:
    """[{"code", "quantity"}] for the offers given a quantity above 0 in the form."""
    chosen = []
    for offer in offers:
        raw = (post.get(offer["field"]) or "").strip()
        if raw.isdecimal() and raw.isascii() and int(raw) > 0:
            chosen.append({"code": offer["code"], "quantity": int(raw)})
    return chosen


def extras_problems(exc: DomainError) -> list[str]:
    """The extras' messages of a refused booking (fields "extras.N.…"), to show on the form."""
    fields = (exc.details or {}).get("fields") or {}
    return [m for name, found in fields.items() if name.startswith("extras") for m in found]


def manage_extras_context(booking, now) -> dict:
    """The manage page's extras: what the booking has (named in the page's language), and
    what the guest may still add (pending or confirmed, before the arrival day)."""
    check_in = date.fromisoformat(booking.checkIn)
    open_ = booking.status in GUEST_STATUSES and hotel_today(now) < check_in
    nights = len(booking.nightly or []) or 1
    offers = (
        extra_offers(plan=booking.ratePlan, nights=nights, persons=booking_persons(booking))
        if open_
        else []
    )
    return {"booked_extras": booked_extras(booking.extras), "extra_offers": offers}


@require_POST
def add_extra(request, token: str):
    """The manage page's "Add": booking_extras_add as the guest, then back to the page."""
    booking = guest_booking(token)
    manage_url = reverse("booking-manage", kwargs={"token": token})
    raw = (request.POST.get("quantity") or "").strip()
    try:
        _booking, item = booking_extras_add(
            booking_id=booking.bookingId,
            code=(request.POST.get("code") or "")[:30],
            quantity=int(raw) if raw.isdecimal() and raw.isascii() else None,
            staff=False,
            actor=GUEST,
            now=timezone.now(),
            request_id=getattr(request, "request_id", None),
        )
    except DomainError as exc:
        fields = (exc.details or {}).get("fields") or {}
        for message in [m for found in fields.values() for m in found] or [refusal_text(exc)]:
            messages.error(request, message)
        return redirect(manage_url)
    name = booked_extras([item])[0]["name"]  # the page's language, not the stored words
    messages.success(request, _("%(name)s added to your booking.") % {"name": name})
    return redirect(manage_url)
