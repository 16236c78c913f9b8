"""Cancelling a reservation: every live stay through the one refunding cancel.

Each stay is cancelled by booking_cancel_with_refund, so each is refunded by its own plan's
cancellation policy (a non-refundable stay keeps its money, a flexible one gives it back)
and each has its own audit entry, email and refund. The stays are cancelled one after the
other, each in its own transaction: a refund is a provider call, which cannot ride in a
DynamoDB transaction anyway. A call that fails half-way leaves the stays it reached
cancelled; calling it again cancels the rest (a stay already cancelled is skipped).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bookings.exceptions import BookingNotFound, InvalidTransition
from bookings.lifecycle import can_cancel
from bookings.reservations.selectors import ReservationView, reservation_get

from .cancel import Cancellation, booking_cancel_with_refund


@dataclass(frozen=True)
class ReservationCancellation:
    view: ReservationView  # as it is after the cancel
    cancellations: list[Cancellation]  # the stays this call cancelled, in order


def reservation_cancel(
    *, reservation_id: str, actor: str, now: datetime, request_id: str | None = None
) -> ReservationCancellation:
    """Cancel every stay of the reservation that can still be cancelled, each with the
    refund its policy gives. Raises ReservationNotFound, InvalidTransition (no stay left to
    cancel)."""
    view = reservation_get(reservation_id, consistent=True)
    live = [b for b in view.bookings if can_cancel(b)]
    if not live:
        raise InvalidTransition(
            f"No stay of {view.reservation.reservationId} can be cancelled any more.",
            details={"stays": {b.bookingId: b.status for b in view.bookings}},
        )
    done = []
    for booking in live:
        try:
            done.append(
                booking_cancel_with_refund(
                    booking_id=booking.bookingId, actor=actor, now=now, request_id=request_id
                )
            )
        except (InvalidTransition, BookingNotFound):
            continue  # cancelled (or checked in) meanwhile by someone else
    return ReservationCancellation(
        view=reservation_get(view.reservation.reservationId, consistent=True),
        cancellations=done,
    )


def reservation_stay_cancel(
    *, reservation_id: str, booking_id: str, actor: str, now: datetime, request_id=None
) -> tuple[ReservationView, Cancellation]:
    """Cancel one stay of the reservation (with its policy's refund). Raises
    ReservationNotFound, BookingNotFound (not a stay of it), InvalidTransition."""
    view = reservation_get(reservation_id, consistent=True)
    if booking_id not in view.reservation.bookingIds:
        raise BookingNotFound(f"Booking {booking_id[:64]} is not a stay of {reservation_id}.")
    cancellation = booking_cancel_with_refund(
        booking_id=booking_id, actor=actor, now=now, request_id=request_id
    )
    return reservation_get(view.reservation.reservationId, consistent=True), cancellation
