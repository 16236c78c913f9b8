"""Which rooms could take a booking for its whole stay: what the desk offers when it assigns,
moves or upgrades a booking by hand.

A room is free for the stay when it is in service and no other booking holds it on any night
of the stay (the room-night index: one Query per night — a staff page, not the guests'
search, whose reads must not grow with bookings). Ready rooms come first (inspected, clean,
then dirty), then by floor and number; the booking_room_set write is still conditional on
the room-night locks, so a room taken meanwhile is refused there, never given twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from rooms.models import HOUSEKEEPING_CLEAN, HOUSEKEEPING_DIRTY, HOUSEKEEPING_INSPECTED, Room
from rooms.selectors import rooms_all
from rooms.stock import in_service

from .models import Booking, RoomNight

READY_FIRST = {HOUSEKEEPING_INSPECTED: 0, HOUSEKEEPING_CLEAN: 1, HOUSEKEEPING_DIRTY: 2}


@dataclass
class FreeRooms:
    same_type: list[Room] = field(default_factory=list)  # the booking's type, ready first
    other_types: list[Room] = field(default_factory=list)  # by type, then ready first


def ready_order(room: Room) -> tuple:
    return (READY_FIRST.get(room.housekeeping, 3), room.floorNumber, room.roomId)


def rooms_taken_by_others(*, first: date, last: date, but: str | None = None) -> set[str]:
    """The rooms some booking (other than `but`) holds on a night first..last (inclusive); a
    hold whose time ran out keeps its nights until it is expired, so it counts."""
    taken: set[str] = set()
    night = first
    while night <= last:
        for item in RoomNight.by_night.query(night.isoformat()):
            if item.bookingId != but:
                taken.add(item.roomId)
        night += timedelta(days=1)
    return taken


def rooms_free_for(*, booking: Booking, rooms: list[Room] | None = None) -> FreeRooms:
    """The in-service rooms free for every night of the booking's stay (its own room left
    out), its type's apart from the others (those big enough for its guests)."""
    check_in = date.fromisoformat(booking.checkIn)
    check_out = date.fromisoformat(booking.checkOut)
    last = check_out - timedelta(days=1)
    taken = rooms_taken_by_others(first=check_in, last=last, but=booking.bookingId)
    free = FreeRooms()
    candidates = rooms_all() if rooms is None else rooms
    for room in sorted(candidates, key=lambda r: (r.roomType, *ready_order(r))):
        if room.roomId == booking.roomId or room.roomId in taken or not in_service(room):
            continue
        if room.roomType == booking.roomType:
            free.same_type.append(room)
        elif room.capacity >= (booking.guests or 1):
            free.other_types.append(room)
    return free
