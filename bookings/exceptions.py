"""Booking errors, each with its HTTP status and stable code."""

from hotel.errors import Conflict, DomainError, NotFound


class RoomUnavailable(Conflict):
    code = "ROOM_UNAVAILABLE"
    default_message = "The room is not available for some of these nights."


class InvalidTransition(Conflict):
    code = "INVALID_TRANSITION"
    default_message = "The booking cannot move to that status from its current one."


class HoldExpired(Conflict):
    code = "HOLD_EXPIRED"
    default_message = "The hold on this booking has expired; please book again."


class RoomOccupied(Conflict):
    code = "ROOM_OCCUPIED"
    default_message = "Another guest is still checked in to this room."


class RoomNotReady(Conflict):
    """The room cannot take an arriving guest now. `details.overridable` says whether staff
    may check in anyway (dirty, out of service) or not (out of order, maintenance, gone)."""

    code = "ROOM_NOT_READY"
    default_message = "The room is not ready for a guest."


class BookingNotFound(NotFound):
    code = "BOOKING_NOT_FOUND"
    default_message = "No such booking."


class TooManyGuests(DomainError):
    status_code = 400
    code = "TOO_MANY_GUESTS"
    default_message = "The room does not take that many guests."


class StayTooLong(DomainError):
    status_code = 400
    code = "STAY_TOO_LONG"
    default_message = "The stay is longer than the hotel allows in one booking."


class LookupLocked(DomainError):
    status_code = 429
    code = "LOOKUP_LOCKED"
    default_message = "Too many attempts to find a booking. Try again later."


class PaymentOpen(Conflict):
    """A payment for the booking is under way: its price cannot change until it settles."""

    code = "PAYMENT_IN_PROGRESS"
    default_message = (
        "A payment for this booking is under way; its price cannot change until the payment "
        "is completed, declined or cancelled."
    )


class PriceChanged(Conflict):
    """The booking no longer costs what a payment for it paid: it is not confirmed by it."""

    code = "BOOKING_PRICE_CHANGED"
    default_message = "The booking's price changed while it was being paid."


class TooManyHolds(DomainError):
    status_code = 429
    code = "TOO_MANY_HOLDS"
    default_message = (
        "You already hold as many rooms as we allow at once. Pay for or cancel a held "
        "booking, or wait for a hold to end, then try again."
    )
