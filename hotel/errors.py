"""Domain errors: each carries its HTTP status and a stable code (DRF's APIException habit).

Services raise these; `hotel.api.exceptions.exception_handler` (API) and
`hotel.middleware.ApiErrorMiddleware` (non-DRF paths) turn them into the one error shape:
{"error": {"code", "message", "statusCode", "requestId", "details"}}.
"""

from __future__ import annotations


class DomainError(Exception):
    status_code = 400
    code = "BAD_REQUEST"
    default_message = "The request could not be processed."

    def __init__(self, message: str | None = None, *, details: dict | None = None, code=None):
        self.message = message or self.default_message
        self.details = details or {}
        if code:
            self.code = code
        super().__init__(self.message)


class ValidationFailed(DomainError):
    status_code = 400
    code = "VALIDATION_ERROR"
    default_message = "Some fields are invalid."


class NotFound(DomainError):
    status_code = 404
    code = "NOT_FOUND"
    default_message = "Not found."


class Conflict(DomainError):
    status_code = 409
    code = "CONFLICT"
    default_message = "The request conflicts with the current state."


class StaleObject(Conflict):
    code = "STALE_OBJECT"
    default_message = "Someone else changed this record since you loaded it. Reload and try again."


class ServiceUnavailable(DomainError):
    status_code = 503
    code = "SERVICE_UNAVAILABLE"
    default_message = "A service the hotel depends on is unavailable. Please retry shortly."
