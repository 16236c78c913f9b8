"""Request ids on every response, and the error shape for `/api/` paths outside DRF views."""

from __future__ import annotations

import logging
import re
import uuid

from django.http import JsonResponse
from pynamodb.exceptions import PynamoDBException

from hotel.dynamo import is_transient
from hotel.errors import DomainError, ServiceUnavailable

logger = logging.getLogger("hotel.errors")
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")


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


def error_response(request, *, status: int, code: str, message: str, details=None, headers=None):
    response = JsonResponse(
        error_body(request, status=status, code=code, message=message, details=details),
        status=status,
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


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
            return error_response(
                request, status=404, code="NOT_FOUND", message="No such API endpoint."
            )
        return response

    def process_exception(self, request, exception):
        if not is_api_path(request):
            return None
        if isinstance(exception, PynamoDBException) and is_transient(exception):
            exception = ServiceUnavailable()
        if isinstance(exception, DomainError):
            headers = {"Retry-After": "5"} if exception.status_code == 503 else None
            return error_response(
                request,
                status=exception.status_code,
                code=exception.code,
                message=exception.message,
                details=exception.details,
                headers=headers,
            )
        logger.exception("Unhandled error on %s (request %s)", request.path, request.request_id)
        return error_response(
            request, status=500, code="INTERNAL_ERROR", message="Something went wrong on our side."
        )
