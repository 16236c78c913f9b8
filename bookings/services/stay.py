"""What a live booking holds, taken and given back in its own transaction: one unit of its
room type for each night (bookings.inventory, the rule against overselling) and, once it
has a room, that room's nights (the room-night lock, the rule against two guests in one
room).

A hold whose time ran out keeps its units until the sweeper expires it; when a sale is
refused, services.expiry.lapsed_holds_reclaim expires the lapsed holds of that type and
those nights at once, so a lapsed hold never blocks a sale for longer than one retry.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from pynamodb.transactions import TransactWrite

from rooms.models import RoomType
from rooms.room_types import room_type_get

from .. import room_state
from ..exceptions import TooManyGuests
from ..inventory import InventoryChange, nights_ensure
from ..models import RoomNight
from .common import release_night, take_night


def type_read(code: str) -> RoomType:
    """The room type a stay is sold as (consistent read). Raises NotFound."""
    return room_type_get(code=code, consistent=True)


def type_bookable(room_type: RoomType, guests: int) -> None:
    """TooManyGuests unless the type takes `guests` guests."""
    if not 1 <= guests <= room_type.maxGuests:
        raise TooManyGuests(
            f"A {room_type.name} takes up to {room_type.maxGuests} guests.",
            details={"fields": {"guests": [f"Between 1 and {room_type.maxGuests}."]}},
        )


def stay_take(
    tx: TransactWrite,
    *,
    room_type: str,
    unit_nights: Iterable[date],
    room_id: str | None,
    room_nights: Iterable[date],
    booking_id: str,
    hold_until: datetime | None,
    now: datetime,
    change: InventoryChange | None = None,
    block: str | None = None,
) -> None:
    """In the booking's transaction: a unit of `room_type` for each of `unit_nights`, and
    `room_id`'s `room_nights` (none without a room). The counters must exist
    (`nights_ensure`). With `change`, the counters' part is added to it (the caller writes
    it once, with its other changes to the same nights). With `block` (the booking's
    blockCode), the units are the group block's (InventoryChange)."""
    own = change is None
    change = change or InventoryChange()
    change.take(room_type, unit_nights, block=block)
    room_nights = list(room_nights)
    if room_id and room_nights:
        room_state.room_sellable_check(tx, room_id=room_id, now=now)
        for night in room_nights:
            take_night(
                tx,
                room_id=room_id,
                night=night,
                booking_id=booking_id,
                hold_until=hold_until,
            )
    if own:
        change.write(tx)


def stay_release(
    tx: TransactWrite,
    *,
    room_type: str,
    unit_nights: Iterable[date],
    room_nights: list[RoomNight],
    change: InventoryChange | None = None,
    block: str | None = None,
) -> None:
    """In the booking's transaction: give back its units and the room nights it still owns
    (with `change`, the counters' part goes into it, as in stay_take; with `block`, the
    units go back to the group block, or to the inventory once the block night is
    released)."""
    own = change is None
    change = change or InventoryChange()
    change.release(room_type, unit_nights, block=block)
    for night in room_nights:
        release_night(tx, night)
    if own:
        change.write(tx)


def stay_prepare(*, room_type: str, nights: list[date]) -> None:
    """Before the transaction: make sure the nights' counters exist."""
    nights_ensure(room_type=room_type, nights=nights)
