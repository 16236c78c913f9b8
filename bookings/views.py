"""Guest pages of the bookings domain: search, book, find and manage a booking.

Thin edges: each view parses a form, calls one service or selector and renders. The guest
reaches a booking through its signed link (bookings.links) or the throttled lookup by
reference + email; anything else gets the same 404 as a booking that does not exist.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from hotel.client_address import client_address
from hotel.errors import DomainError, NotFound
from payments.cancellation import describe_rule
from payments.selectors import (
    booking_cancellation_quote,
    booking_change_quote,
    cancellation_policy,
    payment_summary,
    payments_for_booking,
)
from payments.services import booking_cancel_with_refund, booking_change_by_guest
from rooms.selectors import room_get, room_photo_urls

from . import selectors, services
from .exceptions import BookingNotFound, LookupLocked
from .forms import (
    ChangeDatesForm,
    GuestDetailsForm,
    LookupForm,
    SearchForm,
    StayForm,
    add_domain_errors,
)
from .links import booking_id_from_token, manage_path, manage_token
from .models import CONFIRMED, PENDING

GUEST = "guest"


# --- helpers shared with the payment pages -----------------------------------------------------


def guest_booking(token: str):
    """The booking a signed link names, or 404 (a bad signature looks like no booking)."""
    try:
        return selectors.booking_get(booking_id=booking_id_from_token(token=token))
    except BookingNotFound as exc:
        raise Http404("No such booking") from exc


def hold_live(booking, now) -> bool:
    return booking.status == PENDING and booking.expiresAt is not None and booking.expiresAt > now


def stay_context(booking) -> dict:
    """What every booking page shows in its summary panel."""
    try:
        room = room_get(room_id=booking.roomId)
        photos = room_photo_urls(room)
    except NotFound:
        room, photos = None, []
    return {
        "booking": booking,
        "room": room,
        "photo": photos[0] if photos else None,
        "check_in": date.fromisoformat(booking.checkIn),
        "check_out": date.fromisoformat(booking.checkOut),
        "nights": [
            {"date": date.fromisoformat(n["date"]), "amount": n["amount"]}
            for n in booking.nightly or []
        ],
    }


def policy_lines() -> list[str]:
    policy = cancellation_policy()
    return [describe_rule(rule, policy) for rule in policy]


def _client(request) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


# --- search and book ---------------------------------------------------------------------------


@require_safe
def search(request):
    """Available rooms for the dates: one card per room type, its cheapest free room."""
    now = timezone.now()
    form = SearchForm(request.GET or None, now=now)
    results, restrictions, searched = [], [], False
    if request.GET and form.is_valid():
        searched = True
        data = form.cleaned_data
        search = selectors.rooms_search(
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


# --- find and manage ----------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request):
    """Reference + email, both must match; failures are throttled (booking_lookup)."""
    form = LookupForm(request.POST or None)
    status, retry_after = 200, None
    if request.method == "POST" and form.is_valid():
        try:
            booking = services.booking_lookup(
                reference=form.cleaned_data["reference"],
                email=form.cleaned_data["email"],
                client=_client(request),
                now=timezone.now(),
            )
        except LookupLocked as exc:
            retry_after = exc.details.get("retryAfterSeconds", 60)
            minutes = max(1, (retry_after + 59) // 60)
            form.add_error(
                None,
                _("Too many attempts. Please try again in %(minutes)s minutes.")
                % {"minutes": minutes},
            )
            status = 429
        except BookingNotFound:
            form.add_error(
                None, _("We could not find a booking with that reference and email address.")
            )
        else:
            return redirect(manage_path(booking_id=booking.bookingId))
    response = render(request, "site/lookup.html", {"form": form}, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


@never_cache
def manage(request, token: str):
    booking = guest_booking(token)
    now = timezone.now()
    payments = payments_for_booking(booking_id=booking.bookingId)
    return render(
        request,
        "site/manage.html",
        {
            **stay_context(booking),
            "token": token,
            "payments": payments,
            "summary": payment_summary(payments, currency=booking.currency),
            "can_pay": hold_live(booking, now),
            "can_cancel": booking.status in (PENDING, CONFIRMED),
            "can_change": hold_live(booking, now) or booking.status == CONFIRMED,
            "hold_expired": booking.status == PENDING and not hold_live(booking, now),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def cancel(request, token: str):
    """The refund the policy gives, then (POST) booking_cancel_with_refund."""
    booking = guest_booking(token)
    manage_url = reverse("booking-manage", kwargs={"token": token})
    if booking.status not in (PENDING, CONFIRMED):
        messages.info(request, _("This booking can no longer be cancelled."))
        return redirect(manage_url)
    now = timezone.now()
    if request.method == "POST":
        try:
            cancellation = booking_cancel_with_refund(
                booking_id=booking.bookingId,
                actor=GUEST,
                now=now,
                request_id=getattr(request, "request_id", None),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(manage_url)
        from hotel.templatetags.money import format_money

        if cancellation.refund_status == "refunded":
            text = _("Your booking is cancelled. We are refunding %(amount)s to your card.") % {
                "amount": format_money(cancellation.refund, cancellation.currency)
            }
        elif cancellation.refund_status == "failed":
            text = _(
                "Your booking is cancelled. The refund of %(amount)s could not be made "
                "automatically; our staff will issue it shortly."
            ) % {"amount": format_money(cancellation.refund, cancellation.currency)}
        else:
            text = _("Your booking is cancelled.")
        messages.success(request, text)
        return redirect(manage_url)
    quote = booking_cancellation_quote(booking=booking, now=now)
    policy = cancellation_policy()
    return render(
        request,
        "site/cancel.html",
        {
            **stay_context(booking),
            "token": token,
            "quote": quote,
            "rule": describe_rule(quote.rule, policy) if quote.rule else None,
            "policy": policy_lines(),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def change(request, token: str):
    """New dates: the new price first (GET with dates), then (POST) booking_change_by_guest."""
    booking = guest_booking(token)
    manage_url = reverse("booking-manage", kwargs={"token": token})
    now = timezone.now()
    if not (hold_live(booking, now) or booking.status == CONFIRMED):
        messages.info(request, _("The dates of this booking can no longer be changed online."))
        return redirect(manage_url)
    preview = None
    if request.method == "POST":
        form = ChangeDatesForm(request.POST, now=now)
        if form.is_valid():
            try:
                booking_change_by_guest(
                    booking_id=booking.bookingId,
                    check_in=form.cleaned_data["check_in"],
                    check_out=form.cleaned_data["check_out"],
                    actor=GUEST,
                    now=now,
                    request_id=getattr(request, "request_id", None),
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("Your dates are changed."))
                if booking.status == PENDING:
                    return redirect(reverse("booking-pay", kwargs={"token": token}))
                return redirect(manage_url)
    elif "check_in" in request.GET:
        form = ChangeDatesForm(request.GET, now=now)
        if form.is_valid():
            try:
                preview = booking_change_quote(
                    booking=booking,
                    check_in=form.cleaned_data["check_in"],
                    check_out=form.cleaned_data["check_out"],
                    now=now,
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
    else:
        form = ChangeDatesForm(
            initial={"check_in": booking.checkIn, "check_out": booking.checkOut}, now=now
        )
    return render(
        request,
        "site/change.html",
        {
            **stay_context(booking),
            "token": token,
            "form": form,
            "preview": preview,
            "new_nights": [
                {"date": n.night, "amount": n.amount}
                for n in (preview.quote.nightly if preview else ())
            ],
        },
    )
