"""The project's one error shape, and `response_for`: any exception -> that shape.

    {"error": {"code", "message", "statusCode", "requestId", "details"}}

Every JSON error leaves through here: DRF's exception handler (hotel.api.exceptions), the
`/api/` middleware (hotel.middleware), the health check, the 404/500 handlers for /api/
paths, the payment webhook and the payment page's script endpoint. Handled:

- hotel.errors.DomainError and subclasses: their status, code, message and details;
  Retry-After: 5 on a 503, and the `retryAfterSeconds` detail on a 429;
- DRF's APIException: the codes of `_DRF_CODES`, field errors flattened into
  details.fields, WWW-Authenticate and Retry-After when DRF sets them;
- Django's Http404 and PermissionDenied (as DRF's NotFound / PermissionDenied), a body over
  DATA_UPLOAD_MAX_MEMORY_SIZE (413), and a DynamoDB that does not answer (503);
- anything else: 500 INTERNAL_ERROR (hotel.errors.InternalError; callers log it:
  `is_expected` tells them when).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, JsonResponse
from pynamodb.exceptions import PynamoDBException
from rest_framework import exceptions as drf

from hotel.dynamo import is_transient
from hotel.errors import DomainError, InternalError, PayloadTooLarge, ServiceUnavailable

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


def error_body(request, *, status: int, code: str, message: str, details: dict | None = None):
    return {
        "error": {
            "code": code,
            "message": message,
            "statusCode": status,
            "requestId": getattr(request, "request_id", ""),
            "details": details or {},
        }
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


def _normalized(exc: BaseException) -> BaseException:
    """Django's and DynamoDB's exceptions as the DRF or domain error they amount to."""
    if isinstance(exc, Http404):
        return drf.NotFound()
    if isinstance(exc, PermissionDenied):
        return drf.PermissionDenied()
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge()
    if isinstance(exc, PynamoDBException) and is_transient(exc):
        return ServiceUnavailable()
    return exc


def is_expected(exc: BaseException) -> bool:
    """Whether `exc` has a meaning for the client; the rest are bugs (500, to be logged)."""
    return isinstance(_normalized(exc), DomainError | drf.APIException)


def response_for(exc: BaseException, request=None, *, response_class=JsonResponse):
    """The error response for `exc` in the project's shape (`response_class` DRF's Response
    for DRF views: same body, rendered by DRF)."""
    exc = _normalized(exc)
    if not isinstance(exc, DomainError | drf.APIException):
        exc = InternalError()
    headers: dict[str, str] = {}
    if isinstance(exc, DomainError):
        status, code, message, details = exc.status_code, exc.code, exc.message, exc.details
        if status == 503:
            headers["Retry-After"] = "5"
        elif status == 429 and details.get("retryAfterSeconds"):
            headers["Retry-After"] = str(int(details["retryAfterSeconds"]))
    else:  # DRF's APIException
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
    body = error_body(request, status=status, code=code, message=message, details=details)
    return response_class(body, status=status, headers=headers or None)
