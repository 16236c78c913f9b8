"""What a sync does with a channel's feed: pure, matched by UID, the day given.

The feed is the channel's word on what is booked *from today on*: OTAs drop past and
current stays from their exports, so a stay that has started is history (or a guest in
the house) and the feed can neither move nor release it. An empty feed is more often a
channel's hiccup than every guest cancelling at once, so it releases nothing until staff
confirm it.

An event that takes units for more nights than one transaction can hold (limits) is not
imported or moved: it is flagged for staff, and not planned again while the feed lists the
dates that were refused. A flag without a stay whose event changes is planned afresh (a
shorter event is imported); a stay flagged whose event comes back to the stay's own dates
loses its flag.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from .feed import RESERVATION, FeedEvent
from .limits import MAX_STAY_NIGHTS, nights_between


@dataclass(frozen=True)
class Held:
    """What the hotel holds now for one UID of this channel."""

    uid: str
    check_in: date
    check_out: date
    kind: str  # feed.RESERVATION or feed.CLOSURE
    booking_id: str | None  # None: a closure not imported as a stay
    # The feed's dates refused as too long (limits): not tried again while it lists them.
    too_long: tuple[date, date] | None = None
    # Staff marked that flag handled (they booked those dates by hand): whatever the feed
    # does with the event later is theirs to follow, never imported beside their booking.
    handled: bool = False


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
    # Events that would take units for more than MAX_STAY_NIGHTS nights: flagged for staff,
    # nothing taken; with the held stay they would have moved (kept as it is), or None.
    too_long: tuple[tuple[Held | None, FeedEvent], ...] = ()
    # Held stays flagged too long whose event is back to the stay's own dates (also in
    # `unchanged`): the flag goes.
    settled: tuple[Held, ...] = ()


def plan_sync(
    held: Iterable[Held],
    events: Iterable[FeedEvent],
    *,
    today: date,
    confirm_empty: bool = False,
    import_closures: bool = False,
    max_nights: int = MAX_STAY_NIGHTS,
) -> SyncPlan:
    """Plan the changes that make what the hotel holds match the feed's current events.

    Every held stay lands in exactly one of move, release, unchanged and too_long; a UID
    whose kind changed (reservation <-> closure) is released and created again. An event
    that takes units (a reservation, or a closure with `import_closures`) for more than
    `max_nights` nights goes to too_long instead of create or move. Each tuple is sorted by
    check-in then UID (a move by its held stay's).

    Raises ValueError when a UID appears twice in `held` or in `events`."""
    held_by_uid = _by_uid(held, "held")
    # A stay that ended is not the channel's to change any more (nor to create).
    current = _by_uid((e for e in events if e.check_out > today), "events")

    def over(event: FeedEvent) -> bool:
        takes = event.kind == RESERVATION or import_closures
        return takes and nights_between(event.check_in, event.check_out) > max_nights

    create: list[FeedEvent] = []
    move: list[tuple[Held, FeedEvent]] = []
    release: list[Held] = []
    unchanged: list[Held] = []
    too_long: list[tuple[Held | None, FeedEvent]] = []
    for uid, stay in held_by_uid.items():
        event = current.get(uid)
        if _refused_again(stay, event):
            unchanged.append(stay)  # staff were told once; the feed must change it first
        elif stay.too_long and stay.booking_id is None and event is not None:
            # Flagged without a stay, and the feed changed it: planned afresh, unless staff
            # booked it by hand (flagged again, to adjust their booking).
            if stay.handled or (event.kind == stay.kind and over(event)):
                too_long.append((stay, event))
            else:
                release.append(stay)
                create.append(event)
        elif stay.check_in < today:
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
    too_long += [(None, e) for e in create if over(e)]
    too_long += [(stay, e) for stay, e in move if over(e)]
    create = [e for e in create if not over(e)]
    move = [(stay, e) for stay, e in move if not over(e)]
    held_back = not current and bool(release) and not confirm_empty
    if held_back:
        unchanged.extend(release)
        release = []
    settled = [stay for stay in unchanged if _settled(stay, current.get(stay.uid))]
    return SyncPlan(
        create=tuple(sorted(create, key=_order)),
        move=tuple(sorted(move, key=lambda pair: _order(pair[0]))),
        release=tuple(sorted(release, key=_order)),
        unchanged=tuple(sorted(unchanged, key=_order)),
        held_back=held_back,
        too_long=tuple(sorted(too_long, key=lambda pair: _order(pair[1]))),
        settled=tuple(sorted(settled, key=_order)),
    )


def _refused_again(stay: Held, event: FeedEvent | None) -> bool:
    """The feed still lists the dates refused as too long."""
    return (
        event is not None
        and stay.too_long == (event.check_in, event.check_out)
        and event.kind == stay.kind
    )


def _settled(stay: Held, event: FeedEvent | None) -> bool:
    """A stay flagged too long whose event is back to the stay's own dates."""
    return (
        stay.too_long is not None
        and event is not None
        and event.kind == stay.kind
        and (event.check_in, event.check_out) == (stay.check_in, stay.check_out)
        and stay.too_long != (stay.check_in, stay.check_out)
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
