"""Search and book: the room types with a unit left for the dates, then the guest's details
and a hold on a unit of the chosen type.

Guests book room types; the hotel assigns the room later (bookings.services.booking_create
with `room_type`). No page here names a room. Thin edges: each view parses a form, calls
one selector or service and renders.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_safe

from bookings import availability, selectors, services
from bookings.links import manage_token
from hotel.client_address import client_address
from hotel.errors import DomainError, NotFound
from rooms.room_types import room_type_get
from rooms.selectors import room_get

from .common import GUEST, policy_lines, type_card
from .forms import GuestDetailsForm, SearchForm, StayForm, add_domain_errors

# "Only 2 left" from this many units down: fewer is worth telling, more is noise.
FEW_LEFT = 3
STAY_PARAMS = ("check_in", "check_out", "guests")


def book_type_url(code: str, query: dict) -> str:
    """The booking page of a type, with the stay (dates and guests) as its query."""
    url = reverse("site-book-type", kwargs={"room_type": code})
    stay = {k: query[k] for k in STAY_PARAMS if query.get(k) not in (None, "")}
    return url + ("?" + urlencode(stay) if stay else "")


def per_night(quote) -> int:
    """The stay's total (taxes included) per night, rounded half up to a minor unit."""
    return (2 * quote.total + quote.nights) // (2 * quote.nights) if quote.nights else 0


@require_safe
def search(request):
    """The room types with a unit left for the dates: one card each, cheapest first."""
    now = timezone.now()
    form = SearchForm(request.GET or None, now=now)
    results, restrictions, searched = [], [], False
    if request.GET and form.is_valid():
        searched = True
        data = form.cleaned_data
        found = availability.rooms_search(
            check_in=data["check_in"],
            check_out=data["check_out"],
            room_type=data["room_type"] or None,
            guest_count=data["guests"],
            now=now,
        )
        restrictions = found.restrictions
        stay = {
            "check_in": data["check_in"].isoformat(),
            "check_out": data["check_out"].isoformat(),
            "guests": data["guests"],
        }
        results = [
            {
                **type_card(offer.room_type),
                "quote": offer.quote,
                "per_night": per_night(offer.quote),
                "left": offer.available,
                "few_left": offer.available <= FEW_LEFT,
                "book_url": book_type_url(offer.room_type.roomType, stay),
            }
            for offer in found.types  # cheapest first; sold-out types are not offered
        ]
    return render(
        request,
        "site/search.html",
        {"form": form, "results": results, "restrictions": restrictions, "searched": searched},
    )


@require_http_methods(["GET", "POST"])
def book_room(request, room_id: str):
    """The first version's booking page of one room: now the page of that room's type.

    Guests book types and the hotel assigns the room, so an old link (a bookmark, a results
    page opened before the change) goes to the type's page with its dates; a form posted to
    it is re-posted there (307 keeps the method and the body, CSRF token included).
    """
    try:
        code = room_get(room_id=room_id).roomType
    except NotFound:
        try:  # "book/Deluxe" without its slash
            code = room_type_get(code=room_id).roomType
        except NotFound as exc:
            raise Http404("No such room") from exc
    if request.method == "POST":
        return redirect("site-book-type", room_type=code, preserve_request=True)
    return redirect(book_type_url(code, request.GET))


@require_http_methods(["GET", "POST"])
def book(request, room_type: str):
    """The chosen type, the quote and the guest's details; POST holds a unit of the type
    (booking_create), then the pay page."""
    now = timezone.now()
    try:
        kind = room_type_get(code=room_type)
    except NotFound as exc:
        raise Http404("No such room type") from exc
    if request.method == "POST":
        form = GuestDetailsForm(request.POST, now=now)
        stay = StayForm(request.POST, now=now)
    else:
        form = GuestDetailsForm(initial={k: request.GET.get(k) for k in STAY_PARAMS}, now=now)
        if not SearchForm(request.GET, now=now).is_valid():  # the search page says what is wrong
            return redirect(reverse("site-search") + "?" + request.GET.urlencode())
        stay = StayForm(request.GET, now=now)
    quote = quote_error = None
    if stay.is_valid():
        try:
            quote = selectors.type_quote(
                room_type=kind,
                check_in=stay.cleaned_data["check_in"],
                check_out=stay.cleaned_data["check_out"],
            )
        except DomainError as exc:  # the type's rate rules refuse this stay (min/max nights)
            quote_error = exc.message
    if request.method == "POST" and form.is_valid() and quote is not None:
        data = form.cleaned_data
        try:
            created = services.booking_create(
                room_type=kind.roomType,
                check_in=data["check_in"],
                check_out=data["check_out"],
                guests=data["guests"],
                guest_name=data["guest_name"],
                guest_email=data["guest_email"],
                guest_phone=data["guest_phone"],
                notes=data["notes"],
                source="web",
                actor=GUEST,
                now=now,
                request_id=getattr(request, "request_id", None),
                guest_client=client_address(request),
            )
        except DomainError as exc:  # no unit left, too many guests, a hold cap, dates
            add_domain_errors(form, exc)
        else:
            token = manage_token(booking_id=created.booking.bookingId)
            return redirect(reverse("booking-pay", kwargs={"token": token}))
    if quote_error and form.is_bound:
        form.add_error(None, quote_error)
    card = type_card(kind)
    return render(
        request,
        "site/book.html",
        {
            "form": form,
            "room_type": card,
            "photo": card["photos"][0] if card["photos"] else None,
            "quote": quote,
            "per_night": per_night(quote) if quote else None,
            "quote_error": quote_error,
            "policy": policy_lines(),
            "hold_hours": settings.HOTEL_GUEST_HOLD_MINUTES // 60,
            "hold_minutes": settings.HOTEL_GUEST_HOLD_MINUTES,
        },
        status=200 if quote is not None or form.is_bound else 400,
    )
