"""Moving a guest who is in house to another room of their type (a complaint, a broken
shower): one transaction moves the booking, its room nights and the occupancy — the new room
takes the guest on the condition that it is empty and ready (as a check-in does), the old one
is left free and dirty (as a check-out does)."""

from __future__ import annotations

from datetime import datetime

from hotel import events
from hotel.dynamo import commit

from .. import room_state
from ..exceptions import RoomUnavailable
from ..models import CHECKED_IN, Booking
from ..selectors import booking_nights, booking_stay_nights
from .common import booking_audit, booking_snapshot, event_detail, release_night, take_night


def booking_move_in_house(
    booking: Booking,
    *,
    room_id: str,
    pinned: bool,
    actor: str,
    now: datetime,
    request_id: str | None = None,
    override_housekeeping: bool = False,
) -> Booking:
    """The in-house guest of `booking` into `room_id` (same type). Raises RoomOccupied,
    RoomNotReady (as a check-in would), RoomUnavailable (a night of the room is taken)."""
    new_room = room_state.room_read(room_id)
    refusal = room_state.checkin_refusal(
        new_room, booking_id=booking.bookingId, override_housekeeping=override_housekeeping
    )
    if refusal is not None:
        raise refusal
    old_room = room_state.room_read(booking.roomId) if booking.roomId else None
    old_nights = booking_nights(booking=booking)
    before = booking_snapshot(booking)
    booking.roomId, booking.roomPinned, booking.updatedAt = room_id, True if pinned else None, now
    entry = booking_audit(booking, "room:move-in-house", before, actor, now, request_id)

    def build(tx):
        tx.save(booking, condition=Booking.status == CHECKED_IN)
        for night in old_nights:
            release_night(tx, night)
        for night in booking_stay_nights(booking):
            take_night(
                tx,
                room_id=room_id,
                night=night,
                booking_id=booking.bookingId,
                hold_until=None,
            )
        room_state.checkin_room_update(
            tx,
            new_room,
            booking_id=booking.bookingId,
            now=now,
            override_housekeeping=override_housekeeping,
        )
        if old_room is not None:
            room_state.checkout_room_update(tx, old_room, now=now)
        tx.save(entry)

    if not commit(build):
        raise RoomUnavailable(
            f"Room {room_id} is not free for every night of {booking.bookingId}'s stay, or it "
            "changed meanwhile; nothing was changed.",
            details={"roomId": room_id},
        )
    events.publish(events.BookingChanged, **event_detail(booking), previous=before)
    return booking
