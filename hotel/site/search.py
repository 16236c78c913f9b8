"""Search and book: the available rooms for the dates, then the guest's details and a hold.

Thin edges: each view parses a form, calls one selector or service and renders.
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
from rooms.selectors import room_get, room_photo_urls

from .common import GUEST, policy_lines
from .forms import GuestDetailsForm, SearchForm, StayForm, add_domain_errors


@require_safe
def search(request):
    """Available rooms for the dates: one card per room type, its cheapest free room."""
    now = timezone.now()
    form = SearchForm(request.GET or None, now=now)
    results, restrictions, searched = [], [], False
    if request.GET and form.is_valid():
        searched = True
        data = form.cleaned_data
        search = availability.rooms_search(
            check_in=data["check_in"],
            check_out=data["check_out"],
            room_type=data["room_type"] or None,
            guest_count=data["guests"],
            now=now,
        )
        restrictions = search.restrictions
        by_type: dict[str, dict] = {}
        for room, quote in search.rooms:  # cheapest first
            card = by_type.get(room.roomType)
            if card is None:
                photos = room_photo_urls(room)
                by_type[room.roomType] = {
                    "room": room,
                    "quote": quote,
                    "photo": photos[0] if photos else None,
                    "left": 1,
                    "book_url": reverse("site-book", kwargs={"room_id": room.roomId})
                    + "?"
                    + urlencode(
                        {
                            "check_in": data["check_in"].isoformat(),
                            "check_out": data["check_out"].isoformat(),
                            "guests": data["guests"],
                        }
                    ),
                }
            else:
                card["left"] += 1
        results = list(by_type.values())
    return render(
        request,
        "site/search.html",
        {"form": form, "results": results, "restrictions": restrictions, "searched": searched},
    )


@require_http_methods(["GET", "POST"])
def book(request, room_id: str):
    """The guest's details and the quote; POST holds the room (booking_create)."""
    now = timezone.now()
    try:
        room = room_get(room_id=room_id[:64])
    except NotFound as exc:
        raise Http404("No such room") from exc
    if request.method == "POST":
        form = GuestDetailsForm(request.POST, now=now)
        stay = StayForm(request.POST, now=now)
    else:
        form = GuestDetailsForm(
            initial={k: request.GET.get(k) for k in ("check_in", "check_out", "guests")},
            now=now,
        )
        if not SearchForm(request.GET, now=now).is_valid():  # the search page says what is wrong
            return redirect(reverse("site-search") + "?" + request.GET.urlencode())
        stay = StayForm(request.GET, now=now)
    quote = quote_error = None
    if stay.is_valid():
        try:
            quote = selectors.booking_quote(
                room=room,
                check_in=stay.cleaned_data["check_in"],
                check_out=stay.cleaned_data["check_out"],
            )
        except DomainError as exc:  # the room's rate rules refuse this stay (min/max nights)
            quote_error = exc.message
    if request.method == "POST" and form.is_valid() and quote is not None:
        data = form.cleaned_data
        try:
            created = services.booking_create(
                room_id=room.roomId,
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
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            token = manage_token(booking_id=created.booking.bookingId)
            return redirect(reverse("booking-pay", kwargs={"token": token}))
    if quote_error and form.is_bound:
        form.add_error(None, quote_error)
    photos = room_photo_urls(room)
    return render(
        request,
        "site/book.html",
        {
            "form": form,
            "room": room,
            "photo": photos[0] if photos else None,
            "quote": quote,
            "quote_error": quote_error,
            "policy": policy_lines(),
            "hold_hours": settings.HOTEL_GUEST_HOLD_MINUTES // 60,
            "hold_minutes": settings.HOTEL_GUEST_HOLD_MINUTES,
        },
        status=200 if quote is not None or form.is_bound else 400,
    )
