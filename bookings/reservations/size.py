"""How large a reservation can be: all its stays are booked in ONE TransactWriteItems, which
DynamoDB caps at 100 items.

The items of a reservation's transaction:
    1 (the Reservation) + n (the stays' Bookings) + n (one audit entry per stay)
    + one unit counter per distinct (room type, night)   — at most the room-nights
    + per pinned stay: 1 room check + its nights          — staff only
    + the promo code's use (1, or 2 with a per-guest limit)
    + a guest's hold slots (one per stay: the per-client cap counts rooms held)

The rule stated to guests: at most MAX_STAYS (10) stays and MAX_ROOM_NIGHTS (60)
room-nights (rooms × nights, e.g. 10 rooms × 6 nights, 4 × 15, 2 × 30); at those limits
an unpinned guest reservation is 1 + 10 + 10 + 60 + 2 + 10 = 93 items, so it always fits. Pinned
rooms count their nights twice; the exact count (`transaction_items`) is checked too, and
anything over 100 is refused the same way.
"""

from __future__ import annotations

from .exceptions import ReservationTooLarge

MAX_STAYS = 10
MAX_ROOM_NIGHTS = 60
TRANSACTION_LIMIT = 100


def transaction_items(drafts, *, promo_items: int, slot: bool) -> int:
    """The number of items the reservation's transaction writes or checks (`slot`: a
    guest's hold, one slot per stay)."""
    counters = {(d.kind.roomType, night) for d in drafts for night in d.nights}
    pinned = sum(1 + len(d.nights) for d in drafts if d.room is not None)
    extras = sum(len(d.chosen) * len(d.nights) for d in drafts)  # an upper bound
    return (
        1
        + 2 * len(drafts)
        + len(counters)
        + pinned
        + extras
        + promo_items
        + (len(drafts) if slot else 0)
    )


def size_check(*, stays: int, room_nights: int) -> None:
    """ReservationTooLarge beyond the stated rule (before anything is read)."""
    if stays > MAX_STAYS or room_nights > MAX_ROOM_NIGHTS:
        raise ReservationTooLarge(
            f"A reservation can have at most {MAX_STAYS} rooms and {MAX_ROOM_NIGHTS} "
            f"room-nights (rooms × nights); this one has {stays} and {room_nights}. "
            "Split it into several reservations.",
            details={
                "stays": stays,
                "roomNights": room_nights,
                "maxStays": MAX_STAYS,
                "maxRoomNights": MAX_ROOM_NIGHTS,
            },
        )


def items_check(items: int) -> None:
    """ReservationTooLarge when the exact count exceeds DynamoDB's transaction limit."""
    if items > TRANSACTION_LIMIT:
        raise ReservationTooLarge(
            f"This reservation needs {items} writes in one transaction; at most "
            f"{TRANSACTION_LIMIT} are possible. Book fewer rooms or nights at once.",
            details={"items": items, "limit": TRANSACTION_LIMIT},
        )
