"""Group block API shapes, camelCase as stored; the rules are the services'
(bookings.blocks.services)."""

from __future__ import annotations

from datetime import UTC

from rest_framework import serializers

from hotel.api.serializers import DayField, StrictInputSerializer

_STAMP = {"format": "%Y-%m-%dT%H:%M:%SZ", "default_timezone": UTC}


class BlockInput(StrictInputSerializer):
    code = serializers.CharField(max_length=20, help_text="What the guests type, e.g. WED26.")
    name = serializers.CharField(max_length=120)
    roomType = serializers.CharField(max_length=40)
    start = DayField(help_text="First night.")
    end = DayField(help_text="Departure day (not a night).")
    unitsPerNight = serializers.IntegerField(min_value=1, max_value=500)
    rate = serializers.IntegerField(min_value=0, help_text="Minor units per night.")
    ratePlan = serializers.CharField(max_length=20, required=False, allow_blank=True)
    releaseDate = DayField(help_text="Unpicked units go back on general sale that day.")
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class BlockPatchInput(StrictInputSerializer):
    name = serializers.CharField(max_length=120, required=False)
    rate = serializers.IntegerField(min_value=0, required=False)
    ratePlan = serializers.CharField(max_length=20, required=False, allow_blank=True)
    releaseDate = DayField(required=False)
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class BlockListQuery(serializers.Serializer):
    status = serializers.ChoiceField(choices=["held", "released"], required=False)


class BlockNightOutput(serializers.Serializer):
    night = serializers.CharField()
    units = serializers.IntegerField()
    picked = serializers.IntegerField()
    released = serializers.DateTimeField(allow_null=True, **_STAMP)


class BlockOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    roomType = serializers.CharField()
    start = serializers.CharField()
    end = serializers.CharField()
    unitsPerNight = serializers.IntegerField()
    rate = serializers.IntegerField()
    currency = serializers.CharField()
    ratePlan = serializers.CharField(allow_null=True)
    releaseDate = serializers.CharField()
    status = serializers.CharField()
    notes = serializers.CharField()
    createdAt = serializers.DateTimeField(**_STAMP)
    releasedAt = serializers.DateTimeField(allow_null=True, **_STAMP)
    revision = serializers.IntegerField()


class BlockDetailOutput(BlockOutput):
    nights = serializers.SerializerMethodField()
    picked = serializers.SerializerMethodField(help_text="Room nights picked, all nights.")
    units = serializers.SerializerMethodField(help_text="Room nights held, all nights.")

    def get_nights(self, block) -> list[dict]:
        return BlockNightOutput(self.context["nights"], many=True).data

    def get_picked(self, block) -> int:
        return sum(n.picked for n in self.context["nights"])

    def get_units(self, block) -> int:
        return sum(n.units for n in self.context["nights"])


class BlockListOutput(serializers.Serializer):
    blocks = BlockOutput(many=True)
    count = serializers.IntegerField()


class BlockReleaseOutput(BlockDetailOutput):
    nightsReleased = serializers.SerializerMethodField()

    def get_nightsReleased(self, block) -> int:
        return self.context["released"]


class RoomingListOutput(serializers.Serializer):
    blockCode = serializers.CharField()
    bookingIds = serializers.ListField(child=serializers.CharField())
    count = serializers.IntegerField()
