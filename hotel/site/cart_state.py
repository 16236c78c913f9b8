"""The guest's cart: the rooms chosen for one stay's dates before booking them together.

It lives in a signed cookie (django.core.signing, keyed by SECRET_KEY with its own salt), not
in a table: nothing is held until the guest books, so there is nothing for the hotel to keep
or clean up, and a Lambda behind the site needs no session read. The signature means the
cookie cannot be forged, but it is still parsed as untrusted input (shape, sizes); prices are
never stored in it — the cart page quotes every room again, and booking prices them once more.

Format (compact: a cookie is at most 4 KB): {"in": "2027-03-01", "out": "2027-03-03",
"promo": "", "rooms": [["Deluxe", "FLEX", 1, [4, 7]], …]}.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from django.conf import settings
from django.core import signing

from bookings.combinations import MAX_ROOMS
from bookings.offers import MAX_CHILDREN

from .forms import MAX_GUESTS

COOKIE = "site_cart"
SALT = "hotel.site.cart.v1"
MAX_AGE = 2 * 24 * 3600  # a cart older than two days is forgotten (prices, free rooms move)
CODE_MAX = 40
CODE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


@dataclass(frozen=True)
class CartRoom:
    room_type: str
    rate_plan: str | None
    adults: int
    children_ages: tuple[int, ...] = ()

    @property
    def count(self) -> int:
        return self.adults + len(self.children_ages)


@dataclass(frozen=True)
class Cart:
    check_in: date | None = None
    check_out: date | None = None
    promo_code: str = ""
    rooms: tuple[CartRoom, ...] = ()

    @property
    def full(self) -> bool:
        return len(self.rooms) >= MAX_ROOMS

    def same_stay(self, check_in: date, check_out: date) -> bool:
        return (self.check_in, self.check_out) == (check_in, check_out)

    def add(self, room: CartRoom, *, check_in: date, check_out: date, promo_code: str) -> Cart:
        """With `room` added; other dates than the cart's start a new cart (one stay's
        dates per reservation made on the site)."""
        if not self.rooms or not self.same_stay(check_in, check_out):
            return Cart(check_in, check_out, promo_code, (room,))
        return replace(self, promo_code=promo_code or self.promo_code, rooms=(*self.rooms, room))

    def without(self, index: int) -> Cart:
        rooms = tuple(r for n, r in enumerate(self.rooms) if n != index)
        return replace(self, rooms=rooms) if rooms else Cart()

    def dump(self) -> dict:
        return {
            "in": self.check_in.isoformat() if self.check_in else None,
            "out": self.check_out.isoformat() if self.check_out else None,
            "promo": self.promo_code,
            "rooms": [
                [r.room_type, r.rate_plan, r.adults, list(r.children_ages)] for r in self.rooms
            ],
        }


def combination_value(room) -> str:
    """A combination's room as the "Book these" form sends it (a RoomChoice)."""
    ages = ".".join(str(a) for a in room.guests.children_ages)
    return f"{room.code}|{room.price.plan.code}|{room.guests.adults}|{ages}"


def combination_room(value: str) -> CartRoom:
    """A room of a "Book these" form; ValueError for anything else."""
    code, plan, adults, ages = value.split("|")
    kids = tuple(int(a) for a in ages.split(".")) if ages else ()
    room = CartRoom(code, plan or None, int(adults), kids)
    if not CODE.match(code) or (plan and not CODE.match(plan)):
        raise ValueError(value)
    if not 1 <= room.adults <= MAX_GUESTS or len(kids) > MAX_CHILDREN:
        raise ValueError(value)
    if any(not 0 <= a <= 17 for a in kids):
        raise ValueError(value)
    return room


def _code(value, *, optional: bool = False) -> str | None:
    if optional and value in (None, ""):
        return None
    if not isinstance(value, str) or not 0 < len(value) <= CODE_MAX:
        raise ValueError(value)
    return value


def _room(item) -> CartRoom:
    room_type, plan, adults, ages = item
    if not isinstance(adults, int) or not 1 <= adults <= MAX_GUESTS:
        raise ValueError(adults)
    if not isinstance(ages, list) or len(ages) > MAX_CHILDREN:
        raise ValueError(ages)
    if any(not isinstance(a, int) or not 0 <= a <= 17 for a in ages):
        raise ValueError(ages)
    return CartRoom(_code(room_type), _code(plan, optional=True), adults, tuple(ages))


def cart_load(data) -> Cart:
    """A cart from the cookie's data; an empty cart for anything malformed."""
    try:
        rooms = tuple(_room(item) for item in data["rooms"][:MAX_ROOMS])
        return Cart(
            check_in=date.fromisoformat(data["in"]),
            check_out=date.fromisoformat(data["out"]),
            promo_code=(_code(data.get("promo"), optional=True) or ""),
            rooms=rooms,
        )
    except (KeyError, TypeError, ValueError):
        return Cart()


def cart_read(request) -> Cart:
    """The request's cart (empty without a valid, fresh cookie)."""
    raw = request.COOKIES.get(COOKIE)
    if not raw:
        return Cart()
    try:
        data = signing.loads(raw, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return Cart()
    return cart_load(data) if isinstance(data, dict) else Cart()


def cart_write(response, cart: Cart):
    """Store `cart` on the response (or forget it when empty)."""
    if not cart.rooms:
        response.delete_cookie(COOKIE, samesite="Lax")
        return response
    response.set_cookie(
        COOKIE,
        signing.dumps(cart.dump(), salt=SALT, compress=True),
        max_age=MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def cart_summary(request) -> dict | None:
    """The cart as the search page's banner shows it (the cookie only: no read)."""
    cart = cart_read(request)
    if not cart.rooms:
        return None
    return {"rooms": len(cart.rooms), "check_in": cart.check_in, "check_out": cart.check_out}
