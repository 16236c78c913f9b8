"""How bookings use the room item: who is in house, whether a room can still be sold, and
whether a room is in use (asked by rooms.services.room_delete through a registered check).

Check-in writes the booking and the room in one transaction. The room's update is
conditional on the room being empty (no `occupantBookingId`, not marked occupied) and
usable, so of two check-ins into one room at once one wins; the other's transaction is
cancelled inside DynamoDB, booking_transition re-reads and answers ROOM_OCCUPIED.
A dirty or out-of-service room needs the clerk's explicit "check in anyway"
(`override_housekeeping`); an out-of-order room, one under maintenance or a deleted room
never takes a guest.
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from rooms.models import (
    HOUSEKEEPING_DIRTY,
    HOUSEKEEPING_LABELS,
    HOUSEKEEPING_OUT_OF_ORDER,
    HOUSEKEEPING_OUT_OF_SERVICE,
    STATUS_AVAILABLE,
    STATUS_MAINTENANCE,
    STATUS_OCCUPIED,
    Room,
)

from .clock import hotel_today
from .exceptions import RoomNotReady, RoomOccupied
from .lifecycle import night_is_held
from .models import RoomNight

# The bookingId of a dated out-of-order period's room-night markers (bookings.out_of_order).
OUT_OF_ORDER = "OUT-OF-ORDER:"
# Housekeeping states the clerk may check a guest into on purpose ("check in anyway").
OVERRIDABLE = (HOUSEKEEPING_DIRTY, HOUSEKEEPING_OUT_OF_SERVICE)
WHY_NOT_READY = {
    HOUSEKEEPING_DIRTY: "is dirty: it has not been cleaned since the last guest left",
    HOUSEKEEPING_OUT_OF_SERVICE: "is out of service (a repair is waiting)",
}


def room_read(room_id: str) -> Room | None:
    try:
        return Room.get(room_id, consistent_read=True)
    except DoesNotExist:
        return None


def checkin_refusal(
    room: Room | None, *, booking_id: str, override_housekeeping: bool
) -> RoomOccupied | RoomNotReady | None:
    """Why the guest of `booking_id` cannot be checked into `room` now, or None."""
    if room is None:
        return RoomNotReady(
            "The booking's room no longer exists; move the booking to another room first.",
            details={"overridable": False},
        )
    occupant = room.occupantBookingId
    if occupant and occupant != booking_id:
        return RoomOccupied(
            f"Room {room.roomId} is still occupied by booking {occupant}: check that guest "
            "out first, or move this booking to another room.",
            details={"occupantBookingId": occupant},
        )
    if not occupant and room.status == STATUS_OCCUPIED:
        return RoomOccupied(
            f"Room {room.roomId} is marked occupied. Check its guest out (or mark the room "
            "available if it is empty) first.",
            details={"occupantBookingId": None},
        )
    if room.housekeeping == HOUSEKEEPING_OUT_OF_ORDER or room.status == STATUS_MAINTENANCE:
        state = "out of order" if room.status != STATUS_MAINTENANCE else "under maintenance"
        return RoomNotReady(
            f"Room {room.roomId} is {state} and cannot take a guest; move the booking.",
            details={"housekeeping": room.housekeeping, "overridable": False},
        )
    if room.housekeeping in OVERRIDABLE and not override_housekeeping:
        return RoomNotReady(
            f"Room {room.roomId} {WHY_NOT_READY[room.housekeeping]}. Check in anyway to give "
            "it to the guest as it is.",
            details={
                "housekeeping": room.housekeeping,
                "housekeepingLabel": HOUSEKEEPING_LABELS[room.housekeeping],
                "overridable": True,
            },
        )
    return None


def checkin_room_update(
    tx: TransactWrite, room: Room, *, booking_id: str, now: datetime, override_housekeeping: bool
) -> None:
    """Put the guest in the room, conditional on what checkin_refusal saw (and the version)."""
    empty = Room.occupantBookingId.does_not_exist() & ~Room.status.is_in(STATUS_OCCUPIED)
    condition = (empty | (Room.occupantBookingId == booking_id)) & ~Room.housekeeping.is_in(
        HOUSEKEEPING_OUT_OF_ORDER
    )
    condition &= ~Room.status.is_in(STATUS_MAINTENANCE)
    if not override_housekeeping:
        condition &= ~Room.housekeeping.is_in(*OVERRIDABLE)
    tx.update(
        room,
        actions=[
            Room.status.set(STATUS_OCCUPIED),
            Room.occupantBookingId.set(booking_id),
            Room.lastUpdated.set(now),
        ],
        condition=condition,
    )


def checkout_room_update(tx: TransactWrite, room: Room, *, now: datetime) -> None:
    """The guest has left: the room is free and dirty."""
    tx.update(
        room,
        actions=[
            Room.status.set(STATUS_AVAILABLE),
            Room.housekeeping.set(HOUSEKEEPING_DIRTY),
            Room.occupantBookingId.remove(),
            Room.lastUpdated.set(now),
        ],
    )


def room_sellable_check(tx: TransactWrite, *, room_id: str, now: datetime) -> None:
    """In a transaction that takes nights of `room_id`: the room still exists and is not
    being retired by room_delete (which asks room_live_bookings meanwhile). Once per room
    and transaction: DynamoDB refuses two operations on one item, and a reservation's stays
    may pin the same room on nights one after the other."""
    checked = tx.__dict__.setdefault("_rooms_checked", set())
    if room_id in checked:
        return
    checked.add(room_id)
    tx.condition_check(
        Room,
        room_id,
        condition=Room.roomId.exists()
        & (Room.retiringUntil.does_not_exist() | (Room.retiringUntil < now)),
    )


def room_live_bookings(*, room_id: str, now: datetime) -> list[str]:
    """The bookings that hold or are assigned to `room_id` from today on (live holds,
    confirmed and in-house stays): one Query of the room's partition of the room nights."""
    today = hotel_today(now).isoformat()
    found: dict[str, None] = {}
    for night in RoomNight.query(
        room_id, range_key_condition=RoomNight.night >= today, consistent_read=True
    ):
        if night_is_held(night, now) and not night.bookingId.startswith(OUT_OF_ORDER):
            found.setdefault(night.bookingId)
    return list(found)


def checkin_needs_override(room_id: str) -> bool:
    """Whether checking a guest into `room_id` now needs the clerk's "check in anyway"."""
    room = room_read(room_id)
    return room is not None and room.housekeeping in OVERRIDABLE
