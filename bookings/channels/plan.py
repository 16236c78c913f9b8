"""What a sync does with a channel's feed: pure, matched by UID, the day given.

The feed is the channel's word on what is booked *from today on*: OTAs drop past and
current stays from their exports, so a stay that has started is history (or a guest in
the house) and the feed can neither move nor release it. An empty feed is more often a
channel's hiccup than every guest cancelling at once, so it releases nothing until staff
confirm it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from .feed import FeedEvent


@dataclass(frozen=True)
class Held:
    """What the hotel holds now for one UID of this channel."""

    uid: str
    check_in: date
    check_out: date
    kind: str  # feed.RESERVATION or feed.CLOSURE
    booking_id: str | None  # None: a closure not imported as a stay


@dataclass(frozen=True)
class SyncPlan:
    create: tuple[FeedEvent, ...]
    move: tuple[tuple[Held, FeedEvent], ...]  # same UID, same kind, dates changed
    release: tuple[Held, ...]
    # Held stays kept as they are: the feed agrees, they have started, or held_back.
    unchanged: tuple[Held, ...]
    # The feed lists nothing current but the hotel holds future stays from it: nothing is
    # released (those stays are in `unchanged`); the caller asks staff to confirm.
    held_back: bool


def plan_sync(
    held: Iterable[Held],
    events: Iterable[FeedEvent],
    *,
    today: date,
    confirm_empty: bool = False,
) -> SyncPlan:
    """Plan the changes that make what the hotel holds match the feed's current events.

    Every held stay lands in exactly one of move, release and unchanged; a UID whose kind
    changed (reservation <-> closure) is released and created again. Each tuple is sorted
    by check-in then UID (a move by its held stay's).

    Raises ValueError when a UID appears twice in `held` or in `events`."""
    held_by_uid = _by_uid(held, "held")
    # A stay that ended is not the channel's to change any more (nor to create).
    current = _by_uid((e for e in events if e.check_out > today), "events")
    create: list[FeedEvent] = []
    move: list[tuple[Held, FeedEvent]] = []
    release: list[Held] = []
    unchanged: list[Held] = []
    for uid, stay in held_by_uid.items():
        event = current.get(uid)
        if stay.check_in < today:
            if _stay_extended(stay, event, today):
                move.append((stay, event))  # the guest in the house stays longer (or less)
            else:
                unchanged.append(stay)  # started or ended: history, or a guest in the house
        elif event is None:
            release.append(stay)
        elif event.kind != stay.kind:
            release.append(stay)
            create.append(event)
        elif (event.check_in, event.check_out) != (stay.check_in, stay.check_out):
            move.append((stay, event))
        else:
            unchanged.append(stay)
    create.extend(e for uid, e in current.items() if uid not in held_by_uid)
    held_back = not current and bool(release) and not confirm_empty
    if held_back:
        unchanged.extend(release)
        release = []
    return SyncPlan(
        create=tuple(sorted(create, key=_order)),
        move=tuple(sorted(move, key=lambda pair: _order(pair[0]))),
        release=tuple(sorted(release, key=_order)),
        unchanged=tuple(sorted(unchanged, key=_order)),
        held_back=held_back,
    )


def _stay_extended(stay: Held, event: FeedEvent | None, today: date) -> bool:
    """A stay under way whose feed event kept its arrival and changed its departure: the
    nights it adds must be taken here too, or they could be sold twice."""
    return (
        event is not None
        and stay.check_out > today
        and event.kind == stay.kind
        and event.check_in == stay.check_in
        and event.check_out != stay.check_out
    )


_T = TypeVar("_T", Held, FeedEvent)


def _by_uid(items: Iterable[_T], what: str) -> dict[str, _T]:
    found: dict[str, _T] = {}
    for item in items:
        if item.uid in found:
            raise ValueError(f"UID {item.uid!r} appears twice in {what}.")
        found[item.uid] = item
    return found


def _order(item: Held | FeedEvent) -> tuple[date, str]:
    return (item.check_in, item.uid)
