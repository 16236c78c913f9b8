"""How long an external stay can be: every write of it is ONE DynamoDB TransactWriteItems,
which takes at most 100 items. Pure: no database (`stay_limit` reads a setting).

An imported stay is a booking like any other once it is here: the desk assigns it a room,
moves it to another room, the channel cancels it. Each of those is one transaction with
2 items per night — the type's counter of the night and the room's night — plus 3 more:

    release (the channel dropped it):  event + booking + audit entry + n counters + n room nights
    another room (the desk):           booking + audit entry + room check + n old + n new nights

    3 + 2 × n ≤ 100  →  n ≤ 48 = MAX_STAY_NIGHTS

Importing alone would fit 97 nights (event + booking + audit + 97 counters), but such a stay,
once it had a room, could be neither cancelled nor moved: the sync would fail on it, and
report it, at every run. A longer event is therefore not imported: it is flagged for staff
("too long": book it by hand or split it) and not tried again while the channel lists the
same dates (bookings.channels.too_long).

A move's size depends on what the stay holds already (the nights it leaves and takes, and
its room's): `move_items` counts it exactly, and a move that fits no transaction is flagged
the same way, the stay kept as it is.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

TRANSACTION_LIMIT = 100  # DynamoDB's TransactWriteItems
ITEMS_PER_NIGHT = 2  # the type's counter and the room's night
FIXED_ITEMS = 3  # the channel event (or the room's check), the booking, its audit entry
MAX_STAY_NIGHTS = (TRANSACTION_LIMIT - FIXED_ITEMS) // ITEMS_PER_NIGHT  # 48


def stay_limit() -> int:
    """The longest stay a feed imports: what one transaction holds, and no longer than this
    hotel sells (HOTEL_MAX_STAY_NIGHTS, at most 45: the rack, the room assigner and the night
    audit look back that far for stays under way, so a longer one would be missed on its
    later nights). Longer ones are flagged for staff like those over MAX_STAY_NIGHTS."""
    from django.conf import settings

    return min(MAX_STAY_NIGHTS, settings.HOTEL_MAX_STAY_NIGHTS)


class StayTooLong(Exception):
    """The change needs more items than one transaction holds: flag it, change nothing."""


def nights_between(check_in: date, check_out: date) -> int:
    return (check_out - check_in).days


def move_items(
    *, old: Collection[date], new: Collection[date], room_nights_left: int, room_nights_taken: int
) -> int:
    """The items of a stay's move (bookings.channels.stays.external_stay_move): the event, the
    booking and its audit entry; one counter per night left or taken (a night in both
    changes nothing and is not written); the room nights given back and taken, and the room's
    check when some are taken."""
    counters = len(set(old) ^ set(new))
    room_check = 1 if room_nights_taken else 0
    return 3 + counters + room_nights_left + room_nights_taken + room_check
