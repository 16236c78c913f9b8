"""Channel (OTA calendar) API shapes; the rules are the services' (bookings.channels)."""

from __future__ import annotations

from datetime import UTC

from rest_framework import serializers

from bookings.channels.feed import CHANNELS
from bookings.channels.limits import MAX_STAY_NIGHTS
from hotel.api.serializers import StrictInputSerializer

_STAMP = {"format": "%Y-%m-%dT%H:%M:%SZ", "default_timezone": UTC}
_CHANNEL_HELP = (
    "How the channel writes its calendar (reservations vs closures): guessed from the name "
    "or URL when not given."
)


class ChannelInput(StrictInputSerializer):
    name = serializers.CharField(max_length=80, help_text="e.g. Airbnb – garden flat")
    url = serializers.CharField(max_length=2000, help_text="The channel's iCal export URL.")
    roomType = serializers.CharField(max_length=40, help_text="Code or name of the room type.")
    channel = serializers.ChoiceField(choices=CHANNELS, required=False, help_text=_CHANNEL_HELP)
    importClosures = serializers.BooleanField(
        required=False,
        help_text="Also take a unit for the channel's 'not available' closures (default no: "
        "they are usually the echo of this hotel's own calendar).",
    )


class ChannelPatchInput(StrictInputSerializer):
    name = serializers.CharField(max_length=80, required=False)
    url = serializers.CharField(max_length=2000, required=False)
    channel = serializers.ChoiceField(choices=CHANNELS, required=False)
    importClosures = serializers.BooleanField(required=False)
    active = serializers.BooleanField(required=False)


class ChannelSyncInput(StrictInputSerializer):
    confirmEmpty = serializers.BooleanField(
        required=False,
        help_text="The calendar lists no stay any more: release the ones it listed.",
    )


class ChannelOutput(serializers.Serializer):
    channelId = serializers.CharField()
    name = serializers.CharField()
    channel = serializers.CharField(source="kind")
    url = serializers.CharField()
    roomType = serializers.CharField()
    importClosures = serializers.BooleanField()
    active = serializers.BooleanField()
    createdAt = serializers.DateTimeField(**_STAMP)
    lastSyncAt = serializers.DateTimeField(allow_null=True, **_STAMP)
    lastGoodSyncAt = serializers.DateTimeField(allow_null=True, **_STAMP)
    lastError = serializers.CharField(allow_null=True)
    lastCounts = serializers.DictField(allow_null=True)
    problems = serializers.ListField(child=serializers.CharField(), allow_null=True)
    heldBack = serializers.BooleanField(allow_null=True)
    overbooked = serializers.IntegerField(allow_null=True)
    tooLong = serializers.IntegerField(
        allow_null=True, help_text="Events too long for one booking that staff have to handle."
    )


class ChannelListOutput(serializers.Serializer):
    channels = ChannelOutput(many=True)
    count = serializers.IntegerField()


class TooLongOutput(serializers.Serializer):
    checkIn = serializers.CharField(help_text="The dates the channel asked for.")
    checkOut = serializers.CharField()
    nights = serializers.IntegerField()
    maxNights = serializers.IntegerField(help_text="The most one booking can hold.")
    at = serializers.CharField(help_text="When a sync flagged it.")
    resolvedAt = serializers.CharField(required=False, help_text="When staff handled it.")
    resolvedBy = serializers.CharField(required=False)


class ChannelEventOutput(serializers.Serializer):
    uid = serializers.CharField()
    kind = serializers.CharField()
    checkIn = serializers.CharField()
    checkOut = serializers.CharField()
    summary = serializers.CharField()
    bookingId = serializers.CharField(allow_null=True)
    overbooked = serializers.BooleanField(allow_null=True)
    echo = serializers.BooleanField(allow_null=True)
    tooLong = TooLongOutput(
        allow_null=True,
        help_text="More nights than one booking holds: not imported (or, for an imported stay, "
        "not moved to these dates) until the channel changes them; book it by hand or split it.",
    )


class ChannelDetailOutput(ChannelOutput):
    events = ChannelEventOutput(many=True)


class ChannelSyncOutput(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    released = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    closures = serializers.IntegerField(help_text="Closures recorded without taking a unit.")
    overbooked = serializers.IntegerField(help_text="Stays imported beyond the inventory.")
    echoes = serializers.IntegerField(
        help_text="Booking.com events on nights already full here, kept without a unit (likely "
        "the echo of this hotel's own calendar); imported as soon as a unit is free."
    )
    tooLong = serializers.IntegerField(
        help_text="Events flagged by this sync: longer than the hotel sells "
        f"(HOTEL_MAX_STAY_NIGHTS) or one transaction holds ({MAX_STAY_NIGHTS} nights). Nothing "
        "is taken for them and they are not tried again until the channel changes their "
        "dates; staff book them by hand or split them."
    )
    heldBack = serializers.BooleanField(
        help_text="The calendar listed nothing: nothing was released (sync with confirmEmpty)."
    )
    errors = serializers.ListField(child=serializers.CharField())
