"""Channel (OTA calendar) API shapes; the rules are the services' (bookings.channels)."""

from __future__ import annotations

from datetime import UTC

from rest_framework import serializers

from bookings.channels.feed import CHANNELS
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


class ChannelListOutput(serializers.Serializer):
    channels = ChannelOutput(many=True)
    count = serializers.IntegerField()


class ChannelEventOutput(serializers.Serializer):
    uid = serializers.CharField()
    kind = serializers.CharField()
    checkIn = serializers.CharField()
    checkOut = serializers.CharField()
    summary = serializers.CharField()
    bookingId = serializers.CharField(allow_null=True)
    overbooked = serializers.BooleanField(allow_null=True)
    echo = serializers.BooleanField(allow_null=True)


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
    heldBack = serializers.BooleanField(
        help_text="The calendar listed nothing: nothing was released (sync with confirmEmpty)."
    )
    errors = serializers.ListField(child=serializers.CharField())
