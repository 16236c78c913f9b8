"""Reading channels and the events imported from them."""

from __future__ import annotations

from .errors import ChannelNotFound
from .models import Channel, ChannelEvent


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
    found = []
    for channel in channels if channels is not None else channels_list():
        if not channel.overbooked:
            continue
        found += [(channel, e) for e in channel_events(channel.channelId) if e.overbooked]
    return sorted(found, key=lambda pair: (pair[1].checkIn, pair[0].name))
