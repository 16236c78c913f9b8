"""Domain errors: each carries its HTTP status and a stable code (DRF's APIException habit).

Services raise these; `hotel.api.responses.response_for` turns them (and DRF's and Django's
own exceptions) into the one error shape:
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


class NoSuchEndpoint(NotFound):
    """An /api/ path no view answers (Django's 404 handler, not a missing record)."""

    default_message = "No such API endpoint."


class MethodNotAllowed(DomainError):
    """A plain Django view refusing a method (the response should say `Allow`)."""

    status_code = 405
    code = "METHOD_NOT_ALLOWED"
    default_message = "This method is not allowed here."


class PayloadTooLarge(DomainError):
    status_code = 413
    code = "PAYLOAD_TOO_LARGE"
    default_message = "The request body is too large."


class Conflict(DomainError):
    status_code = 409
    code = "CONFLICT"
    default_message = "The request conflicts with the current state."


class StaleObject(Conflict):
    code = "STALE_OBJECT"
    default_message = "Someone else changed this record since you loaded it. Reload and try again."


class InternalError(DomainError):
    """What a bug looks like to the client (500); for handler500, which has no exception."""

    status_code = 500
    code = "INTERNAL_ERROR"
    default_message = "Something went wrong on our side."


class ServiceUnavailable(DomainError):
    status_code = 503
    code = "SERVICE_UNAVAILABLE"
    default_message = "A service the hotel depends on is unavailable. Please retry shortly."
