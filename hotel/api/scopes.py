"""API key scopes: the one table that says which scope each API route needs.

An integrator's API key (hotel.accounts.tokens) carries scopes; a request made with it is
served only when its route, (URL name, HTTP method), needs one of them. The platform names
the scopes and keeps the table, but knows no domain route: each app registers its own
routes from `<app>/api/scopes.py`, found like admin modules (Django's
`autodiscover_modules`) the first time the table is read, so a cold start that never sees
a key imports none of it.

Every route an app registers gets a scope or STAFF_ONLY (explicitly none: keys never reach
it); a route nobody registered needs no scope a key can hold either (deny by default), and
tests/hotel/accounts/test_api_keys.py fails until every existing route is classified.

A scope also grants the permissions its routes' views ask `has_perm` for (a staff member's
role grants them otherwise): only those, and only on the scope's own routes, so a key that
may cancel a booking cannot also choose the refund amount, which asks for another one.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping

from django.core.exceptions import ImproperlyConfigured

ROOMS_READ = "rooms:read"
AVAILABILITY_READ = "availability:read"
BOOKINGS_READ = "bookings:read"
BOOKINGS_WRITE = "bookings:write"
FOLIO_WRITE = "folio:write"
WEBHOOKS_MANAGE = "webhooks:manage"

SCOPES: dict[str, str] = {
    ROOMS_READ: "Read rooms and room types.",
    AVAILABILITY_READ: "Search availability; read rates, rate plans, extras and the ARI feed.",
    BOOKINGS_READ: "Read bookings and reservations.",
    BOOKINGS_WRITE: "Create, change, cancel bookings and reservations; change their status.",
    FOLIO_WRITE: "Read a booking's or reservation's bill; post charges and payments to it.",
    WEBHOOKS_MANAGE: "Register, read and delete webhook subscriptions; replay deliveries.",
}

STAFF_ONLY = None  # a route's scope when keys must never reach it

Route = tuple[str, str]  # (URL name, HTTP method)

_routes: dict[Route, str | None] = {}
_grants: dict[str, frozenset[str]] = {}
_lock = threading.RLock()
_discovered = False


def register(
    routes: Mapping[Route, str | None], *, grants: Mapping[str, Iterable[str]] | None = None
) -> None:
    """Declare the scope of each (URL name, METHOD) route (STAFF_ONLY: none) and the
    permissions each scope grants on its routes. Called by the apps' `api/scopes.py`.

    Raises ImproperlyConfigured for an unknown scope or a route registered twice differently.
    """
    with _lock:
        for (name, method), scope in routes.items():
            if scope is not STAFF_ONLY and scope not in SCOPES:
                raise ImproperlyConfigured(f"Unknown API key scope {scope!r} for {name}.")
            key = (name, method.upper())
            if key in _routes and _routes[key] != scope:
                raise ImproperlyConfigured(f"{name} {method} is registered with two scopes.")
            _routes[key] = scope
        for scope, perms in (grants or {}).items():
            if scope not in SCOPES:
                raise ImproperlyConfigured(f"Unknown API key scope {scope!r} in grants.")
            _grants[scope] = _grants.get(scope, frozenset()) | frozenset(perms)


def _discover() -> None:
    global _discovered
    if _discovered:
        return
    from django.utils.module_loading import autodiscover_modules

    with _lock:
        if not _discovered:
            autodiscover_modules("api.scopes")
            _discovered = True


def scope_for(name: str | None, method: str) -> str | None:
    """The scope a key needs for this route; None when no key may call it. HEAD is GET
    without the body (Django's views answer it with `get`)."""
    _discover()
    method = "GET" if method.upper() == "HEAD" else method.upper()
    return _routes.get((name, method)) if name else None


def scope_grants(scope: str | None) -> frozenset[str]:
    """The permissions `scope` grants on its own routes."""
    _discover()
    return _grants.get(scope, frozenset()) if scope else frozenset()


def registered_routes() -> dict[Route, str | None]:
    """Every registered route and its scope (STAFF_ONLY included), for tests and the schema."""
    _discover()
    return dict(_routes)


# The platform's own routes: webhook subscriptions (hotel.webhooks, whose views ask for
# webhooks.change_webhook) are an integrator's to manage. An entry for a route that a URL
# conf does not have is harmless.
register(
    {
        ("webhook-list", "GET"): WEBHOOKS_MANAGE,
        ("webhook-list", "POST"): WEBHOOKS_MANAGE,
        ("webhook-detail", "GET"): WEBHOOKS_MANAGE,
        ("webhook-detail", "PATCH"): WEBHOOKS_MANAGE,
        ("webhook-detail", "DELETE"): WEBHOOKS_MANAGE,
        ("webhook-deliveries", "GET"): WEBHOOKS_MANAGE,
        ("webhook-delivery-replay", "POST"): WEBHOOKS_MANAGE,
    },
    grants={WEBHOOKS_MANAGE: ("webhooks.view_webhook", "webhooks.change_webhook")},
)
