"""Events too long for one transaction (bookings.channels.limits), flagged for staff.

Such an event is recorded on its ChannelEvent item as `tooLong` — the dates the channel
asked for, how many nights, when — and nothing else is written: no unit is taken, an
existing stay stays as it is. The sync counts it once (`tooLong`), the channel's page and
the dashboard show it until the channel changes the dates (then the sync plans it afresh:
a shorter event is imported), the dates are past, or a manager marks it handled (booked by
hand or split). The sync never tries the same dates again, so they are never an error line.
"""

from __future__ import annotations

from datetime import date, datetime

from hotel.dynamo import commit

from .feed import FeedEvent
from .limits import nights_between, stay_limit
from .models import ChannelEvent

_STAMP = "%Y-%m-%dT%H:%M:%SZ"


def too_long_range(held: ChannelEvent) -> tuple[date, date] | None:
    """The dates refused, or None when the event is not flagged."""
    flag = held.tooLong or {}
    if not flag.get("checkIn") or not flag.get("checkOut"):
        return None
    return date.fromisoformat(flag["checkIn"]), date.fromisoformat(flag["checkOut"])


def too_long_handled(held: ChannelEvent) -> bool:
    """Staff booked the flagged dates by hand (marked handled now, or before a later change
    was flagged again): the event is theirs to follow, never imported beside that booking."""
    flag = held.tooLong or {}
    return bool(flag.get("resolvedAt") or flag.get("byHand"))


def too_long_pending(held: ChannelEvent, *, today: date) -> bool:
    """Flagged, not marked handled, and its dates not all past: staff still have to act."""
    flag = held.tooLong or {}
    refused = too_long_range(held)
    return refused is not None and not flag.get("resolvedAt") and refused[1] > today


def external_stay_flag(
    *, channel_id: str, held: ChannelEvent | None, event: FeedEvent, now: datetime
) -> ChannelEvent | None:
    """Record that `event` is too long to import or to move the held stay to. Without a
    held item, a new one (no unit taken: a flag only, conditional on the UID being new);
    a held stay keeps its dates and units; a held item without a stay (a flag, a likely
    echo) takes the event's dates. None when the event changed meanwhile (another sync)."""
    flag = {
        "checkIn": event.check_in.isoformat(),
        "checkOut": event.check_out.isoformat(),
        "nights": nights_between(event.check_in, event.check_out),
        "maxNights": stay_limit(),
        "at": now.strftime(_STAMP),
    }
    if held is not None and not held.bookingId and too_long_handled(held):
        flag["byHand"] = True  # staff booked the earlier dates by hand: they adjust it
    if held is None:
        item = ChannelEvent(
            channelId=channel_id,
            uid=event.uid,
            kind=event.kind,
            checkIn=flag["checkIn"],
            checkOut=flag["checkOut"],
            summary=event.summary,
            tooLong=flag,
            createdAt=now,
            updatedAt=now,
        )
        condition = ChannelEvent.uid.does_not_exist()
    else:
        item, condition = held, None  # conditional on the version read
        if not item.bookingId:
            item.checkIn, item.checkOut = flag["checkIn"], flag["checkOut"]
            item.summary = event.summary
            item.echo = None  # never imported whole: it could not be (sync's adopt)
        item.tooLong, item.updatedAt = flag, now

    def build(tx):
        tx.save(item, condition=condition)

    return item if commit(build) else None


def external_stay_unflag(*, held: ChannelEvent, now: datetime) -> bool:
    """The channel's event is back to the held stay's own dates: the flag goes. False when
    the event changed meanwhile."""
    held.tooLong, held.updatedAt = None, now

    def build(tx):
        tx.save(held)  # conditional on the version read

    return commit(build)
