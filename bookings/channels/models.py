"""External calendars (OTA channels) and the events imported from them.

`Channel` is what staff register: a calendar URL of Airbnb, Booking.com, VRBO, … for one
room type, and what its last sync did. `ChannelEvent` is one event of that calendar the
hotel holds, keyed by (channel, UID): the UID is how a sync recognises an event it already
imported, so a sync run twice (or by two workers at once) creates nothing twice — the
event item is written in the same transaction as its booking, on the condition that it
does not exist yet.
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.models import Model

from hotel.dynamo import meta, register


@register
class Channel(Model):
    """An external calendar imported into one room type's inventory."""

    Meta = meta("channels")

    channelId = UnicodeAttribute(hash_key=True)  # CH-…
    name = UnicodeAttribute()  # what staff call it, e.g. "Airbnb – garden flat"
    kind = UnicodeAttribute()  # bookings.channels.feed.CHANNELS: how it writes its events
    url = UnicodeAttribute()
    roomType = UnicodeAttribute()
    # Import the channel's "not available" closures as stays too (default: only reservations;
    # a closure is usually the echo of the hotel's own export, bookings.channels.feed).
    importClosures = BooleanAttribute(default=False)
    active = BooleanAttribute(default=True)
    createdAt = UTCDateTimeAttribute()
    createdBy = UnicodeAttribute(null=True)
    # The last sync, good or not, and the last good one.
    lastSyncAt = UTCDateTimeAttribute(null=True)
    lastError = UnicodeAttribute(null=True)  # None after a good sync
    lastGoodSyncAt = UTCDateTimeAttribute(null=True)
    # {"created", "updated", "released", "unchanged", "closures", "overbooked", "echoes",
    # "tooLong", "heldBack", "errors"} of the last good sync (sync.SyncResult), and the
    # problems its feed had (events skipped, at most 20 lines).
    lastCounts = JSONAttribute(null=True)
    problems = JSONAttribute(null=True)
    # The feed listed nothing while the hotel holds future stays from it: nothing was
    # released; staff confirm (sync with confirmEmpty) or the feed comes back.
    heldBack = BooleanAttribute(null=True)
    overbooked = NumberAttribute(null=True)  # imported stays beyond the inventory, for staff
    # Events too long for one transaction that staff have still to book by hand (too_long).
    tooLong = NumberAttribute(null=True)
    # One sync at a time per channel: epoch seconds until which a sync holds it.
    syncLeaseUntil = NumberAttribute(null=True)
    version = VersionAttribute()

    def __str__(self) -> str:
        return self.name


@register
class ChannelEvent(Model):
    """One event of a channel's calendar that the hotel holds: the stay it became (a
    confirmed external booking), or a closure recorded without taking a unit."""

    Meta = meta("channel-events")

    channelId = UnicodeAttribute(hash_key=True)
    uid = UnicodeAttribute(range_key=True)
    kind = UnicodeAttribute()  # reservation | closure
    checkIn = UnicodeAttribute()  # YYYY-MM-DD
    checkOut = UnicodeAttribute()
    # The feed's SUMMARY: some channels write the guest's name in it ("Reserved - Jane Doe").
    summary = UnicodeAttribute(default="")
    bookingId = UnicodeAttribute(null=True)  # None: a closure not imported as a stay
    # Taken beyond the inventory's ceiling: the night was already sold here; staff resolve it.
    overbooked = BooleanAttribute(null=True)
    # A channel that writes stays and closures alike (Booking.com) listed it on nights with
    # no unit left here: most likely the echo of the hotel's own sold-out export, so no unit
    # is taken; each sync imports it as a stay as soon as a unit is free (a real stay).
    echo = BooleanAttribute(null=True)
    # More nights than one transaction holds (bookings.channels.limits): not imported, or
    # the stay not moved; {"checkIn", "checkOut", "nights", "maxNights", "at"} the channel
    # asked for, and "resolvedAt", "resolvedBy" once staff handled it (too_long).
    tooLong = JSONAttribute(null=True)
    # When a guest's erasure blanked `summary` (bookings.channels.erasure); None: never.
    erasedAt = UTCDateTimeAttribute(null=True)
    createdAt = UTCDateTimeAttribute()
    updatedAt = UTCDateTimeAttribute()
    version = VersionAttribute()  # every write is conditional on the version it read
