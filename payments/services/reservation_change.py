"""Changing every stay of a reservation to new dates: each stay through the one change.

Each stay is moved by the change a single booking takes (bookings.services.booking_change
for staff; booking_change_by_guest for the guest, whose online rules depend on money), so
each is re-priced, its units and nights moved and its bill synced exactly as if it were
changed alone.

This is NOT one transaction. Each stay's change is atomic (one DynamoDB transaction with
its own retries, extras and audit entry), but composing them would mean rebuilding the
change's plan, its conditional writes and its guest rule for several stays in one
TransactWriteItems, which the change service does not expose. Instead the stays are moved
one after the other; a stay that cannot move stops the call with 409 STAY_NOT_CHANGED
naming it, the stays moved before it stay moved (listed in details.changed) and the rest
untouched (details.unchanged). Calling again with the same dates moves only the rest: a
stay already on those dates is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bookings.lifecycle import can_change
from bookings.models import LIVE_STATUSES
from bookings.reservations.selectors import ReservationView, reservation_get
from bookings.services import booking_change
from hotel.errors import Conflict, DomainError

from .change import booking_change_by_guest


class StayNotChanged(Conflict):
    code = "STAY_NOT_CHANGED"
    default_message = "A stay of the reservation could not be moved to the new dates."


@dataclass(frozen=True)
class ReservationChange:
    view: ReservationView  # as it is after the change
    changed: list[str]  # the stays this call moved, in order


def reservation_change(
    *,
    reservation_id: str,
    check_in: date,
    check_out: date,
    by_guest: bool,
    actor: str,
    now: datetime,
    request_id: str | None = None,
) -> ReservationChange:
    """Move every live stay of the reservation to `check_in`–`check_out`.

    Stays that ended (cancelled, no-show, expired, checked out) are left alone; a live stay
    that can no longer change (checked in) refuses the whole call before anything moves.
    Raises ReservationNotFound, StayNotChanged (details: bookingId, the stay's own error,
    changed, unchanged)."""
    view = reservation_get(reservation_id, consistent=True)
    ref = view.reservation.reservationId
    live = [b for b in view.bookings if b.status in LIVE_STATUSES]
    stuck = next((b for b in live if not can_change(b)), None)
    if stuck is not None or not live:
        booking_id = stuck.bookingId if stuck else None
        raise StayNotChanged(
            f"Stay {booking_id} of {ref} is {stuck.status} and cannot be moved; nothing was "
            "changed."
            if stuck
            else f"No stay of {ref} can be changed any more.",
            details={
                "bookingId": booking_id,
                "changed": [],
                "unchanged": [b.bookingId for b in live],
                "stays": {b.bookingId: b.status for b in view.bookings},
            },
        )
    new_in, new_out = check_in.isoformat(), check_out.isoformat()
    changed: list[str] = []
    for index, booking in enumerate(live):
        if (booking.checkIn, booking.checkOut) == (new_in, new_out):
            continue  # already there (a retry after a failure part-way)
        try:
            if by_guest:
                booking_change_by_guest(
                    booking_id=booking.bookingId,
                    check_in=check_in,
                    check_out=check_out,
                    actor=actor,
                    now=now,
                    request_id=request_id,
                )
            else:
                booking_change(
                    booking_id=booking.bookingId,
                    check_in=check_in,
                    check_out=check_out,
                    actor=actor,
                    now=now,
                    request_id=request_id,
                )
        except DomainError as exc:
            moved = ", ".join(changed) if changed else "none"
            raise StayNotChanged(
                f"Stay {booking.bookingId} of {ref} cannot move to {new_in}–{new_out}: "
                f"{exc.message} Stays already moved: {moved}.",
                details={
                    "bookingId": booking.bookingId,
                    "error": {
                        "code": exc.code,
                        "statusCode": exc.status_code,
                        "message": exc.message,
                        "details": exc.details,
                    },
                    "changed": changed,
                    "unchanged": [b.bookingId for b in live[index:]],
                },
            ) from exc
        changed.append(booking.bookingId)
    return ReservationChange(view=reservation_get(ref, consistent=True), changed=changed)
