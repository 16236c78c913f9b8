"""Error pages and headers (hotel/site/errors.py), the home page's form and texts."""

# ruff: noqa: F811
from __future__ import annotations

import re

from django.test import RequestFactory

from hotel.site.errors import server_error

# The page fixtures (room, booked) are pages.py's; a test naming one as an argument is not a
# redefinition.
from .pages import booked, guest_form, html, room, stay, today  # noqa: F401

# --- error pages and headers ----------------------------------------------------------------


def test_unknown_pages_get_the_site_404_and_api_paths_keep_json(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "We could not find that page" in html(response) and "site.css" in html(response)
    api = client.get("/api/no-such-endpoint")
    assert api.status_code == 404 and api.json()["error"]["code"] == "NOT_FOUND"


def test_the_500_page_is_the_site_s_and_json_on_api_paths():
    request = RequestFactory().get("/search")
    request.request_id = "req-12345678"
    response = server_error(request)
    assert response.status_code == 500
    assert "Something went wrong on our side" in html(response)
    assert "req-12345678" in html(response)
    api = RequestFactory().get("/api/rooms")
    api.request_id = "req-12345678"
    response = server_error(api)
    assert response.status_code == 500 and b'"INTERNAL_ERROR"' in response.content


def test_pages_carry_a_content_security_policy_allowing_only_stripe(client, room, settings):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    stripe = re.match(r"https?://[^/]+", settings.STRIPE_JS_URL).group(0)
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in policy.split("; ") if part.strip()
    )
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'", stripe]
    assert stripe in directives["frame-src"] and stripe in directives["connect-src"]
    assert directives["frame-ancestors"] == ["'none'"] and directives["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert client.get("/api/rooms").has_header("X-Request-Id")


def test_the_home_page_has_the_search_form_and_translatable_text(client, room):
    page = html(client.get("/"))
    assert 'action="/search"' in page and 'type="date"' in page
    assert "Full refund when cancelled 7 or more days before arrival." in page
    # The price a guest pays (4,500.00 + 12 % tax), as the search results will show it.
    assert "from <strong>₹5,040.00</strong> <span>/ night, taxes included</span>" in page
    assert "₹5,040.00" in html(client.get("/search", {**stay(offset=30, nights=1), "guests": 2}))


def test_a_short_hold_is_told_in_minutes(client, room, settings):
    settings.HOTEL_GUEST_HOLD_MINUTES = 30  # the guest site shows guest holds
    page = html(client.get("/book/Standard/", {**stay(), "guests": 2}))
    assert "We hold the room for 30 minutes while you pay." in page
