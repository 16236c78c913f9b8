"""What every booking write shares: reading what it changes, the night lock, the audit
entry and the event that follow it, the guest token's hash.

The night lock is the inventory's one rule: a booking and one RoomNight item per night are
written in one transaction, each night conditional on not existing (or on belonging to a
hold that has expired), so the loser of a race fails inside DynamoDB.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, datetime

from pynamodb.transactions import TransactWrite

from hotel.audit.models import AuditEntry
from hotel.audit.services import audit_entry
from rooms.models import HOUSEKEEPING_OUT_OF_ORDER, STATUS_MAINTENANCE, Room
from rooms.selectors import room_get

from ..exceptions import HoldExpired, RoomUnavailable, TooManyGuests
from ..models import Booking, RoomNight
from ..selectors import booking_get


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def guest_token_matches(booking: Booking, token: str | None) -> bool:
    return bool(token) and hmac.compare_digest(booking.guestTokenHash, hash_token(token))


def booking_snapshot(booking: Booking) -> dict:
    """The audited view of a booking (before / after of every entry)."""
    return {
        "status": booking.status,
        "roomId": booking.roomId,
        "checkIn": booking.checkIn,
        "checkOut": booking.checkOut,
        "guests": booking.guests,
        "guestName": booking.guestName,
        "guestEmail": booking.guestEmail,
        "guestPhone": booking.guestPhone,
        "totalPrice": booking.totalPrice,
        "currency": booking.currency,
        "notes": booking.notes,
        **({"flags": booking.flags} if booking.flags else {}),
        **({"roomPinned": True} if booking.roomPinned else {}),
    }


def booking_audit(
    booking: Booking,
    action: str,
    before: dict | None,
    actor: str,
    now: datetime,
    request_id: str | None,
    note: dict | None = None,
) -> AuditEntry:
    """The audit entry that rides in the same transaction as the booking's change."""
    return audit_entry(
        actor=actor,
        action=action,
        object_type="bookings.booking",
        object_id=booking.bookingId,
        before=before,
        after={**booking_snapshot(booking), **(note or {})},
        now=now,
        request_id=request_id,
    )


def event_detail(booking: Booking) -> dict:
    """What every booking event says about its booking."""
    return {
        "bookingId": booking.bookingId,
        "status": booking.status,
        "roomId": booking.roomId,
        "checkIn": booking.checkIn,
        "checkOut": booking.checkOut,
        "totalPrice": booking.totalPrice,
        "currency": booking.currency,
    }


# --- reads used by writes -----------------------------------------------------------------------


def booking_read(booking_id: str) -> Booking:
    """The booking as it is now (consistent read). Raises BookingNotFound."""
    return booking_get(booking_id=booking_id, consistent=True)


def room_read(room_id: str) -> Room:
    """The room a stay is to be in (consistent read). Raises NotFound (ROOM_NOT_FOUND)."""
    return room_get(room_id=room_id, consistent=True)


def room_bookable(room: Room, guests: int) -> None:
    """Raise RoomUnavailable / TooManyGuests unless `room` can be sold to `guests` guests."""
    if room.status == STATUS_MAINTENANCE:
        raise RoomUnavailable(f"Room {room.roomId} is out of service for maintenance.")
    if room.housekeeping == HOUSEKEEPING_OUT_OF_ORDER:
        raise RoomUnavailable(f"Room {room.roomId} is out of order and cannot be sold.")
    if not 1 <= guests <= room.capacity:
        raise TooManyGuests(
            f"Room {room.roomId} takes up to {room.capacity} guests.",
            details={"fields": {"guests": [f"Between 1 and {room.capacity}."]}},
        )


# --- the night lock -----------------------------------------------------------------------------


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def take_night(
    tx: TransactWrite,
    *,
    room_id: str,
    night: date,
    booking_id: str,
    hold_until: datetime | None,
) -> None:
    """In the booking's transaction: take one night of the room (held until `hold_until`,
    or for good without it)."""
    item = RoomNight(roomId=room_id, night=night.isoformat(), bookingId=booking_id)
    item.holdExpiresAt = _epoch(hold_until) if hold_until else None
    # Free. A lapsed hold keeps its nights until it is expired (by the sweeper, or by the
    # booking that needs them: services.expiry.lapsed_holds_reclaim), so each room night
    # always names a booking that still holds its type's unit for it.
    tx.save(item, condition=RoomNight.roomId.does_not_exist())


def release_night(tx: TransactWrite, night: RoomNight) -> None:
    """In the booking's transaction: give back a night it still owns."""
    tx.delete(night, condition=RoomNight.bookingId == night.bookingId)


def lost_nights(booking: Booking) -> HoldExpired:
    return HoldExpired(
        f"Some nights of {booking.bookingId} were sold after its hold expired; book again."
    )
