"""Combinations of rooms for a party no single room type holds: "2 × Deluxe for 5 guests",
"1 × Family + 1 × Double".

Pure: it works on the room types, the units left per type (what a search already read from
the inventory counters) and a price function (the search's offers, priced from the rate
calendar it already read), so offering combinations costs no DynamoDB read per room or per
combination. The rules are the ones booking a stay applies (bookings.offers.occupancy_error
for each room); whether the units are still free is only known when the rooms are booked,
all together (the reservation's one transaction).

How a party is split: every room gets at least one adult (a child is never alone in a room),
then the adults and the children are shared out as evenly as the rooms allow, the larger rooms
first. The options offered: fewest rooms first, then the cheapest; at most MAX_ROOMS rooms and
LIMIT options, so the work stays small (types ^ rooms multisets, each split with a bounded
search) whatever the party.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations_with_replacement
from typing import Any, Protocol

from .offers import Guests, occupancy_error

MAX_ROOMS = 6  # a reservation's rooms: more is a group (a block), booked with staff
LIMIT = 4  # options shown: a handful, not a catalogue


class Priced(Protocol):
    total: int


@dataclass(frozen=True)
class RoomChoice:
    """One room of a combination: its type, who sleeps in it, and its price for them."""

    kind: Any  # rooms.models.RoomType (or anything with its occupancy attributes)
    guests: Guests
    price: Any  # what the price function answered (a Quote on the site), with .total

    @property
    def code(self) -> str:
        return self.kind.roomType


@dataclass(frozen=True)
class Combination:
    rooms: tuple[RoomChoice, ...]
    total: int

    @property
    def counts(self) -> list[tuple[Any, int]]:
        """[(type, how many)] in the order the rooms are listed ("2 × Deluxe + 1 × Double")."""
        seen: dict[str, list] = {}
        for room in self.rooms:
            seen.setdefault(room.code, [room.kind, 0])[1] += 1
        return [(kind, n) for kind, n in seen.values()]


def _around(values: range, target: int) -> list[int]:
    """`values` nearest `target` first (ties: the larger first)."""
    return sorted(values, key=lambda v: (abs(v - target), -v))


def split_party(party: Guests, kinds: Sequence[Any]) -> list[Guests] | None:
    """The party shared over one room of each of `kinds` (in that order), each room with at
    least one adult and within its type's occupancy; None when no such split exists.

    A depth-first search, evenly shared splits tried first; the remaining rooms' capacity
    prunes it, so it stays small for MAX_ROOMS rooms."""
    n = len(kinds)
    if n == 0 or party.adults < n:
        return None
    ages = tuple(sorted(party.children_ages, reverse=True))  # the oldest children first
    room_caps = [k.maxGuests or 0 for k in kinds]
    if sum(room_caps) < party.count:
        return None

    def place(i: int, adults: int, kids: tuple[int, ...]) -> list[Guests] | None:
        rooms_left = n - i
        if rooms_left == 1:
            last = Guests(adults=adults, children_ages=kids)
            return [last] if occupancy_error(kinds[i], last) is None else None
        capacity_after = sum(room_caps[i + 1 :])
        adult_share = -(-adults // rooms_left)
        kid_share = -(-len(kids) // rooms_left)
        for a in _around(range(1, adults - (rooms_left - 1) + 1), adult_share):
            for c in _around(range(0, len(kids) + 1), kid_share):
                if a + c > room_caps[i] or adults - a + len(kids) - c > capacity_after:
                    continue
                here = Guests(adults=a, children_ages=kids[:c])
                if occupancy_error(kinds[i], here) is not None:
                    continue
                rest = place(i + 1, adults - a, kids[c:])
                if rest is not None:
                    return [here, *rest]
        return None

    return place(0, party.adults, ages)


def combinations(
    party: Guests,
    kinds: Sequence[Any],
    left: Mapping[str, int],
    price: Callable[[Any, Guests], Priced | None],
    *,
    max_rooms: int = MAX_ROOMS,
    limit: int = LIMIT,
) -> list[Combination]:
    """The best few ways to put `party` in rooms of `kinds`: never more rooms of a type than
    `left[type]`, each room within its type's occupancy and priced by `price(kind, guests)`
    (None: not sold for them, e.g. a restriction). Fewest rooms first, then the cheapest.

    Rooms are tried from one up; once a number of rooms gives `limit` options, more rooms are
    not tried (they cost more rooms for the same party)."""
    kinds = sorted(
        (k for k in kinds if left.get(k.roomType, 0) > 0 and (k.maxGuests or 0) > 0),
        key=lambda k: (-(k.maxGuests or 0), k.roomType),
    )
    prices: dict[tuple, Priced | None] = {}

    def priced(kind, guests: Guests):
        key = (kind.roomType, guests.adults, guests.children_ages)
        if key not in prices:
            prices[key] = price(kind, guests)
        return prices[key]

    found: list[Combination] = []
    biggest = max((k.maxGuests for k in kinds), default=0)
    fewest = -(-party.count // biggest) if biggest else max_rooms + 1
    for n in range(max(fewest, 1), min(max_rooms, party.adults) + 1):
        for chosen in combinations_with_replacement(kinds, n):
            counts = Counter(k.roomType for k in chosen)
            if any(c > left[code] for code, c in counts.items()):
                continue
            split = split_party(party, chosen)
            if split is None:
                continue
            rooms = []
            for kind, guests in zip(chosen, split, strict=True):
                quote = priced(kind, guests)
                if quote is None:
                    break
                rooms.append(RoomChoice(kind=kind, guests=guests, price=quote))
            else:
                found.append(Combination(tuple(rooms), sum(r.price.total for r in rooms)))
        if len(found) >= limit:
            break
    found.sort(key=lambda c: (len(c.rooms), c.total, [r.code for r in c.rooms]))
    return found[:limit]
