"""Request ids on every response, the error shape for `/api/` paths outside DRF views, and a
503 page when DynamoDB does not answer a page."""

from __future__ import annotations

import logging
import re
import uuid

from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from pynamodb.exceptions import PynamoDBException

from hotel.api.responses import is_expected, response_for
from hotel.dynamo import is_transient
from hotel.errors import NoSuchEndpoint
from hotel.logging import request_id_var

logger = logging.getLogger("hotel.errors")
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")


def is_api_path(request) -> bool:
    return request.path_info.startswith("/api/") or request.path_info == "/healthz"


class RequestIdMiddleware:
    """Accept a caller's X-Request-Id when it looks sane, else mint one; echo it back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-Id", "")
        request.request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-Id"] = request.request_id
        return response


class ApiErrorMiddleware:
    """Give `/api/` 404s and uncaught errors the project's error shape instead of HTML."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            is_api_path(request)
            and response.status_code == 404
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return response_for(NoSuchEndpoint(), request)
        return response

    def process_exception(self, request, exception):
        transient = isinstance(exception, PynamoDBException) and is_transient(exception)
        if not is_api_path(request):
            return self._page_unavailable(request) if transient else None
        if not is_expected(exception):
            logger.exception("Unhandled error on %s (request %s)", request.path, request.request_id)
        return response_for(exception, request)

    @staticmethod
    def _page_unavailable(request):
        """A page whose data store did not answer: 503 in the site's look, try again shortly."""
        logger.warning("DynamoDB unavailable on %s (request %s)", request.path, request.request_id)
        request.dynamo_down = True  # the hotel's page from this process's copy (hotel.contact)
        response = render(
            request,
            "site/503.html",
            {"request_id": request.request_id},
            status=503,
        )
        response["Retry-After"] = "5"
        return response


# --- deployment: log context and Cache-Control (see docs/deployment.md) -----------------------

API_CACHE_CONTROL = "private, no-cache"
HTML_CACHE_SECONDS = 60
# Set on a response whose Vary: Cookie says only "the language cookie chose it" (vary_on_language).
_LANGUAGE_COOKIE_ONLY = "_hotel_cookie_vary_is_language"


def vary_on_language(response) -> None:
    """Add `Vary: Accept-Language, Cookie` to a response that another language cookie or
    browser language would have been sent elsewhere from (the guest site's unprefixed pages:
    hotel.site.language), so that a shared cache keys it on them. That alone does not make
    it personal: CacheControlMiddleware still shares it unless something else varies on the
    cookie (a view's own Vary: Cookie, the session)."""
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",")}
    if "cookie" not in vary:
        setattr(response, _LANGUAGE_COOKIE_ONLY, True)
    patch_vary_headers(response, ("Accept-Language", "Cookie"))


class LogContextMiddleware:
    """Expose the request id to every log record of the request.

    Not reset when the response leaves: Django's own request log (`django.request`, written
    after the middleware chain) and Zappa's access line come later and should carry it too.
    The Lambda entry point (hotel.awslambda) clears it at the start of each invocation.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id_var.set(getattr(request, "request_id", ""))
        return self.get_response(request)


class CacheControlMiddleware:
    """Set Cache-Control where the view did not, so CloudFront and browsers cache safely.

    API, webhook and health responses: `private, no-cache`. A plain HTML page (GET, 200, no
    cookie set, not varying on Cookie other than for the language: vary_on_language):
    `public, max-age=60`. Anything else: `private, no-cache`. Static files carry their own
    (a year, immutable, for hashed names).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = self.cache_control(request, response)
        return response

    @staticmethod
    def cache_control(request, response) -> str:
        if is_api_path(request) or request.path_info.startswith("/webhooks/"):
            return API_CACHE_CONTROL
        vary = {v.strip().lower() for v in response.get("Vary", "").split(",")}
        session = getattr(request, "session", None)
        personal = "cookie" in vary and (
            not getattr(response, _LANGUAGE_COOKIE_ONLY, False)
            or getattr(session, "accessed", False)  # its Vary: Cookie came with the language's
        )
        shareable_page = (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and response.get("Content-Type", "").startswith("text/html")
            and not response.cookies
            and not personal
        )
        return f"public, max-age={HTML_CACHE_SECONDS}" if shareable_page else API_CACHE_CONTROL
