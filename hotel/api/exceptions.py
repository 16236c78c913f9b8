"""DRF's swappable exception handler: every API error leaves in the project's error shape."""

from __future__ import annotations

from rest_framework.response import Response

from .responses import is_expected, response_for


def exception_handler(exc, context):
    """The error response (hotel.api.responses); None for an unexpected error, which
    ApiErrorMiddleware logs and answers with 500 in the shape."""
    if not is_expected(exc):
        return None
    return response_for(exc, context.get("request"), response_class=Response)
