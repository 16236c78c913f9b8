"""A room out of order on given nights (a repair booked ahead): the type sells one room fewer
on those nights, and the room cannot be sold or assigned on them.

One transaction per period: the room's period list (conditional on the room's version), for
each night the type's counter (`sellable - 1`, `ceiling - 1`, `outOfOrder + 1`, on the
condition that the night has not sold more than is left) and a room-night marker (conditional
on the room being free that night, so no assigned booking loses its room), and the audit
entry. Refused with 409 naming the bookings in the way: ROOM_UNAVAILABLE when bookings have
the room on those nights (move them first), ROOMS_SOLD when the type has sold every room
left. Removing a period gives all of it back the same way.

A period is at most HOTEL_MAX_STAY_NIGHTS nights (one transaction); a longer repair is
several periods, or the room's housekeeping state "out of order" (from today on, no end).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from django.conf import settings

from hotel.audit.services import audit_add
from hotel.dynamo import commit
from hotel.errors import Conflict, NotFound, ValidationFailed
from rooms.models import Room
from rooms.room_types import room_types_forget
from rooms.stock import in_service

from .clock import hotel_today
from .exceptions import RoomUnavailable
from .inventory import counter_changed, inventory_key, nights_ensure
from .models import InventoryNight, RoomNight
from .pricing import stay_nights
from .room_state import OUT_OF_ORDER
from .selectors import bookings_of_type_on
from .services.common import room_read
from .services.expiry import lapsed_holds_reclaim

MARKER = OUT_OF_ORDER  # a room-night marker's bookingId: this, then the period's id
AUDIT_TYPE = "rooms.room"


def is_marker(booking_id: str) -> bool:
    return booking_id.startswith(MARKER)


def _validate(start: date, end: date, reason: str, today: date) -> None:
    errors: dict[str, list[str]] = {}
    if start < today:
        errors["from"] = ["Cannot start in the past."]
    if end <= start:
        errors["to"] = ["Must be after from."]
    elif (end - start).days > settings.HOTEL_MAX_STAY_NIGHTS:
        errors["to"] = [f"At most {settings.HOTEL_MAX_STAY_NIGHTS} nights a period."]
    if not 1 <= len((reason or "").strip()) <= 200:
        errors["reason"] = ["Say why (1 to 200 characters)."]
    if errors:
        raise ValidationFailed(details={"fields": errors})


def room_out_of_order_add(
    *,
    room_id: str,
    start: date,
    end: date,
    reason: str,
    actor: str,
    now: datetime,
    request_id: str | None = None,
) -> dict:
    """Take `room_id` out of order for the nights [start, end). Returns the period. Raises
    NotFound, ValidationFailed, Conflict (ROOMS_SOLD), RoomUnavailable (bookings have it)."""
    _validate(start, end, reason, hotel_today(now))
    nights = stay_nights(start, end)
    for attempt in range(2):
        room = room_read(room_id)
        if not in_service(room):
            raise Conflict(
                f"Room {room_id} is already out of order or in maintenance.",
                code="ROOM_OUT_OF_ORDER",
            )
        nights_ensure(room_type=room.roomType, nights=nights)
        period = {
            "id": uuid.uuid4().hex[:10],
            "from": start.isoformat(),
            "to": end.isoformat(),
            "reason": reason.strip(),
            "by": actor,
            "at": now.isoformat(),
        }
        before = list(room.outOfOrderPeriods or [])
        room.outOfOrderPeriods = [*before, period]
        room.lastUpdated = now

        def build(tx, room=room, period=period, before=before):
            tx.save(room, condition=Room.roomId.exists())  # + the version read
            for night in nights:
                tx.update(
                    InventoryNight(*inventory_key(room.roomType, night)),
                    actions=[
                        InventoryNight.sellable.add(-1),
                        InventoryNight.ceiling.add(-1),
                        InventoryNight.outOfOrder.add(1),
                        *counter_changed(),
                    ],
                    condition=InventoryNight.sold < InventoryNight.sellable,
                )
                tx.save(
                    RoomNight(
                        roomId=room_id, night=night.isoformat(), bookingId=MARKER + period["id"]
                    ),
                    condition=RoomNight.roomId.does_not_exist(),
                )
            audit_add(
                tx,
                actor=actor,
                action="out_of_order:add",
                object_type=AUDIT_TYPE,
                object_id=room_id,
                before={"outOfOrderPeriods": before},
                after={"outOfOrderPeriods": room.outOfOrderPeriods},
                now=now,
                request_id=request_id,
            )

        if commit(build):
            room_types_forget()  # searches leave the room out on those nights
            return period
        if attempt == 0 and lapsed_holds_reclaim(room_type=room.roomType, nights=nights, now=now):
            continue
        raise _refusal(room, nights)
    raise _refusal(room_read(room_id), nights)  # pragma: no cover


def _refusal(room: Room, nights: list[date]) -> Exception:
    """Why a period could not be written: bookings in the room, or the type sold out."""
    first, last = nights[0].isoformat(), nights[-1].isoformat()
    in_room = sorted(
        {
            n.bookingId
            for n in RoomNight.query(
                room.roomId, range_key_condition=RoomNight.night.between(first, last)
            )
            if not is_marker(n.bookingId)
        }
    )
    if in_room:
        return RoomUnavailable(
            f"Room {room.roomId} has bookings on these nights: {', '.join(in_room[:10])}. "
            "Move them to another room first; nothing was changed.",
            details={"bookings": in_room},
        )
    overlap = any(
        is_marker(n.bookingId)
        for n in RoomNight.query(
            room.roomId, range_key_condition=RoomNight.night.between(first, last)
        )
    )
    if overlap:
        return Conflict(
            f"Room {room.roomId} is already out of order on some of these nights.",
            code="ROOM_OUT_OF_ORDER",
        )
    holders = sorted(
        {b for night in nights for b in bookings_of_type_on(room_type=room.roomType, night=night)}
    )
    return Conflict(
        f"Every {room.roomType} room left is sold on some of these nights; taking one more "
        f"out would leave a guest without a room. Move or cancel one of: "
        f"{', '.join(holders[:10])}. Nothing was changed.",
        code="ROOMS_SOLD",
        details={"bookings": holders},
    )


def room_out_of_order_remove(
    *, room_id: str, period_id: str, actor: str, now: datetime, request_id: str | None = None
) -> None:
    """Put the room back in service for a period's nights. Raises NotFound."""
    room = room_read(room_id)
    periods = list(room.outOfOrderPeriods or [])
    period = next((p for p in periods if p.get("id") == period_id), None)
    if period is None:
        raise NotFound("This room has no such out-of-order period.", code="PERIOD_NOT_FOUND")
    nights = stay_nights(date.fromisoformat(period["from"]), date.fromisoformat(period["to"]))
    room.outOfOrderPeriods = [p for p in periods if p.get("id") != period_id] or None
    room.lastUpdated = now

    def build(tx):
        tx.save(room, condition=Room.roomId.exists())
        for night in nights:
            tx.update(
                InventoryNight(*inventory_key(room.roomType, night)),
                actions=[
                    InventoryNight.sellable.add(1),
                    InventoryNight.ceiling.add(1),
                    InventoryNight.outOfOrder.add(-1),
                    *counter_changed(),
                ],
                condition=InventoryNight.outOfOrder >= 1,
            )
            tx.delete(
                RoomNight(roomId=room_id, night=night.isoformat()),
                condition=RoomNight.bookingId == MARKER + period_id,
            )
        audit_add(
            tx,
            actor=actor,
            action="out_of_order:remove",
            object_type=AUDIT_TYPE,
            object_id=room_id,
            before={"outOfOrderPeriods": periods},
            after={"outOfOrderPeriods": room.outOfOrderPeriods or []},
            now=now,
            request_id=request_id,
        )

    commit(build, refused=lambda: Conflict("The room changed meanwhile; reload it."))
    room_types_forget()
