"""The cart: several rooms for the same dates, chosen from the results (one by one, or a
combination's "Book these"), then booked together for one booker — one reservation, all
its rooms held in one transaction or none — and paid on the reservation's page.

The cart is the signed cookie of cart_state; its prices are not stored: the cart page
quotes each room as the booking page does (bookings.stay_pricing.quote_request), so the
price shown is the price booked. Thin edges: parse, call one service, render.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from bookings.catalog_words import plan_name
from bookings.combinations import MAX_ROOMS
from bookings.offers import Guests
from bookings.stay_pricing import quote_request
from hotel.errors import DomainError, NotFound
from rooms.room_types import room_type_get

from .cart_state import Cart, CartRoom, cart_read, cart_write, combination_room
from .checkout import cart_book
from .common import type_card
from .forms import PartyForm, StayForm
from .offer_terms import cancellation_text, party_text, payment_text
from .refusals import refusal_text
from .search import search_url, usable_promo

CODE = r"^[A-Za-z0-9_-]{1,40}$"


class CartAddForm(PartyForm):
    """One room for the cart: the stay and its guests (PartyForm), the type and the plan."""

    room_type = forms.RegexField(CODE)
    next = forms.CharField(required=False, max_length=2000)


class CombinationForm(StayForm):
    """A combination's dates (checked as a stay's) and rooms, each "type|plan|adults|age.age"
    (the search page writes them)."""

    promo_code = forms.CharField(required=False, max_length=40)

    def __init__(self, data, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.room_values = data.getlist("room") if data is not None else []

    def clean(self):
        data = super().clean()
        rooms = []
        for value in self.room_values[: MAX_ROOMS + 1]:
            try:
                rooms.append(combination_room(value))
            except (TypeError, ValueError):
                raise forms.ValidationError(_("This combination is not valid.")) from None
        if not 0 < len(rooms) <= MAX_ROOMS:
            raise forms.ValidationError(_("This combination is not valid."))
        data["rooms"] = tuple(rooms)
        return data


class BookerForm(forms.Form):
    """Who books the cart (the confirmation and the link go to them); a name per room is
    optional (the booker's when left empty)."""

    name = forms.CharField(
        label=gettext_lazy("Full name"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=gettext_lazy("Email"),
        max_length=254,
        help_text=gettext_lazy("We send the confirmation and your booking link here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=gettext_lazy("Phone (optional)"),
        max_length=25,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    notes = forms.CharField(
        label=gettext_lazy("Special requests (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, rooms: int, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, rooms + 1):
            self.fields[f"guest_name_{n}"] = forms.CharField(
                label=_("Guest in room %(n)d (optional)") % {"n": n},
                max_length=120,
                required=False,
                widget=forms.TextInput(attrs={"autocomplete": "off"}),
            )


def _safe_next(request, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("site-cart")


def quote_room(room: CartRoom, cart: Cart, *, promo, now):
    """(quote, None) for a room of the cart, or (None, why it cannot be booked)."""
    try:
        kind = room_type_get(code=room.room_type)
        quote = quote_request(
            kind=kind,
            check_in=cart.check_in,
            check_out=cart.check_out,
            now=now,
            guests=Guests(adults=room.adults, children_ages=room.children_ages),
            plan_code=room.rate_plan,
            promo=promo,
            channel="web",
        )
    except NotFound:
        return None, None, _("This room type is no longer offered.")
    except DomainError as exc:
        return kind, None, refusal_text(exc)
    return kind, quote, None


def cart_lines(cart: Cart, *, now) -> tuple[list[dict], object]:
    """The cart's rooms as its page lists them, each quoted now; and the promo used."""
    promo, _refusal = usable_promo(
        cart.promo_code, check_in=cart.check_in, check_out=cart.check_out, now=now
    )
    lines = []
    for n, room in enumerate(cart.rooms, start=1):
        kind, quote, problem = quote_room(room, cart, promo=promo, now=now)
        card = type_card(kind) if kind is not None else {"name": room.room_type, "photos": []}
        lines.append(
            {
                "n": n,
                "index": n - 1,
                "room": room,
                "type": card,
                "party": party_text(room.adults, room.children_ages),
                "quote": quote,
                "problem": problem,
                "plan": plan_name(quote.plan.code, quote.plan.name) if quote else room.rate_plan,
                "payment": payment_text(quote.plan) if quote else "",
                "cancellation": cancellation_text(
                    quote.plan.cancellation, check_in=cart.check_in, now=now
                )
                if quote
                else "",
            }
        )
    return lines, promo


@require_POST
def cart_add(request):
    """Add one room (a type under a plan, for these guests and dates) to the cart."""
    now = timezone.now()
    form = CartAddForm(request.POST, now=now)
    target = _safe_next(request, request.POST.get("next"))
    if not form.is_valid():
        messages.error(request, _("That room could not be added: please search again."))
        return redirect(target)
    data = form.cleaned_data
    cart = cart_read(request)
    room = CartRoom(
        data["room_type"], data["rate_plan"] or None, data["adults"], data["children_ages"]
    )
    if cart.full and cart.same_stay(data["check_in"], data["check_out"]):
        messages.error(
            request,
            _("Your selection has %(n)d rooms, the most we book online.") % {"n": MAX_ROOMS},
        )
        return redirect(target)
    if cart.rooms and not cart.same_stay(data["check_in"], data["check_out"]):
        messages.info(
            request, _("Your earlier selection was for other dates: it now starts again.")
        )
    cart = cart.add(
        room,
        check_in=data["check_in"],
        check_out=data["check_out"],
        promo_code=data["promo_code"],
    )
    messages.success(
        request,
        _("Room added: %(n)d in your selection.") % {"n": len(cart.rooms)},
    )
    return cart_write(redirect(target), cart)


@require_POST
def cart_fill(request):
    """A combination's "Book these": the cart becomes its rooms, for its dates."""
    form = CombinationForm(request.POST, now=timezone.now())
    if not form.is_valid():
        messages.error(request, _("This combination could not be chosen: please search again."))
        return redirect("site-search")
    data = form.cleaned_data
    cart = Cart(data["check_in"], data["check_out"], data["promo_code"].upper(), data["rooms"])
    return cart_write(redirect("site-cart"), cart)


@require_POST
def cart_remove(request):
    cart = cart_read(request)
    try:
        index = int(request.POST.get("index", ""))
    except ValueError:
        index = -1
    if 0 <= index < len(cart.rooms):
        cart = cart.without(index)
        messages.success(request, _("Room removed from your selection."))
    return cart_write(redirect("site-cart"), cart)


@never_cache
@require_http_methods(["GET", "POST"])
def cart_page(request):
    """The rooms chosen, each with its price, the total, and one booker form for them all;
    POST books them together (checkout.cart_book) and goes to the reservation's page."""
    now = timezone.now()
    cart = cart_read(request)
    if not cart.rooms:
        return render(request, "site/cart.html", {"lines": [], "empty": True})
    lines, promo = cart_lines(cart, now=now)
    form = BookerForm(request.POST or None, rooms=len(cart.rooms))
    if request.method == "POST" and form.is_valid():
        if any(line["problem"] for line in lines):
            form.add_error(None, _("Remove the rooms that cannot be booked first."))
        else:
            done = cart_book(request, form, cart, lines=lines, promo=promo, now=now)
            if done is not None:
                return cart_write(done, Cart())
    quotes = [line["quote"] for line in lines if line["quote"]]
    for line in lines:
        line["guest_field"] = form[f"guest_name_{line['n']}"]
    context = {
        "lines": lines,
        "form": form,
        "cart": cart,
        "nights": (cart.check_out - cart.check_in).days,
        "guests": sum(r.count for r in cart.rooms),
        "total": sum(q.total for q in quotes),
        "currency": quotes[0].currency if quotes else None,
        "promo": promo.code if promo else None,
        "search_url": _search_back(cart),
    }
    return render(
        request,
        "site/cart.html",
        context,
        status=200 if form.is_valid() or not form.is_bound else 400,
    )


def _search_back(cart: Cart) -> str:
    query: dict = {"check_in": cart.check_in.isoformat(), "check_out": cart.check_out.isoformat()}
    query["adults"] = 2
    if cart.promo_code:
        query["promo_code"] = cart.promo_code
    return search_url(query)
