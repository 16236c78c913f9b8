"""The reservation's own errors (a stay's are the booking's: bookings.exceptions)."""

from __future__ import annotations

from hotel.errors import DomainError, NotFound


class ReservationNotFound(NotFound):
    code = "RESERVATION_NOT_FOUND"
    default_message = "No such reservation."


class ReservationTooLarge(DomainError):
    """More stays or room-nights than one DynamoDB transaction (100 items) can book."""

    status_code = 422
    code = "RESERVATION_TOO_LARGE"
    default_message = "This reservation is too large to book in one go."
