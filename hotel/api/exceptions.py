"""DRF's swappable exception handler: every API error leaves in the project's error shape."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from pynamodb.exceptions import PynamoDBException
from rest_framework import exceptions as drf
from rest_framework.response import Response

from hotel.dynamo import is_transient
from hotel.errors import DomainError, ServiceUnavailable
from hotel.middleware import error_body

logger = logging.getLogger("hotel.errors")

_DRF_CODES = {
    drf.ParseError: "MALFORMED_REQUEST",
    drf.AuthenticationFailed: "AUTHENTICATION_FAILED",
    drf.NotAuthenticated: "NOT_AUTHENTICATED",
    drf.PermissionDenied: "PERMISSION_DENIED",
    drf.NotFound: "NOT_FOUND",
    drf.MethodNotAllowed: "METHOD_NOT_ALLOWED",
    drf.NotAcceptable: "NOT_ACCEPTABLE",
    drf.UnsupportedMediaType: "UNSUPPORTED_MEDIA_TYPE",
    drf.Throttled: "THROTTLED",
    drf.ValidationError: "VALIDATION_ERROR",
}


def _field_details(detail) -> dict:
    """Flatten DRF's nested ValidationError detail into {"field": ["message", …]}."""
    if isinstance(detail, dict):
        out = {}
        for field, value in detail.items():
            if isinstance(value, dict):
                for sub, messages in _field_details(value).items():
                    out[f"{field}.{sub}"] = messages
            else:
                out[field] = [str(m) for m in (value if isinstance(value, list) else [value])]
        return out
    if isinstance(detail, list):
        return {"nonFieldErrors": [str(m) for m in detail]}
    return {"nonFieldErrors": [str(detail)]}


def exception_handler(exc, context):
    request = context.get("request")
    headers = {}
    if isinstance(exc, Http404):
        exc = drf.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = drf.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        exc = DomainError("The request body is too large.", code="PAYLOAD_TOO_LARGE")
        exc.status_code = 413
    elif isinstance(exc, PynamoDBException) and is_transient(exc):
        exc = ServiceUnavailable()

    if isinstance(exc, DomainError):
        status, code, message, details = exc.status_code, exc.code, exc.message, exc.details
        if status == 503:
            headers["Retry-After"] = "5"
        elif status == 429 and details.get("retryAfterSeconds"):
            headers["Retry-After"] = str(int(details["retryAfterSeconds"]))
    elif isinstance(exc, drf.APIException):
        status = exc.status_code
        code = next((c for cls, c in _DRF_CODES.items() if isinstance(exc, cls)), None)
        code = code or str(getattr(exc, "default_code", "error")).upper()
        if isinstance(exc, drf.ValidationError):
            message, details = "Some fields are invalid.", {"fields": _field_details(exc.detail)}
        else:
            message, details = str(exc.detail), {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))
    else:
        return None  # Unexpected: ApiErrorMiddleware logs it and answers 500 in the shape.

    body = error_body(request, status=status, code=code, message=message, details=details)
    return Response(body, status=status, headers=headers)
