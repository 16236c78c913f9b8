"""Reading channels and the events imported from them."""

from __future__ import annotations

from datetime import date

from .errors import ChannelNotFound
from .models import Channel, ChannelEvent
from .too_long import too_long_pending


def channel_get(channel_id: str, *, consistent: bool = False) -> Channel:
    """Raises ChannelNotFound."""
    if not isinstance(channel_id, str) or not 1 <= len(channel_id) <= 40:
        raise ChannelNotFound()
    try:
        return Channel.get(channel_id, consistent_read=consistent)
    except Channel.DoesNotExist:
        raise ChannelNotFound(f"No channel {channel_id[:40]}.") from None


def channels_list() -> list[Channel]:
    """Every channel, by name. A Scan: a hotel registers a handful (one per OTA listing)."""
    return sorted(Channel.scan(), key=lambda c: (c.name.lower(), c.channelId))


def channel_events(channel_id: str, *, consistent: bool = True) -> list[ChannelEvent]:
    """The events the hotel holds from the channel, by UID (one Query)."""
    return list(ChannelEvent.query(channel_id, consistent_read=consistent))


def channel_conflicts(channels: list[Channel] | None = None) -> list[tuple[Channel, ChannelEvent]]:
    """Imported stays taken beyond the inventory and not resolved yet: what the dashboard
    flags. Reads only the channels whose last sync counted some."""
    return channel_alerts(channels, today=None)[0]


def channel_alerts(
    channels: list[Channel] | None = None, *, today: date | None
) -> tuple[list[tuple[Channel, ChannelEvent]], list[tuple[Channel, ChannelEvent]]]:
    """(stays sold twice, events too long for one booking) that staff have still to handle,
    by arrival: what the dashboard flags (`today` None: no too-long ones). One Query per
    channel whose last sync counted some."""
    conflicts, too_long = [], []
    for channel in channels if channels is not None else channels_list():
        wants_long = today is not None and bool(channel.tooLong)
        if not channel.overbooked and not wants_long:
            continue
        for e in channel_events(channel.channelId):
            if e.overbooked and channel.overbooked:
                conflicts.append((channel, e))
            if wants_long and too_long_pending(e, today=today):
                too_long.append((channel, e))
    return sorted(conflicts, key=_by_arrival), sorted(too_long, key=_by_arrival)


def _by_arrival(pair: tuple[Channel, ChannelEvent]) -> tuple[str, str]:
    return pair[1].checkIn, pair[0].name
