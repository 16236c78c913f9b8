"""A guest's erasure reaches the channel events: `channel_summaries_erase`.

A channel event keeps the feed's SUMMARY, where some channels write the guest's name
("Reserved - Jane Doe"), and the imported booking's guestName was built from it. The erasure
(payments.privacy) anonymises the booking; this blanks the summary of the events its bookings
were imported from, found through what the erasure never removes (the booking's channelId
and id): one Query per channel, filtered on bookingId. Idempotent: an event already blank
and marked is not written again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pynamodb.exceptions import UpdateError

from hotel.errors import StaleObject

from ..models import Booking
from .models import ChannelEvent

ATTEMPTS = 4  # a sync changed the event meanwhile: read it again
FILTER_VALUES = 100  # DynamoDB's limit on the operands of one IN


def channel_events_of(bookings: Iterable[Booking]) -> list[ChannelEvent]:
    """The channel events the bookings were imported from (consistent reads)."""
    by_channel: dict[str, set[str]] = {}
    for booking in bookings:
        if booking.channelId:
            by_channel.setdefault(booking.channelId, set()).add(booking.bookingId)
    found = []
    for channel_id, ids in sorted(by_channel.items()):
        wanted = sorted(ids)
        for start in range(0, len(wanted), FILTER_VALUES):
            chunk = wanted[start : start + FILTER_VALUES]
            found += ChannelEvent.query(
                channel_id,
                filter_condition=ChannelEvent.bookingId.is_in(*chunk),
                consistent_read=True,
            )
    return found


def channel_summaries_erase(*, bookings: Iterable[Booking], now: datetime) -> int:
    """Blank the summary of the channel events the bookings came from and mark them
    `erasedAt`; returns how many changed. Raises StaleObject when an event keeps changing
    under a sync (a re-run finishes the job)."""
    return sum(_erase(event, now) for event in channel_events_of(bookings))


def _erase(event: ChannelEvent, now: datetime) -> int:
    for _ in range(ATTEMPTS):
        if not event.summary and event.erasedAt is not None:
            return 0
        try:
            event.update(  # conditional on the version read, as every write of the event
                actions=[
                    ChannelEvent.summary.set(""),
                    ChannelEvent.erasedAt.set(event.erasedAt or now),
                    ChannelEvent.updatedAt.set(now),
                ]
            )
            return 1
        except UpdateError as exc:
            if getattr(exc, "cause_response_code", None) != "ConditionalCheckFailedException":
                raise
        try:
            event = ChannelEvent.get(event.channelId, event.uid, consistent_read=True)
        except ChannelEvent.DoesNotExist:
            return 0  # released meanwhile: nothing kept
    raise StaleObject("A channel's event keeps changing: try the erasure again.")
