"""Rooms for bookings: staff assign, move, pin and unassign; check-in and the evening job
assign what has no room yet; `rooms_assign` places every booking of a date range.

A booking sold as a unit of its type holds its units whatever its room; a room adds that
room's nights (the room-night lock). Moving a booking between rooms of its type is one
transaction: the booking's new room, the old room's nights released, the new room's taken
on the condition that they are free. A room of another type is a change of the stay (re-
priced, or at the old rate for an upgrade: booking_change).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from hotel import events
from hotel.dynamo import commit
from hotel.errors import Conflict
from rooms.models import (
    Room,
)
from rooms.room_types import room_types_all
from rooms.stock import in_service, out_of_order_nights

from ..assigner import Stay, assign
from ..exceptions import HoldExpired, InvalidTransition, RoomUnavailable
from ..free_rooms import ready_order
from ..inventory import InventoryChange
from ..lifecycle import hold_has_lapsed, night_is_held
from ..models import CHECKED_IN, CONFIRMED, LIVE_STATUSES, PENDING, Booking, RoomNight
from ..selectors import booking_nights, booking_stay_nights, live_bookings_between
from .change import booking_change
from .common import (
    booking_audit,
    booking_read,
    booking_snapshot,
    event_detail,
    room_read,
)
from .room_move import booking_move_in_house
from .stay import stay_release, stay_take

# Search nodes per room type (bookings.assigner): well under a second; past it the plan is
# still valid, perhaps with more moves than needed.
ASSIGN_BUDGET = 50_000


class NoRoomAvailable(Conflict):
    code = "NO_ROOM_AVAILABLE"
    default_message = "No room of this booking's type is free for every night of its stay."


def _assignable(booking: Booking, now: datetime) -> None:
    if booking.status not in (PENDING, CONFIRMED):
        raise InvalidTransition(
            f"A {booking.status} booking's room cannot be changed here"
            + (" (the guest is in house)." if booking.status == CHECKED_IN else "."),
            details={"status": booking.status},
        )
    if hold_has_lapsed(booking, now):
        raise HoldExpired()


def booking_room_set(
    *,
    booking_id: str,
    room_id: str | None,
    pinned: bool,
    actor: str,
    now: datetime,
    request_id: str | None = None,
    keep_rate: bool = False,
) -> Booking:
    """Give the booking `room_id` (pinned: the assigner never moves it), or take its room
    away (`room_id` None). A room of another type changes the stay (booking_change); a guest
    in house moves to another room of the type with the occupancy (booking_move_in_house).
    Raises BookingNotFound, InvalidTransition, HoldExpired, NotFound (room),
    RoomUnavailable (ROOM_UNAVAILABLE: not free for every night)."""
    booking = booking_read(booking_id)
    if booking.status == CHECKED_IN and room_id is not None and room_id != booking.roomId:
        room = room_read(room_id)
        if room.roomType != booking.roomType:
            raise InvalidTransition(
                "A guest in house moves to a room of the same type; to change the type, "
                "check out and book the new one.",
                details={"status": booking.status},
            )
        return booking_move_in_house(
            booking, room_id=room_id, pinned=pinned, actor=actor, now=now, request_id=request_id
        )
    _assignable(booking, now)
    if room_id is not None:
        room = room_read(room_id)
        if room.roomType != booking.roomType:
            return booking_change(
                booking_id=booking_id,
                room_id=room_id,
                actor=actor,
                now=now,
                request_id=request_id,
                keep_rate=keep_rate,
            )
        if not in_service(room):
            raise RoomUnavailable(f"Room {room_id} is out of order and cannot take a guest.")
    if booking.roomId == room_id:
        return _pin(booking, pinned=bool(pinned and room_id), actor=actor, now=now, rid=request_id)
    if not _room_write(booking, room_id, pinned=pinned, actor=actor, now=now, rid=request_id):
        raise RoomUnavailable(
            f"Room {room_id} is not free for every night of {booking_id}'s stay.",
            details={"roomId": room_id},
        )
    return booking


def _pin(booking: Booking, *, pinned: bool, actor: str, now: datetime, rid=None) -> Booking:
    """The same room, pinned or not: only the booking changes."""
    if bool(booking.roomPinned) == pinned:
        return booking
    before = booking_snapshot(booking)
    booking.roomPinned = True if pinned else None
    booking.updatedAt = now
    entry = booking_audit(booking, "room:pin" if pinned else "room:unpin", before, actor, now, rid)

    def build(tx):
        tx.save(booking, condition=Booking.status == before["status"])
        tx.save(entry)

    commit(build, refused=lambda: InvalidTransition("The booking changed meanwhile; reload it."))
    return booking


def _room_write(
    booking: Booking, room_id: str | None, *, pinned: bool, actor: str, now: datetime, rid=None
) -> bool:
    """The booking in `room_id` (None: no room), its room nights following, in one
    transaction, on the condition that its status is still the live one it was read with.
    False when a night of the new room is taken, or the booking is no longer live (nothing
    written: a booking cancelled between the assigner's plan and this write would otherwise
    get room nights that nothing ever releases)."""
    if booking.status not in LIVE_STATUSES:
        return False
    old = booking_nights(booking=booking)
    nights = booking_stay_nights(booking)
    before = booking_snapshot(booking)
    previous_status = booking.status
    booking.roomId = room_id
    booking.roomPinned = True if (room_id and pinned) else None
    booking.updatedAt = now
    hold_until = booking.expiresAt if booking.status == PENDING else None
    action = "room:assign" if room_id else "room:unassign"
    entry = booking_audit(booking, action, before, actor, now, rid, {"pinned": bool(pinned)})

    def build(tx):
        tx.save(booking, condition=Booking.status == previous_status)
        change = InventoryChange()
        stay_release(tx, room_type=booking.roomType, unit_nights=[], room_nights=old, change=change)
        stay_take(
            tx,
            room_type=booking.roomType,
            unit_nights=[],
            room_id=room_id,
            room_nights=nights,
            booking_id=booking.bookingId,
            hold_until=hold_until,
            now=now,
            change=change,
        )
        change.write(tx)
        tx.save(entry)

    if not commit(build):
        booking.roomId = before["roomId"]
        return False
    events.publish(events.BookingChanged, **event_detail(booking), previous=before)
    return True


def _free_for(room_id: str, nights: list[date], now: datetime) -> bool:
    if not nights:
        return True
    taken = RoomNight.query(
        room_id,
        range_key_condition=RoomNight.night.between(
            min(nights).isoformat(), max(nights).isoformat()
        ),
        consistent_read=True,
    )
    return not any(night_is_held(item, now) for item in taken)


def _rooms_of(room_type: str, *, all_rooms: bool = False) -> list[Room]:
    """The type's rooms (in service only, unless `all_rooms`), ready ones first
    (inspected, clean, dirty, the rest), then by floor and number."""
    rooms = [r for r in Room.by_type_floor.query(room_type) if all_rooms or in_service(r)]
    return sorted(rooms, key=ready_order)


def booking_room_autoassign(
    *, booking_id: str, actor: str, now: datetime, request_id: str | None = None
) -> Booking:
    """A room for a booking that has none (check-in): a free one of its type, ready rooms
    first; else the type's bookings are rearranged (rooms_assign). Raises NoRoomAvailable."""
    booking = booking_read(booking_id)
    if booking.roomId:
        return booking
    nights = booking_stay_nights(booking)
    for room in _rooms_of(booking.roomType):
        if _free_for(room.roomId, nights, now) and _room_write(
            booking, room.roomId, pinned=False, actor=actor, now=now, rid=request_id
        ):
            return booking
        booking = booking_read(booking_id)
    rooms_assign(
        start=nights[0],
        end=date.fromordinal(nights[-1].toordinal() + 1),
        actor=actor,
        now=now,
        room_type=booking.roomType,
        request_id=request_id,
    )
    booking = booking_read(booking_id)
    if not booking.roomId:
        raise NoRoomAvailable(
            f"No {booking.roomType} room is free for every night of {booking_id}'s stay, "
            "even after moving other bookings. Move a pinned booking or give the guest "
            "another type.",
            details={"bookingId": booking_id, "roomType": booking.roomType},
        )
    return booking


@dataclass
class AssignmentResult:
    assigned: list[dict] = field(default_factory=list)  # {"bookingId", "roomId"}
    moved: list[dict] = field(default_factory=list)  # {"bookingId", "from", "to"}
    unplaced: list[dict] = field(default_factory=list)  # {"bookingId", "reason"}

    def as_dict(self) -> dict:
        return {"assigned": self.assigned, "moved": self.moved, "unplaced": self.unplaced}


def rooms_assign(
    *,
    start: date,
    end: date,
    actor: str,
    now: datetime,
    room_type: str | None = None,
    request_id: str | None = None,
) -> AssignmentResult:
    """Give every live booking with a night in [start, end) a room, moving bookings the
    product placed (not pinned, not in house) between rooms of their type as needed, with
    as few moves as possible (bookings.assigner). Bookings it cannot place are named with
    the reason. Idempotent: a second run finds nothing to do."""
    result = AssignmentResult()
    codes = [room_type] if room_type else [t.roomType for t in room_types_all()]
    for code in codes:
        _assign_type(code, start=start, end=end, actor=actor, now=now, rid=request_id, out=result)
    return result


def _assign_type(code, *, start, end, actor, now, rid, out: AssignmentResult) -> None:
    window = live_bookings_between(start=start, end=end, now=now, room_type=code)
    if not window:
        return
    low = min(date.fromisoformat(b.checkIn) for b in window)
    high = max(date.fromisoformat(b.checkOut) for b in window)
    around = live_bookings_between(start=low, end=high, now=now, room_type=code)
    ours = {b.bookingId for b in window}
    rooms = _rooms_of(code, all_rooms=True)
    room_ids = [r.roomId for r in rooms]
    span = [date.fromordinal(d) for d in range(low.toordinal(), high.toordinal())]
    blocked = {
        r.roomId: span if not in_service(r) else sorted(out_of_order_nights(r))
        for r in rooms
        if not in_service(r) or r.outOfOrderPeriods
    }
    stays, by_id = [], {}
    for booking in around:
        inside = booking.bookingId in ours
        if not inside and not booking.roomId:
            continue  # Outside the range and without a room: not this run's business.
        fixed = (not inside) or bool(booking.roomPinned) or booking.status == CHECKED_IN
        if fixed and not booking.roomId:
            fixed = False  # pinned without a room cannot happen; place it like the others
        stays.append(
            Stay(
                booking_id=booking.bookingId,
                start=date.fromisoformat(booking.checkIn),
                end=date.fromisoformat(booking.checkOut),
                room_id=booking.roomId,
                fixed=fixed,
            )
        )
        by_id[booking.bookingId] = booking
    plan = assign(rooms=room_ids, stays=stays, blocked=blocked, budget=ASSIGN_BUDGET)
    # Moves free their rooms first, then every booking takes its new room.
    moving = [m for m in plan.moved if m.booking_id in ours]
    for move in moving:
        _room_write(by_id[move.booking_id], None, pinned=False, actor=actor, now=now, rid=rid)
    targets = [(m.booking_id, m.to_room, m.from_room) for m in moving] + [
        (bid, rid_, None) for bid, rid_ in plan.assigned if bid in ours
    ]
    for booking_id, room_id, from_room in targets:
        booking = booking_read(booking_id)
        if booking.status not in LIVE_STATUSES:
            continue  # cancelled (or expired) since the plan was made: nothing to place
        if booking.roomId is None and _room_write(
            booking, room_id, pinned=False, actor=actor, now=now, rid=rid
        ):
            if from_room:
                out.moved.append({"bookingId": booking_id, "from": from_room, "to": room_id})
            else:
                out.assigned.append({"bookingId": booking_id, "roomId": room_id})
        else:
            out.unplaced.append(
                {"bookingId": booking_id, "reason": f"Room {room_id} was taken meanwhile."}
            )
    for miss in plan.unplaced:
        if miss.booking_id in ours:
            out.unplaced.append({"bookingId": miss.booking_id, "reason": miss.reason})
