"""Room API shapes: nested input/output serializers, camelCase as stored."""

from __future__ import annotations

from rest_framework import serializers

from hotel.api.serializers import StrictInputSerializer, domain_field_errors
from rooms.models import ROOM_STATUSES, ROOM_TYPES
from rooms.selectors import room_photo_urls
from rooms.services import room_validate


class RoomOutput(serializers.Serializer):
    roomId = serializers.CharField()
    roomType = serializers.CharField()
    floorNumber = serializers.IntegerField()
    capacity = serializers.IntegerField()
    status = serializers.CharField()
    pricePerNight = serializers.IntegerField(help_text="Minor units of `currency`.")
    currency = serializers.CharField()
    amenities = serializers.ListField(child=serializers.CharField())
    photos = serializers.SerializerMethodField()
    description = serializers.CharField()
    lastUpdated = serializers.SerializerMethodField()
    version = serializers.IntegerField(help_text="Send back as `If-Match` to update safely.")

    def get_photos(self, room) -> list[str]:
        request = self.context.get("request")
        urls = room_photo_urls(room)
        if request is None:
            return urls
        return [url if "://" in url else request.build_absolute_uri(url) for url in urls]

    def get_lastUpdated(self, room) -> str:
        return room.lastUpdated.strftime("%Y-%m-%dT%H:%M:%SZ")


class RoomListOutput(serializers.Serializer):
    rooms = RoomOutput(many=True)
    count = serializers.IntegerField()
    nextToken = serializers.CharField(required=False)


class RoomInput(StrictInputSerializer):
    roomId = serializers.CharField(max_length=40)
    roomType = serializers.ChoiceField(choices=ROOM_TYPES)
    floorNumber = serializers.IntegerField()
    capacity = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ROOM_STATUSES, required=False)
    pricePerNight = serializers.IntegerField(help_text="Minor units, e.g. 5000 = 50.00.")
    currency = serializers.CharField(max_length=3, required=False)
    amenities = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, max_length=30
    )
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)

    def rule_errors(self, values, errors):
        """The room rules (rooms.services.room_validate) in the same answer as type errors.

        Pass context={"creating": True} when the input creates a room (id rules apply)."""
        creating = bool(self.context.get("creating"))
        data = values if creating else {k: v for k, v in values.items() if k != "roomId"}
        return domain_field_errors(lambda: room_validate(data=data, creating=creating))


class RoomListQuery(serializers.Serializer):
    roomType = serializers.ChoiceField(choices=ROOM_TYPES, required=False)
    floorNumber = serializers.IntegerField(required=False, min_value=0, max_value=200)
    status = serializers.ChoiceField(choices=ROOM_STATUSES, required=False)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=100, default=50)
    nextToken = serializers.CharField(required=False, max_length=2000)
