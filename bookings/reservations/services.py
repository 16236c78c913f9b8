"""The reservation's services (one module per concern; this one is the front door)."""

from __future__ import annotations

from .create import CreatedReservation, reservation_create
from .exceptions import ReservationNotFound, ReservationTooLarge
from .selectors import ReservationView, reservation_get
from .size import MAX_ROOM_NIGHTS, MAX_STAYS

__all__ = [
    "MAX_ROOM_NIGHTS",
    "MAX_STAYS",
    "CreatedReservation",
    "ReservationNotFound",
    "ReservationTooLarge",
    "ReservationView",
    "reservation_create",
    "reservation_get",
]
