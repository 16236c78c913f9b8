"""Roles hold everywhere: every role (and anonymous) against every admin page, every admin
action and every staff API endpoint.

The lists of pages and endpoints are generated from the URL resolvers (the admin site's
`get_urls()` and the API's urlpatterns), not written by hand: a page or endpoint added
later without a line in the tables below fails `test_every_*_is_in_the_matrix`.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver
from django.utils import timezone
from rest_framework.test import APIClient

from bookings.checkin.services import registration_submit
from bookings.models import Booking
from bookings.services import booking_create, booking_transition, hotel_today
from hotel.accounts import roles
from hotel.accounts.services import api_token_issue
from hotel.admin_site import site
from payments.models import Payment
from tests.bookings.checkin.conftest import FORM as CHECK_IN_FORM

M, FD, HK, ACC = roles.MANAGER, roles.FRONT_DESK, roles.HOUSEKEEPING, roles.ACCOUNTANT
ALL = frozenset({M, FD, HK, ACC})
NONE: frozenset[str] = frozenset()
BOOKING_STAFF = frozenset({M, FD, ACC})  # may read bookings
DESK = frozenset({M, FD})  # may change bookings
REPORTS = frozenset({M, ACC})
CANCEL = DESK | {ACC}  # accountants cancel (with the refund) but change nothing else
ROOM_STATUS = frozenset({M, FD, HK})

# --- admin pages: URL name -> roles that may open it (GET) ----------------------------------------
ADMIN_PAGES: dict[str, frozenset[str]] = {
    "index": ALL,
    "password_change": ALL,
    "password_change_done": ALL,
    "jsi18n": ALL,
    "app_list:rooms": ALL,
    "app_list:bookings": BOOKING_STAFF,
    "app_list:payments": BOOKING_STAFF,
    "app_list:accounts": frozenset({M}),
    "app_list:audit": frozenset({M}),
    "rooms_room_changelist": ALL,
    "rooms_room_add": frozenset({M}),
    "rooms_room_change": ALL,
    "rooms_room_history": ALL,
    "rooms_room_delete": frozenset({M}),
    "rooms_roomtype_changelist": frozenset({M}),
    "rooms_roomtype_add": frozenset({M}),
    "rooms_roomtype_change": frozenset({M}),
    "rooms_roomtype_gallery": frozenset({M}),
    "rooms_roomtype_history": frozenset({M}),
    "rooms_roomtype_delete": frozenset({M}),
    "bookings_booking_changelist": BOOKING_STAFF,
    "bookings_booking_add": DESK,
    "bookings_booking_change": BOOKING_STAFF,
    "bookings_booking_history": BOOKING_STAFF,
    "bookings_booking_actions": BOOKING_STAFF,  # GET only goes back to the booking page
    "bookings_booking_folio": BOOKING_STAFF,  # the bill's forms: GET goes back to the booking
    "bookings_booking_registration_card": BOOKING_STAFF,  # the PDF the desk prints
    "bookings_booking_delete": NONE,  # cancelled, never deleted
    "bookings_rateruleitem_changelist": DESK,
    "bookings_rateruleitem_add": frozenset({M}),
    "bookings_rateruleitem_change": DESK,
    "bookings_rateruleitem_history": DESK,
    "bookings_rateruleitem_delete": frozenset({M}),
    "bookings_rateplan_changelist": DESK,
    "bookings_rateplan_add": frozenset({M}),
    "bookings_rateplan_change": DESK,
    "bookings_rateplan_history": DESK,
    "bookings_rateplan_delete": frozenset({M}),
    "bookings_promocode_changelist": frozenset({M}),
    "bookings_promocode_add": frozenset({M}),
    "bookings_promocode_change": frozenset({M}),
    "bookings_promocode_history": frozenset({M}),
    "bookings_promocode_delete": frozenset({M}),
    "bookings_extra_changelist": DESK,  # the desk reads the catalog, managers change it
    "bookings_extra_add": frozenset({M}),
    "bookings_extra_change": DESK,
    "bookings_extra_history": DESK,
    "bookings_extra_delete": frozenset({M}),
    "payments_payment_changelist": BOOKING_STAFF,
    "payments_payment_add": NONE,
    "payments_payment_change": BOOKING_STAFF,
    "payments_payment_history": BOOKING_STAFF,
    "payments_payment_actions": BOOKING_STAFF,
    "payments_payment_delete": NONE,
    "accounts_staffuser_changelist": frozenset({M}),
    "accounts_staffuser_add": frozenset({M}),
    "accounts_staffuser_change": frozenset({M}),
    "accounts_staffuser_history": frozenset({M}),
    "accounts_staffuser_delete": NONE,  # deactivated, never deleted
    "accounts_staffuser_password": frozenset({M}),
    "audit_auditentry_changelist": frozenset({M}),
    "audit_auditentry_add": NONE,
    "backoffice_dashboard": BOOKING_STAFF,
    "backoffice_stay": DESK,  # POST only; GET goes back to the dashboard
    "backoffice_night_audit": REPORTS,  # POST only; GET goes back to the dashboard
    "backoffice_rooms_assign": DESK,  # POST only; GET goes back to the dashboard
    "backoffice_booking_room": DESK,  # POST only; GET goes back to the booking
    "backoffice_rack": BOOKING_STAFF,
    "backoffice_hotel_page": frozenset({M}),  # the hotel's page guests see
    "backoffice_hotel_media": frozenset({M}),  # its photos and map image
    "backoffice_rates": BOOKING_STAFF,  # the grid; its bulk form (POST) is the managers'
    "backoffice_blocks": DESK,  # group blocks: list and create
    "backoffice_block": DESK,  # one block (GET without a code goes back to the list)
    "backoffice_channels": DESK,  # OTA calendars; POST registers one (managers)
    "backoffice_channel": DESK,  # one channel (GET without an id goes back to the list)
    "backoffice_channel_sync": DESK,  # POST only; GET goes back to the list
    "backoffice_housekeeping": ROOM_STATUS,
    "backoffice_reports": REPORTS,
    "backoffice_export": REPORTS,
    "backoffice_guests": BOOKING_STAFF,
    "backoffice_guest": BOOKING_STAFF,
    "backoffice_guest_edit": DESK,  # POST only; GET goes back to the profile
    "backoffice_guest_merge": DESK,  # POST only; GET goes back to the profile
    "backoffice_booking_guest": DESK,
    "backoffice_guest_export": DESK,  # a guest's data as JSON (the booking page's button)
    "backoffice_guest_erase": frozenset({M}),  # the confirmation; POST erases
    "backoffice_reservation": BOOKING_STAFF,  # a reservation's stays, total, booker
    "backoffice_reservation_folio": BOOKING_STAFF,  # its own bill's forms: GET goes back
    "backoffice_reservation_cancel": CANCEL,  # GET/POST: the refunds first; post=yes cancels
}
# Pages that answer every signed-in user the same way (not a permission question).
ADMIN_SPECIAL = {"login": None, "logout": None}

# --- admin actions: (model admin, action) -> roles that may run it --------------------------------
ADMIN_ACTIONS: dict[tuple[str, str], frozenset[str]] = {
    ("rooms.room", "mark_maintenance"): ROOM_STATUS,
    ("rooms.room", "mark_available"): ROOM_STATUS,
    ("bookings.booking", "confirm"): DESK,
    ("bookings.booking", "check_in"): DESK,
    ("bookings.booking", "check_in_anyway"): DESK,
    ("bookings.booking", "check_out"): DESK,
    ("bookings.booking", "check_out_anyway"): frozenset({M}),  # with a balance due, audited
    ("bookings.booking", "cancel"): CANCEL,
    ("bookings.booking", "no_show"): DESK,
    ("payments.payment", "refund"): REPORTS,
}
# Actions that first answer a confirmation page (200) to those who may run them.
CONFIRMED_ACTIONS = {("bookings.booking", "cancel"), ("bookings.booking", "confirm")}
# POSTs of the back-office pages: URL name -> roles that may send them.
BACKOFFICE_POSTS = {
    "backoffice_stay": DESK,
    "backoffice_housekeeping": ROOM_STATUS,
    "backoffice_rooms_assign": DESK,
    "backoffice_booking_room": DESK,
    "backoffice_rates": frozenset({M}),
    "backoffice_night_audit": REPORTS,
    "backoffice_guest_edit": DESK,  # an empty form: a message, nothing saved
    "backoffice_guest_merge": DESK,  # an empty form: a message, nothing merged
    "backoffice_block": DESK,
    "backoffice_channels": frozenset({M}),  # registers a calendar
    "backoffice_channel": frozenset({M}),  # marks a stay sold twice resolved
    "backoffice_channel_sync": DESK,
}
# The booking page's bill forms (hotel/backoffice/folio_desk.py): op -> roles that may post.
FOLIO_POSTS = {
    "charge": DESK | {ACC},
    "payment": DESK | {ACC},
    "split": DESK | {ACC},
    "invoice": DESK | {ACC},
    "reverse": REPORTS,
    "allowance": REPORTS,
}

# --- the API: (route name, method) -> "public", or roles; guest-token routes answer 404 -----------
PUBLIC = "public"
API: dict[tuple[str, str], str | frozenset[str]] = {
    ("auth-token", "POST"): PUBLIC,
    ("auth-token", "DELETE"): ALL,  # any signed-in bearer revokes its own token
    # Integrators' API keys (accounts.view_apikey / change_apikey): managers only.
    ("api-key-list", "GET"): frozenset({M}),
    ("api-key-list", "POST"): frozenset({M}),
    ("api-key-detail", "GET"): frozenset({M}),
    ("api-key-detail", "DELETE"): frozenset({M}),
    ("rooms-availability", "POST"): PUBLIC,
    ("room-list", "GET"): PUBLIC,
    ("room-list", "POST"): frozenset({M}),
    ("room-detail", "GET"): PUBLIC,
    ("room-detail", "PUT"): frozenset({M}),
    ("room-detail", "PATCH"): frozenset({M}),
    ("room-detail", "DELETE"): frozenset({M}),
    ("room-type-list", "GET"): PUBLIC,
    ("room-type-list", "POST"): frozenset({M}),
    ("room-type-detail", "GET"): PUBLIC,
    ("room-type-detail", "PUT"): frozenset({M}),
    ("room-type-detail", "PATCH"): frozenset({M}),
    ("room-type-detail", "DELETE"): frozenset({M}),
    ("booking-room", "PUT"): DESK,
    ("booking-room", "DELETE"): DESK,
    ("room-assignments", "POST"): DESK,
    ("room-out-of-order", "POST"): ROOM_STATUS,
    ("room-out-of-order-detail", "DELETE"): ROOM_STATUS,
    ("booking-list", "GET"): BOOKING_STAFF,
    ("booking-list", "POST"): PUBLIC,  # guests book without an account
    ("booking-detail", "GET"): BOOKING_STAFF,  # or the guest's token
    ("booking-status", "PUT"): DESK,
    ("booking-cancel", "POST"): CANCEL,  # or the guest's token
    ("booking-change", "POST"): DESK,  # or the guest's token
    ("booking-cancellation-quote", "GET"): BOOKING_STAFF,  # or the guest's token
    ("booking-change-quote", "POST"): DESK,  # staff: what a change would cost
    ("reservation-list", "POST"): PUBLIC,  # guests book several rooms without an account
    ("reservation-detail", "GET"): BOOKING_STAFF,  # or the reservation's token
    ("reservation-cancel", "POST"): CANCEL,  # or the reservation's token
    ("reservation-stay-cancel", "POST"): CANCEL,  # or the reservation's token
    ("reservation-payments", "POST"): DESK | {ACC},  # as payment-list POST; or the token
    ("reservation-change", "POST"): DESK,  # every stay's change; or the reservation's token
    ("payment-list", "GET"): BOOKING_STAFF,
    ("payment-list", "POST"): DESK | {ACC},  # add_payment or change_booking; or the token
    ("payment-detail", "GET"): BOOKING_STAFF,
    ("payment-refund", "POST"): REPORTS,
    ("rate-plan-list", "GET"): ALL,  # any staff member reads the plans
    ("rate-plan-list", "POST"): frozenset({M}),
    ("rate-plan-detail", "GET"): ALL,
    ("rate-plan-detail", "PUT"): frozenset({M}),
    ("rate-plan-detail", "PATCH"): frozenset({M}),
    ("rate-plan-detail", "DELETE"): frozenset({M}),
    ("promo-code-list", "GET"): frozenset({M}),
    ("promo-code-list", "POST"): frozenset({M}),
    ("promo-code-detail", "GET"): frozenset({M}),
    ("promo-code-detail", "PUT"): frozenset({M}),
    ("promo-code-detail", "PATCH"): frozenset({M}),
    ("promo-code-detail", "DELETE"): frozenset({M}),
    ("rate-calendar", "GET"): BOOKING_STAFF,
    ("rate-calendar", "PUT"): frozenset({M}),  # front desk reads prices, managers set them
    # The bill: the desk and accountants post charges and payments; money back and reversals
    # are for managers and accountants.
    ("folio", "GET"): BOOKING_STAFF,
    ("folio-charges", "POST"): CANCEL,
    ("folio-payments", "POST"): CANCEL,
    ("folio-split", "POST"): CANCEL,
    ("folio-refunds", "POST"): REPORTS,
    ("folio-allowances", "POST"): REPORTS,
    ("folio-reverse", "POST"): REPORTS,
    # A reservation's own bill: the booking bill's views, so the booking bill's roles.
    ("reservation-folio", "GET"): BOOKING_STAFF,
    ("reservation-folio-charges", "POST"): CANCEL,
    ("reservation-folio-payments", "POST"): CANCEL,
    ("reservation-folio-refunds", "POST"): REPORTS,
    ("reservation-folio-allowances", "POST"): REPORTS,
    ("reservation-folio-reverse", "POST"): REPORTS,
    ("reservation-invoices", "GET"): BOOKING_STAFF,
    ("reservation-invoices", "POST"): BOOKING_STAFF,
    ("booking-invoices", "GET"): BOOKING_STAFF,
    ("booking-invoices", "POST"): BOOKING_STAFF,  # the desk and accountants issue invoices
    ("invoice-detail", "GET"): BOOKING_STAFF,
    ("invoice-pdf", "GET"): BOOKING_STAFF,
    ("invoice-credit-note", "POST"): REPORTS,  # only managers and accountants cancel one
    ("extra-list", "GET"): PUBLIC,  # guests see the extras bookable online, staff all
    ("extra-list", "POST"): frozenset({M}),
    ("extra-detail", "GET"): ALL,
    ("extra-detail", "PUT"): frozenset({M}),
    ("extra-detail", "PATCH"): frozenset({M}),
    ("extra-detail", "DELETE"): frozenset({M}),
    ("booking-extras", "POST"): DESK,  # or the guest's token
    ("booking-online-check-in", "POST"): NONE,  # the guest's token only
    ("booking-online-check-in", "GET"): BOOKING_STAFF,  # masked; or the guest's token
    ("ari", "GET"): BOOKING_STAFF,  # availability and rates (and API keys' availability:read)
    # OTA calendars: the desk reads and syncs them; managers register and change them.
    ("channel-list", "GET"): DESK,
    ("channel-list", "POST"): frozenset({M}),
    ("channel-detail", "GET"): DESK,
    ("channel-detail", "PATCH"): frozenset({M}),
    ("channel-sync", "POST"): DESK,
    # Group blocks: the desk and managers (bookings.*).
    ("block-list", "GET"): DESK,
    ("block-list", "POST"): DESK,
    ("block-detail", "GET"): DESK,
    ("block-detail", "PATCH"): DESK,
    ("block-release", "POST"): DESK,
    ("block-rooming-list", "POST"): DESK,
    ("night-audit", "POST"): REPORTS,  # managers and accountants close the day
    ("night-audit-day", "GET"): REPORTS,
    ("daily-report-csv", "GET"): REPORTS,
    ("accounting-export", "GET"): REPORTS,
    ("guest-list", "GET"): BOOKING_STAFF,
    ("guest-detail", "GET"): BOOKING_STAFF,
    ("guest-detail", "PATCH"): DESK,
    ("guest-merge", "POST"): DESK,
    ("booking-guest", "PATCH"): DESK,
    # A guest's data: the desk and managers export it; only managers erase it.
    ("guest-export", "GET"): DESK,
    ("guest-erase", "POST"): frozenset({M}),
    # Integrators' webhooks (webhooks.change_webhook): managers only, reads included.
    ("webhook-list", "GET"): frozenset({M}),
    ("webhook-list", "POST"): frozenset({M}),
    ("webhook-detail", "GET"): frozenset({M}),
    ("webhook-detail", "PATCH"): frozenset({M}),
    ("webhook-detail", "DELETE"): frozenset({M}),
    ("webhook-deliveries", "GET"): frozenset({M}),
    ("webhook-delivery-replay", "POST"): frozenset({M}),
}
# Routes that let a guest in with the booking's token: others get 404, never 401/403.
GUEST_TOKEN_ROUTES = {
    "booking-detail",
    "booking-cancel",
    "booking-change",
    "booking-cancellation-quote",
    "payment-list:POST",
    "booking-extras",
    "booking-online-check-in",
    "reservation-detail",
    "reservation-cancel",
    "reservation-stay-cancel",
    "reservation-payments",
    "reservation-change",
}
API_DOCS = {"schema", "docs"}  # public documentation, not data


# --- URL enumeration ------------------------------------------------------------------------------


def _walk(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern


def admin_urls(ids: dict[str, str]) -> list[tuple[str, str]]:
    """(matrix key, URL) for every named admin URL, with real ids filled in."""
    result = []
    for route, pattern in _walk(site.get_urls()):
        if not pattern.name:
            continue  # the catch-all and the /<id>/ → /<id>/change/ redirect
        if pattern.name == "app_list":
            for label in ("rooms", "bookings", "payments", "accounts", "audit"):
                result.append((f"app_list:{label}", f"/admin/{label}/"))
            continue
        url = "/admin/" + route.lstrip("^").rstrip("$")
        if "<path:object_id>" in url:
            model = pattern.name.split("_")[0] + "_" + pattern.name.split("_")[1]
            url = url.replace("<path:object_id>", ids[model])
        url = url.replace("<str:kind>", "bookings").replace("<slug:op>", "charge")
        url = url.replace("<str:profile_id>", ids.get("profile", "GP-NONE"))
        url = url.replace("<str:booking_id>", ids["bookings_booking"])
        url = url.replace("<str:reservation_id>", ids.get("reservation_id", "RS-X"))
        result.append((pattern.name, url))
    return result


def api_routes() -> list[tuple[str, str, str]]:
    """(route name, method, route) of every API view method (docs excepted)."""
    from hotel.urls import api_urlpatterns

    found = []
    for route, pattern in _walk(api_urlpatterns):
        if pattern.name in API_DOCS:
            continue
        view = pattern.callback.cls
        for method in ("get", "post", "put", "patch", "delete"):
            if hasattr(view, method):
                found.append((pattern.name, method.upper(), route))
    return found


# --- fixtures -------------------------------------------------------------------------------------


@pytest.fixture
def world(make_room, make_staff):
    """One of everything the pages and endpoints name: room, booking, payment, staff, rule."""
    from bookings.extras.catalog import extra_create
    from bookings.promo_codes import promo_code_create
    from bookings.rate_plan_services import rate_plan_create
    from bookings.rates import rate_rule_save
    from bookings.reservations.services import reservation_create

    make_room(roomId="101")
    now = timezone.now()
    today = hotel_today(now)
    booking = booking_create(
        room_id="101",
        check_in=today + timedelta(days=3),
        check_out=today + timedelta(days=5),
        guests=1,
        guest_name="Ada Guest",
        guest_email="ada@guest.test",
        actor="t",
        now=now,
    ).booking
    booking_transition(booking_id=booking.bookingId, to_status="confirmed", actor="t", now=now)
    # The guest checked in online, so staff have a registration to read (masked).
    registration_submit(booking_id=booking.bookingId, data=CHECK_IN_FORM, actor="guest", now=now)
    payment = Payment(
        transactionId="TXN-20260101-MATRIX01",
        bookingId=booking.bookingId,
        attempt=1,
        amount=booking.totalPrice,
        currency=booking.currency,
        status="failed",  # nothing to refund: the refund action stops at the permission check
        createdBy="guest",
        createdAt=now,
        updatedAt=now,
    )
    payment.save()
    rule = rate_rule_save(
        rule_id=None,
        data={"name": "Weekend", "kind": "percent", "value": 10, "weekdays": [5, 6]},
        actor="t",
        now=now,
    )
    plan = rate_plan_create(
        data={"ratePlan": "NONREF", "name": "Non-refundable"}, actor="t", now=now
    )
    promo = promo_code_create(data={"code": "SPRING10", "percent": 10}, actor="t", now=now)
    extra_create(data={"code": "PARKING", "name": "Parking", "price": 1500}, actor="t", now=now)
    reservation = reservation_create(
        booker={"name": "Ada Booker", "email": "ada@guest.test"},
        stays=[
            {
                "roomType": "Deluxe",
                "adults": 1,
                "checkIn": today + timedelta(days=10),
                "checkOut": today + timedelta(days=12),
            }
        ],  # fmt: skip
        actor="t",
        now=now,
    ).reservation
    return {
        "reservation_id": reservation.reservationId,
        "rooms_room": "101",
        "rooms_roomtype": "Deluxe",
        "bookings_booking": booking.bookingId,
        "payments_payment": payment.transactionId,
        "accounts_staffuser": make_staff(FD).email,
        "bookings_rateruleitem": rule.ruleId,
        "bookings_rateplan": plan.ratePlan,
        "bookings_promocode": promo.code,
        "bookings_extra": "PARKING",
        "booking": booking,
        "payment": payment,
        "profile": Booking.get(booking.bookingId).profileId,
    }


def signed_in(make_staff, role):
    user = make_staff(role)
    client = Client()
    client.force_login(user)
    return client


# --- the tables cover everything ------------------------------------------------------------------


def test_every_admin_page_is_in_the_matrix():
    keys = {key for key, _ in admin_urls(dict.fromkeys(_ID_KEYS, "x"))}

    assert keys - set(ADMIN_PAGES) - set(ADMIN_SPECIAL) == set()
    assert set(ADMIN_PAGES) - keys == set()  # no stale lines either


_ID_KEYS = (
    "rooms_room",
    "rooms_roomtype",
    "bookings_booking",
    "payments_payment",
    "accounts_staffuser",
    "bookings_rateruleitem",
    "bookings_rateplan",
    "bookings_promocode",
    "bookings_extra",
)


def test_every_admin_action_is_in_the_matrix():
    declared = {
        (admin.object_type, name)
        for admin in site.dynamo_admins()
        for name in {**admin._declared_actions(), **admin._declared_actions(admin.object_actions)}
    }

    assert declared == set(ADMIN_ACTIONS)


def test_every_api_endpoint_is_in_the_matrix():
    found = {(name, method) for name, method, _ in api_routes()}

    assert found == set(API)


# --- admin pages ----------------------------------------------------------------------------------


def _allowed_response(response) -> bool:
    login = response.status_code == 302 and "/admin/login/" in response["Location"]
    return response.status_code in (200, 302) and not login


@pytest.mark.parametrize("role", sorted(ALL))
def test_admin_pages_by_role(world, make_staff, role):
    client = signed_in(make_staff, role)
    wrong = []

    for key, url in admin_urls(world):
        if key in ADMIN_SPECIAL:
            continue
        response = client.get(url)
        if role in ADMIN_PAGES[key]:
            ok = _allowed_response(response)
        else:
            ok = response.status_code in (403, 404)
        if not ok:
            wrong.append(f"{key} {url}: {response.status_code}")

    assert wrong == []


def test_admin_pages_send_anonymous_users_to_the_login(world):
    client = Client()
    wrong = []

    for key, url in admin_urls(world):
        response = client.get(url)
        if key == "login":
            ok = response.status_code == 200
        elif key == "logout":
            ok = response.status_code in (302, 405) and "/admin/" in response.get(
                "Location", "/admin/"
            )
        else:
            ok = response.status_code == 302 and response["Location"].startswith("/admin/login/")
        if not ok:
            wrong.append(f"{key} {url}: {response.status_code}")

    assert wrong == []


# --- admin actions and back-office POSTs ----------------------------------------------------------


@pytest.mark.parametrize("role", sorted(ALL))
def test_admin_actions_by_role(world, make_staff, role):
    client = signed_in(make_staff, role)
    wrong = []

    for (object_type, name), allowed in ADMIN_ACTIONS.items():
        admin = site.admin_for_object_type(object_type)
        object_id = world[f"{admin.opts.app_label}_{admin.opts.model_name}"]
        if name in admin._declared_actions():
            url, data = admin.changelist_url(), {"action": name, "_selected_action": [object_id]}
        else:
            url, data = admin.object_url(object_id, "actions"), {"action": name}
        response = client.post(url, data)
        done = 200 if (object_type, name) in CONFIRMED_ACTIONS else 302
        expected = done if role in allowed else 403
        if response.status_code != expected:
            wrong.append(f"{object_type} {name}: {response.status_code}, expected {expected}")

    for name, allowed in BACKOFFICE_POSTS.items():
        url, data = {
            "backoffice_stay": (
                "/admin/dashboard/stay/",
                {"booking_id": world["booking"].bookingId, "to": "checked-in"},
            ),
            "backoffice_housekeeping": (
                "/admin/housekeeping/",
                {"room_id": "101", "state": "dirty"},
            ),
            "backoffice_rooms_assign": ("/admin/rooms/assign/", {"day": world["booking"].checkIn}),
            "backoffice_booking_room": (
                "/admin/rooms/booking/",
                {"booking_id": world["booking"].bookingId, "room_id": "101", "pinned": "on"},
            ),
            "backoffice_night_audit": ("/admin/dashboard/night-audit/", {"date": "2026-01-15"}),
            "backoffice_guest_edit": (f"/admin/guests/{world['profile']}/edit/", {}),
            "backoffice_guest_merge": (f"/admin/guests/{world['profile']}/merge/", {}),
            "backoffice_block": ("/admin/blocks/block/?code=NOPE", {"action": "release"}),
            "backoffice_channels": (
                "/admin/channels/",
                {"name": "Matrix", "url": "http://127.0.0.1:9/m.ics", "roomType": "Deluxe"},
            ),
            "backoffice_channel": (
                "/admin/channels/channel/?id=CH-NOPE",
                {"action": "resolve", "uid": "x"},
            ),
            "backoffice_channel_sync": ("/admin/channels/sync/", {"id": "CH-NOPE"}),
            "backoffice_rates": (
                "/admin/rates/",
                {
                    "plan": "FLEX",
                    "room_types": ["Deluxe"],
                    "start": world["booking"].checkIn,
                    "last": world["booking"].checkIn,
                    "stop_sell": "set",
                },
            ),
        }[name]
        response = client.post(url, data)
        expected = 302 if role in allowed else 403
        if response.status_code != expected:
            wrong.append(f"{name}: {response.status_code}, expected {expected}")

    booking_id = world["booking"].bookingId
    for op, allowed in FOLIO_POSTS.items():  # empty forms: a message, nothing posted
        response = client.post(f"/admin/bookings/booking/{booking_id}/folio/{op}/", {})
        expected = 302 if role in allowed else 403
        if response.status_code != expected:
            wrong.append(f"folio {op}: {response.status_code}, expected {expected}")

    assert wrong == []


def test_actions_that_were_refused_changed_nothing(world, make_staff):
    client = signed_in(make_staff, HK)

    client.post(
        "/admin/bookings/booking/",
        {"action": "cancel", "_selected_action": [world["booking"].bookingId]},
    )
    client.post(
        "/admin/dashboard/stay/", {"booking_id": world["booking"].bookingId, "to": "checked-in"}
    )

    assert Booking.get(world["booking"].bookingId).status == "confirmed"


# --- the API --------------------------------------------------------------------------------------


def _api_request(client, name, method, route, world):
    url = "/api/" + route
    url = url.replace("<str:room_id>", "101").replace(
        "<str:transaction_id>", world["payment"].transactionId
    )
    url = url.replace("<str:booking_id>", world["booking"].bookingId)
    # A booking made alone is a one-stay reservation (its id is its reference).
    # A reservation's own bill needs a real reservation (RS-…: a booking has none).
    own_bill = name.startswith(("reservation-folio", "reservation-invoices"))
    reservation = world["reservation_id"] if own_bill else None
    url = url.replace("<str:reservation_id>", reservation or world["booking"].bookingId)
    url = url.replace("<str:rate_plan>", world["bookings_rateplan"])
    code = "PARKING" if name == "extra-detail" else world["bookings_promocode"]
    url = url.replace("<str:code>", code)
    url = url.replace("<str:line_id>", "L0001")
    url = url.replace("<str:number>", "2026-000001")  # none issued: 404 once allowed
    url = url.replace("<str:day>", "2026-01-15")
    url = url.replace("<str:profile_id>", world["profile"])
    url = url.replace("<str:webhook_id>", "WH-NONE").replace("<str:delivery_id>", "none")
    if name == "guest-list":
        url += "?q=ada"
    if name == "accounting-export":
        url += "?from=2026-01-15&to=2026-01-16"
    body = {
        "room-detail": {"capacity": 2},
        "booking-status": {"status": "checked-in"},
        "payment-refund": {"amount": 1},
        "night-audit": {"date": "2026-01-15"},
        "guest-erase": {"reason": "Role matrix"},  # the stay is to come: 409 once allowed
        "rate-calendar": {"roomType": "Deluxe", "ratePlan": "FLEX", "from": "2027-03-01"},
        "booking-change": {"roomId": "101"},
        "guest-merge": {"into": "GP-NONE"},  # 404 once allowed: nothing merged
        "payment-list": {
            "bookingId": world["booking"].bookingId,
            "amount": world["booking"].totalPrice,
            "currency": world["booking"].currency,
            "paymentMethodId": "pm_card_visa",
        },
    }.get(name, {})
    if name == "room-detail" and method == "DELETE":
        url = url.replace("/101", "/999")  # keep the room: 404 for the allowed, 403 for others
    return getattr(client, method.lower())(url, body, format="json")


@pytest.mark.parametrize("role", [*sorted(ALL), "anonymous"])
def test_api_endpoints_by_role(world, make_staff, role):
    wrong = []

    for name, method, route in api_routes():
        client = APIClient()
        if role != "anonymous":
            token = api_token_issue(user=make_staff(role), now=timezone.now()).token
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        response = _api_request(client, name, method, route, world)
        policy = API[(name, method)]
        status = response.status_code
        if policy == PUBLIC or (role != "anonymous" and role in policy):
            ok = status not in (401, 403) and not (
                status == 404
                and (name in GUEST_TOKEN_ROUTES or f"{name}:{method}" in GUEST_TOKEN_ROUTES)
            )
        elif name in GUEST_TOKEN_ROUTES or f"{name}:{method}" in GUEST_TOKEN_ROUTES:
            ok = status == 404  # nobody learns whether the booking exists
        else:
            ok = status == (401 if role == "anonymous" else 403)
        if not ok:
            wrong.append(f"{method} {route} ({name}): {status}")

    assert wrong == []
