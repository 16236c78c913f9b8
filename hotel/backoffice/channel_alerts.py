"""The dashboard's attention box for OTA channels: stays sold twice (imported while the
type had no room left), events too long for one booking (not imported: staff book them by
hand or split them) and channels whose last sync failed, each linking to its channel's page.
One Scan of the (few) channels, and one Query per channel that counts conflicts.
"""

from __future__ import annotations

from datetime import date

from django.utils import formats, timezone

from bookings.channels.selectors import channel_alerts, channels_list

from .channels import channel_url, may_view_channels, stay_label, too_long_text, type_names


def channel_alerts_context(request, *, today: date) -> dict:
    """{"channel_conflicts": [...], "channel_too_long": [...], "channel_failures": [...]} for
    the dashboard; empty for staff who do not see channels."""
    if not may_view_channels(request):
        return {}
    channels = channels_list()
    names = type_names() if any(c.overbooked for c in channels) else {}
    sold_twice, flagged = channel_alerts(channels, today=today)
    conflicts = [
        {
            "url": channel_url(channel.channelId),
            "text": f"{channel.name} stay {stay_label(e.checkIn, e.checkOut, today=today)}",
            "booking_id": e.bookingId,
            "room_type": names.get(channel.roomType, channel.roomType),
        }
        for channel, e in sold_twice
    ]
    too_long = [
        {
            "url": channel_url(channel.channelId),
            "name": channel.name,
            "text": too_long_text(e, today=today),
        }
        for channel, e in flagged
    ]
    failures = [
        {
            "url": channel_url(c.channelId),
            "name": c.name,
            "error": c.lastError,
            "at": _moment(c.lastSyncAt),
            "good": _moment(c.lastGoodSyncAt),
        }
        for c in channels
        if c.lastError and c.active  # a channel switched off is not synced: old news
    ]
    return {
        "channel_conflicts": conflicts,
        "channel_too_long": too_long,
        "channel_failures": failures,
    }


def _moment(value) -> str:
    if value is None:
        return ""
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
