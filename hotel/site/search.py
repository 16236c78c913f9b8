"""Search and book: the room types with a unit left for the dates, each with its offers (one
per rate plan sold on the web, for these guests, less a promo code), then the guest's details
and a hold on a unit of the chosen type under the chosen plan.

Guests book room types; the hotel assigns the room later (bookings.services.booking_create
with `room_type`). No page here names a room. Thin edges: each view parses a form, calls
one selector or service and renders; the booking page prices through the booking's own
quote (bookings.stay_pricing.quote_request), so the price shown is the price booked.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from bookings import availability, services
from bookings.catalog_words import plan_name
from bookings.clock import hotel_today
from bookings.links import manage_token
from bookings.offers import Guests, promo_refusal
from bookings.policy_words import quote_terms
from bookings.rate_reads import promo_get
from bookings.stay_pricing import quote_request
from hotel.client_address import client_address
from hotel.errors import DomainError, NotFound
from hotel.languages import translated
from hotel.templatetags.money import format_money
from rooms.room_types import room_type_get
from rooms.selectors import room_get

from .cart_state import cart_summary
from .combination_cards import combination_cards
from .common import GUEST, type_card
from .extras import chosen_extras, extra_offers, extras_problems
from .forms import GuestDetailsForm, PartyForm, SearchForm, add_domain_errors
from .offer_terms import (
    cancellation_text,
    included_text,
    party_text,
    payment_text,
    quote_lines,
)
from .refusals import refusal_text

# "Only 2 left" from this many units down: fewer is worth telling, more is noise.
FEW_LEFT = 3
STAY_PARAMS = (
    "check_in",
    "check_out",
    "guests",
    "adults",
    "children",
    *(f"age_{n}" for n in range(1, 9)),
    "promo_code",
    "rate_plan",
)
PROMO_USED_UP = "PROMO_CODE_USED_UP"


def book_type_url(code: str, query: dict) -> str:
    """The booking page of a type, with the stay (dates, guests, plan, promo) as its query."""
    url = reverse("site-book-type", kwargs={"room_type": code})
    stay = {k: query[k] for k in STAY_PARAMS if query.get(k) not in (None, "")}
    return url + ("?" + urlencode(stay) if stay else "")


def search_url(query: dict) -> str:
    return reverse("site-search") + "?" + urlencode(query)


def per_night(quote) -> int:
    """The stay's total (taxes included) per night, rounded half up to a minor unit."""
    return (2 * quote.total + quote.nights) // (2 * quote.nights) if quote.nights else 0


def usable_promo(code: str, *, check_in, check_out, now):
    """(the promo code, None) when it may be used for this stay, else (None, why not)."""
    if not code:
        return None, None
    promo = promo_get(code)
    refusal = promo_refusal(promo, today=hotel_today(now), check_in=check_in, check_out=check_out)
    return (None, refusal) if refusal else (promo, None)


def offer_card(offer, *, code: str, query: dict, now) -> dict:
    """One offer as a result card lists it: the plan, what it includes, its cancellation
    and payment terms, the total, the promo's part, and its "Book" link."""
    quote = offer.quote
    applied = quote.promo.code if quote.promo and quote.discount else None
    stay = {**query, "rate_plan": offer.plan.ratePlan}
    if not quote.promo:  # a code kept to other plans does not follow this one
        stay.pop("promo_code", None)
    return {
        "plan": offer.plan.ratePlan,
        "name": translated(offer.plan, "name"),
        "description": offer.plan.description,
        "included": included_text(quote.plan),
        "cancellation": cancellation_text(
            quote.plan.cancellation, check_in=quote.check_in, now=now
        ),
        "free": offer.free_until is not None,
        "payment": payment_text(quote.plan),
        "quote": quote,
        "per_night": per_night(quote),
        "promo": applied,
        "book_url": book_type_url(code, stay),
    }


def result_card(found, *, query: dict, now) -> dict:
    code = found.room_type.roomType
    return {
        **type_card(found.room_type),
        "left": found.available,
        "few_left": found.available <= FEW_LEFT,
        "offers": [offer_card(o, code=code, query=query, now=now) for o in found.offers],
        "restrictions": [r["message"] for r in found.restrictions],
    }


@require_safe
def search(request):
    """The room types with a unit left for the dates: one card each with its offers,
    cheapest first; the types that restrictions refuse say why, after them."""
    now = timezone.now()
    form = SearchForm(request.GET or None, now=now)
    context = {
        "form": form,
        "results": [],
        "refused": [],
        "searched": False,
        "cart": cart_summary(request),
    }
    if request.GET and form.is_valid():
        data = form.cleaned_data
        promo, refusal = usable_promo(
            data["promo_code"], check_in=data["check_in"], check_out=data["check_out"], now=now
        )
        guests = Guests(adults=data["adults"], children_ages=data["children_ages"])
        stock = availability.catalog()  # one stamp read for the results and the combinations
        found = availability.rooms_search(
            check_in=data["check_in"],
            check_out=data["check_out"],
            room_type=data["room_type"] or None,
            guests=guests,
            promo=promo,
            channel="web",
            now=now,
            data=stock,
        )
        query = form.stay_query(promo_code=promo.code if promo else None)
        # No single type holds the party (or none is left): offer several rooms together.
        combos = [] if found.types else combination_cards(guests, data, promo, now, stock)
        context.update(
            combinations=combos,
            add_url=reverse("site-cart-add"),
            here=request.get_full_path(),
            query_fields=list(query.items()),
            searched=True,
            party=party_text(data["adults"], data["children_ages"]),
            promo=promo.code if promo else None,
            promo_refused=refusal,
            results=[result_card(t, query=query, now=now) for t in found.types],
            refused=[result_card(t, query=query, now=now) for t in found.refused],
        )
        if refusal:  # the results stay, priced without it; the field says why
            form.add_error("promo_code", refusal)
    return render(request, "site/search.html", context)


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
    """The chosen offer (type, plan, guests, promo) and the guest's details; POST holds a
    unit of the type under the plan (booking_create), then the pay page."""
    now = timezone.now()
    try:
        kind = room_type_get(code=room_type)
    except NotFound as exc:
        raise Http404("No such room type") from exc
    if request.method == "POST":
        form = GuestDetailsForm(request.POST, now=now)
        form.is_valid()
        stay = PartyForm(request.POST, now=now)
    else:
        if not SearchForm(request.GET, now=now).is_valid():  # the search page says what is wrong
            return redirect(reverse("site-search") + "?" + request.GET.urlencode())
        stay = PartyForm(request.GET, now=now)
        form = GuestDetailsForm(initial=_initial(stay), now=now)
    quote = quote_error = promo = promo_notice = None
    if stay.is_valid():
        data = stay.cleaned_data
        promo, refusal = usable_promo(
            data["promo_code"], check_in=data["check_in"], check_out=data["check_out"], now=now
        )
        if refusal and form.is_bound:
            form.add_error("promo_code", refusal)
        elif refusal:
            promo_notice = refusal
            form.initial["promo_code"] = ""
        try:
            quote = quote_request(
                kind=kind,
                check_in=data["check_in"],
                check_out=data["check_out"],
                now=now,
                guests=Guests(adults=data["adults"], children_ages=data["children_ages"]),
                plan_code=data["rate_plan"] or None,
                promo=promo,
                channel="web",
            )
        except DomainError as exc:
            if "ratePlan" in ((exc.details or {}).get("fields") or {}):  # gone, or not sold here
                messages.warning(
                    request, _("That rate is no longer offered online. Please choose another.")
                )
                query = stay.stay_query(promo_code=promo.code if promo else None)
                query.pop("rate_plan", None)
                return redirect(search_url(query))
            quote_error = refusal_text(exc)  # restrictions, too many guests
    posted = request.method == "POST" and form.is_valid() and quote is not None
    if posted and _price_moved(request.POST.get("shown_total"), quote):
        form.add_error(
            None,
            _("The price is now %(total)s: please check it and confirm.")
            % {"total": format_money(quote.total, quote.currency)},
        )
    if request.method == "POST" and form.is_valid() and quote is not None:
        created = _create(
            request,
            form,
            kind=kind,
            quote=quote,
            promo=promo,
            now=now,
            extras=chosen_extras(request.POST, _offers(quote)),
        )
        if created is not None:
            token = manage_token(booking_id=created.booking.bookingId)
            return redirect(reverse("booking-pay", kwargs={"token": token}))
    if quote_error and form.is_bound:
        form.add_error(None, quote_error)
    return render(
        request,
        "site/book.html",
        _book_context(form, stay, kind=kind, quote=quote, quote_error=quote_error, now=now)
        | {"promo_notice": promo_notice},
        status=200 if quote is not None or form.is_bound else 400,
    )


def _price_moved(shown: str | None, quote) -> bool:
    """Whether the total the guest saw (the form's `shown_total`) is not the one they would
    book (another promo code typed, a price changed meanwhile): they confirm it first. A form
    without it (an old page) books at the quote."""
    return bool(shown) and shown != str(quote.total)


def _initial(stay: PartyForm) -> dict:
    """The booking form's hidden stay, from the results page's link (`guests` = adults)."""
    data = stay.data
    initial = {k: data.get(k) for k in STAY_PARAMS if k != "guests"}
    initial["adults"] = data.get("adults") or data.get("guests")
    return initial


def _offers(quote) -> list[dict]:
    persons = quote.adults + len(quote.children_ages)
    return extra_offers(plan=quote.plan.code, nights=quote.nights, persons=persons)


def _create(request, form, *, kind, quote, promo, now, extras=None):
    """booking_create with the form; its errors go on the form (nothing typed is lost)."""
    data = form.cleaned_data
    ages = list(data["children_ages"])
    try:
        return services.booking_create(
            room_type=kind.roomType,
            check_in=data["check_in"],
            check_out=data["check_out"],
            guests=data["adults"] + len(ages),
            adults=data["adults"],
            children_ages=ages,
            rate_plan=quote.plan.code,
            promo_code=promo.code if promo else None,
            channel="web",
            guest_name=data["guest_name"],
            guest_email=data["guest_email"],
            guest_phone=data["guest_phone"],
            notes=data["notes"],
            source="web",
            actor=GUEST,
            now=now,
            request_id=getattr(request, "request_id", None),
            guest_client=client_address(request),
            extras=extras or None,
            language=translation.get_language(),
        )
    except DomainError as exc:  # no unit left, a restriction, the promo used up, a hold cap
        for problem in extras_problems(exc):  # an extra sold out meanwhile, too many
            form.add_error(None, problem)
        add_domain_errors(form, exc, fallback="promo_code" if exc.code == PROMO_USED_UP else None)
        return None


def _book_context(form, stay, *, kind, quote, quote_error, now) -> dict:
    card = type_card(kind)
    data = stay.cleaned_data if stay.is_valid() else None
    back = search_url(stay.stay_query(promo_code=data["promo_code"])) if data else None
    context = {
        "form": form,
        "room_type": card,
        "photo": card["photos"][0] if card["photos"] else None,
        "quote": quote,
        "quote_error": quote_error,
        "search_url": back or reverse("site-search"),
        "party": party_text(data["adults"], data["children_ages"]) if data else "",
        "hold_hours": settings.HOTEL_GUEST_HOLD_MINUTES // 60,
        "hold_minutes": settings.HOTEL_GUEST_HOLD_MINUTES,
    }
    if quote is not None:
        context.update(
            plan={"code": quote.plan.code, "name": plan_name(quote.plan.code, quote.plan.name)},
            lines=quote_lines(quote),
            per_night=per_night(quote),
            policy=quote_terms(quote, now=now),
            cancellation=cancellation_text(
                quote.plan.cancellation, check_in=quote.check_in, now=now
            ),
            payment=payment_text(quote.plan),
            included=included_text(quote.plan),
        )
        offers = _offers(quote)
        chosen = chosen_extras(form.data, offers) if form.is_bound else []
        picked = {e["code"]: e["quantity"] for e in chosen}
        context["extra_offers"] = [{**o, "chosen": picked.get(o["code"], 0)} for o in offers]
    return context
