"""Nothing slips through: every route of the URL configuration, walked from the resolver,
refuses anonymous callers and the least-privileged role unless it is listed here.

The route lists come from `django.urls.get_resolver()`, so a new page or endpoint is tested
the moment it exists, and one that answers anonymous callers without being in PUBLIC (or
in GUEST_TOKEN, reachable only with a booking's token or signed link) fails the walk.
Per-role grants are tests/hotel/accounts/test_role_matrix.py's business; this walk only checks that
the floor holds: anonymous callers and housekeeping (the smallest role) get nothing else.
Path parameters are real ids (a room, a booking, a payment), so a refusal is a refusal and
not a 404 for a missing object.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from bookings.extras.models import Extra
from bookings.links import manage_token
from bookings.models import Booking, PromoCode, RateRule
from bookings.services import booking_create
from hotel.accounts import roles
from hotel.accounts.services import api_token_issue
from payments.models import Payment
from rooms.calendar_tokens import room_calendar_token

pytestmark = pytest.mark.reliability

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

# Routes (as the resolver spells them) and the methods anyone may call successfully.
PUBLIC: dict[str, set[str]] = {
    # Home, health and search answer any method with the same read-only page (no 405: minor).
    "": set(METHODS),
    "healthz": set(METHODS),
    "admin/login/": {"GET", "POST", "PUT"},  # the form; wrong credentials re-render it
    "api/auth/token": set(),  # POST needs staff credentials: 400/401 without
    "api/rooms/availability": {"POST"},
    "api/bookings": {"POST"},  # guests book without an account
    "api/reservations": {"POST"},  # several rooms at once, without an account
    "api/rooms": {"GET"},
    "api/rooms/<str:room_id>": {"GET"},
    "api/room-types": {"GET"},
    "api/room-types/<str:room_type>": {"GET"},
    "api/extras": {"GET"},  # guests see the extras bookable online (staff: the catalog)
    "api/schema/": {"GET"},
    "api/docs/": {"GET"},
    "webhooks/stripe": set(),  # POST needs a valid Stripe-Signature: 400 without
    "search": set(METHODS),
    "book/<str:room_type>/": {"GET", "POST"},  # the booking form (holds a unit for a guest)
    "book/<str:room_id>": {"GET", "POST"},  # the first version's room link: to its type
    "booking/find": {"GET", "POST"},  # reference + email, throttled
    # The cart (a signed cookie, nothing stored): POST /cart books it for the booker.
    "cart": {"GET", "POST"},
    "cart/add": {"POST"},  # a room for the cart; a bad form redirects back with a message
    "cart/combination": {"POST"},  # a combination's "Book these"
    "cart/remove": {"POST"},
    "admin/logout/": {"POST"},  # signing nobody out is harmless
    # The language switcher (a cookie with the guest's choice; 400 without a language it
    # knows), and what search engines read.
    "language": {"GET"},
    "sitemap.xml": {"GET"},
    "robots.txt": {"GET"},
    "admin/(?P<url>.*)$": set(),  # the admin's catch-all: a redirect to the login
}
# Reachable with a booking's guest token or signed link only; the tests below call them with
# the bare booking reference in place of the link and with no token.
GUEST_TOKEN = {
    "api/bookings/<str:booking_id>",
    "api/bookings/<str:booking_id>/cancel",
    "api/bookings/<str:booking_id>/change",
    "api/bookings/<str:booking_id>/cancellation-quote",
    "booking/<str:token>/",
    "booking/<str:token>/cancel",
    "booking/<str:token>/change",
    "booking/<str:token>/pay",
    "booking/<str:token>/status",
    "booking/<str:token>/balance",  # POST: pay the bill's balance (manage page)
    "booking/<str:token>/extras",  # POST: add an extra before arrival (manage page)
    "booking/<str:token>/check-in",  # online check-in in the week before arrival
    "booking/<str:token>/confirmation",
    "reservation/<str:token>/",  # the reservation's signed link (its stays, what to pay)
    "reservation/<str:token>/pay",  # POST: one payment for every held room (JSON)
    "reservation/<str:token>/status",  # the page polls it between 3-D Secure and the rest
    "calendars/rooms/<str:room_id>/<str:token>.ics",
    "calendars/room-types/<str:room_type>/<str:token>.ics",
    "api/payments",  # POST with the booking's X-Booking-Token; GET is staff only
    "api/bookings/<str:booking_id>/extras",  # POST with the X-Booking-Token (or staff)
    "api/bookings/<str:booking_id>/online-check-in",  # POST: the token; GET: staff or token
    "api/reservations/<str:reservation_id>",  # with the reservation's X-Booking-Token
    "api/reservations/<str:reservation_id>/cancel",
    "api/reservations/<str:reservation_id>/payments",
    "api/reservations/<str:reservation_id>/change",  # every stay's change (or staff)
    "api/reservations/<str:reservation_id>/stays/<str:booking_id>/cancel",
}
# What housekeeping (rooms.view_room, rooms.change_room_status) may open among staff routes.
# The admin's pages answer any method with the page itself (PUT/PATCH/DELETE read nothing more
# than GET), so pages are listed with ALL.
ALL = set(METHODS)
READ = ALL - {"POST"}
HOUSEKEEPING_MAY: dict[str, set[str]] = {
    "admin/": ALL,
    "admin/jsi18n/": {"GET"},
    "admin/password_change/": {"GET", "POST", "PUT"},  # their own password
    "admin/password_change/done/": {"GET"},
    "admin/housekeeping/": ALL,  # the board: POST changes a room's status
    "admin/rooms/room/": ALL,  # POST: the list's actions, refused per action by role
    "admin/rooms/room/<path:object_id>/": ALL,  # a redirect to change/ (followed)
    "admin/rooms/room/<path:object_id>/change/": READ,
    "admin/rooms/room/<path:object_id>/history/": ALL,
    # The room-status endpoint (rooms.change_room_status); a bare PUT answers 400 (no body).
    "api/rooms/<str:room_id>/housekeeping": {"PUT", "PATCH", "POST"},
    # Dated out-of-order periods (rooms.change_room_status); a bare POST answers 415.
    "api/rooms/<str:room_id>/out-of-order": {"POST"},
    "api/rooms/<str:room_id>/out-of-order/<str:period_id>": {"DELETE"},
    # Any staff member reads the rate plans (managers change them).
    "api/rate-plans": {"GET"},
    "api/rate-plans/<str:rate_plan>": {"GET"},
    # Any staff member reads the extras catalog (managers change it).
    "api/extras": {"GET"},
    "api/extras/<str:code>": {"GET"},
}


def walk(resolver=None, prefix: str = ""):
    """(route, pattern) for every URL pattern, depth first."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from walk(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern


ROUTES = sorted({route for route, _ in walk()})


@pytest.fixture
def world(make_room, make_staff):
    room = make_room(roomId="R-WALK")
    check_in = (datetime.now(UTC) + timedelta(days=20)).date()
    created = booking_create(
        room_id=room.roomId,
        check_in=check_in,
        check_out=check_in + timedelta(days=2),
        guests=1,
        guest_name="Walk Guest",
        guest_email="walk@guest.test",
        actor="test",
        now=datetime.now(UTC),
    )
    now = datetime.now(UTC)
    payment = Payment(
        transactionId="TXN-20260101-WALKWALK",
        bookingId=created.booking.bookingId,
        attempt=1,
        amount=created.booking.totalPrice,
        currency=created.booking.currency,
        status="completed",
        createdBy="test",
        createdAt=now,
        updatedAt=now,
    )
    payment.save()
    RateRule(ruleId="walk", name="Walk", kind="percent", value=10, lastUpdated=now).save()
    PromoCode(code="WALK10", percent=10, uses=0, revision=1, lastUpdated=now).save()
    Extra(code="PARKING", name="Parking", price=1500, revision=1, lastUpdated=now).save()
    return {
        "manager": make_staff(roles.MANAGER).email,
        "rule": "walk",
        "promo": "WALK10",
        "extra": "PARKING",
        "room": room.roomId,
        "booking": created.booking.bookingId,
        "guest_token": created.guest_token,
        "payment": payment.transactionId,
        "profile": Booking.get(created.booking.bookingId).profileId,
    }


def concrete(route: str, world: dict, *, signed: bool = False) -> str:
    """A URL for `route` with real ids in its parameters (the bare booking reference where a
    signed link is expected, unless `signed`)."""
    values = {
        "room_id": world["room"],
        "room_type": world.get("room_type", "Deluxe"),  # make_room's type
        "booking_id": world["booking"],
        "reservation_id": world["booking"],  # a booking made alone: a one-stay reservation
        "transaction_id": world["payment"],
        "period_id": "no-such-period",
        "line_id": "L0001",
        "day": "2026-01-15",  # the night audit's reports (a day nobody closed)
        "rate_plan": "FLEX",  # always there, stored or not
        "code": world["promo"],
        "kind": "bookings",
        "op": "charge",  # the booking page's bill forms (admin/…/folio/<op>/)
        "app_label": "rooms",
        "url": "no-such-page/",
        "number": world.get("invoice", "2026-000001"),  # an invoice (staff only)
        "profile_id": world.get("profile", "GP-NONE"),  # a guest profile (staff only)
        "channel_id": world.get("channel", "CH-NONE"),  # an OTA calendar (staff only)
        "key_id": "AK-0000000000000000",  # an integrator's API key (managers only)
        "webhook_id": "WH-NONE",  # an integrator's webhook (managers only)
        "delivery_id": "none",  # one of its deliveries
    }

    def object_id(model_route: str) -> str:
        if "/roomtype/" in model_route:
            return values["room_type"]
        if "/room/" in model_route:
            return world["room"]
        if "/payment/" in model_route:
            return world["payment"]
        if "/staffuser/" in model_route:
            return world["manager"]
        if "/rateruleitem/" in model_route:
            return world["rule"]
        if "/rateplan/" in model_route:
            return "FLEX"
        if "/promocode/" in model_route:
            return world["promo"]
        if "/extra/" in model_route:
            return world.get("extra", "PARKING")
        return world["booking"]

    def token() -> str:
        if route.startswith("calendars/"):
            return room_calendar_token(world["room"]) if signed else world["booking"]
        return manage_token(booking_id=world["booking"]) if signed else world["booking"]

    def replace(match: re.Match) -> str:
        name = match.group("name")
        if name == "object_id":
            return object_id(route)
        if name == "token":
            return token()
        if name == "code" and route.startswith("api/extras/"):
            return world.get("extra", "PARKING")
        return values[name]

    path = re.sub(r"<(?:\w+:)?(?P<name>\w+)>", replace, route)
    path = re.sub(r"\(\?P<(?P<name>\w+)>[^)]*\)", replace, path)
    path = path.replace("^", "").replace("$", "")
    return "/" + path


def refused(response) -> bool:
    """401/403/404/405, or the admin's bounce to its login (or to its index, which then asks
    for the login, or says "no permission")."""
    if response.status_code in (401, 403, 404, 405):
        return True
    location = urlsplit(response.get("Location", "")).path
    return response.status_code in (301, 302, 303) and location in ("/admin/login/", "/admin/")


def call(client: Client, method: str, url: str, **extra):
    """Send the request; follow a redirect to another page of the app (e.g. the admin's
    `<id>/` to `<id>/change/`), but not the bounce to the login or the index."""
    response = getattr(client, method.lower())(url, **extra)
    if response.status_code in (301, 302) and not refused(response):
        response = client.get(urlsplit(response["Location"]).path, **extra)
    return response


def test_every_route_is_classified():
    """A route the walk has never seen is a route nobody reviewed: classify it here."""
    staff = [r for r in ROUTES if r not in PUBLIC and r not in GUEST_TOKEN]
    assert set(PUBLIC) <= set(ROUTES), set(PUBLIC) - set(ROUTES)
    assert set(ROUTES) >= GUEST_TOKEN, GUEST_TOKEN - set(ROUTES)
    # Staff routes live under admin/ or api/; anything else must be PUBLIC or GUEST_TOKEN.
    assert [r for r in staff if not r.startswith(("admin/", "api/"))] == []


def test_anonymous_callers_get_nothing_that_is_not_public(world):
    client = Client()  # CSRF passed, so refusals are the views' own (CSRF: test_security)
    leaks = []
    for route in ROUTES:
        for method in METHODS:
            if method in PUBLIC.get(route, set()):
                continue
            url = concrete(route, world)
            response = call(client, method, url)
            status = response.status_code
            tolerated = route in PUBLIC or route in GUEST_TOKEN
            if status >= 500 or not (refused(response) or (tolerated and 400 <= status < 500)):
                leaks.append(f"{method} {url} ({route}) -> {status}")
    assert leaks == [], "\n".join(leaks)


def test_housekeeping_gets_no_more_than_its_listed_routes(world, make_staff):
    user = make_staff(roles.HOUSEKEEPING)
    browser = Client(enforce_csrf_checks=False)  # a signed-in browser session, CSRF passed
    browser.force_login(user)
    token = api_token_issue(user=user, now=datetime.now(UTC)).token
    allowed = []
    for route in ROUTES:
        if route in PUBLIC or route in GUEST_TOKEN:
            continue
        for method in METHODS:
            url = concrete(route, world)
            if route.startswith("api/"):
                response = call(browser, method, url, HTTP_AUTHORIZATION=f"Bearer {token}")
            else:
                response = call(browser, method, url)
            assert response.status_code < 500, f"{method} {url} -> {response.status_code}"
            if not refused(response) and method not in HOUSEKEEPING_MAY.get(route, set()):
                allowed.append(f"{method} {url} ({route}) -> {response.status_code}")
    assert allowed == []
