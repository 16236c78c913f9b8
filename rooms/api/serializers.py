"""Room API shapes: nested input/output serializers, camelCase as stored."""

from __future__ import annotations

from datetime import UTC

from rest_framework import serializers

from hotel.api.serializers import StrictInputSerializer, domain_field_errors
from rooms.models import ROOM_STATUSES
from rooms.room_types import room_type_code_error
from rooms.selectors import room_photo_urls
from rooms.services import room_validate

STAFF_READ_PERMISSION = "rooms.view_room"


def sees_room_state(request) -> bool:
    """Occupancy and housekeeping state are staff's: anonymous callers see the public shape."""
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated and user.has_perm(STAFF_READ_PERMISSION))


class PublicRoomOutput(serializers.Serializer):
    """What a guest needs to choose a room: no status, version or last change (they would
    tell who checked in or out and when)."""

    roomId = serializers.CharField()
    roomType = serializers.CharField()
    floorNumber = serializers.IntegerField()
    capacity = serializers.IntegerField()
    pricePerNight = serializers.IntegerField(help_text="Minor units of `currency`.")
    currency = serializers.CharField()
    amenities = serializers.ListField(child=serializers.CharField())
    photos = serializers.SerializerMethodField()
    description = serializers.CharField()

    def get_photos(self, room) -> list[str]:
        request = self.context.get("request")
        urls = room_photo_urls(room)
        if request is None:
            return urls
        return [url if "://" in url else request.build_absolute_uri(url) for url in urls]


class RoomOutput(PublicRoomOutput):
    """Staff's shape (rooms.view_room): the public one plus the room's live state."""

    # Not required in the schema: the public endpoints leave them out for anonymous callers.
    status = serializers.CharField(required=False, help_text="Staff only.")
    housekeeping = serializers.CharField(required=False, help_text="Staff only.")
    lastUpdated = serializers.DateTimeField(
        format="%Y-%m-%dT%H:%M:%SZ", default_timezone=UTC, required=False, help_text="Staff only."
    )
    version = serializers.IntegerField(
        required=False, help_text="Staff only. Send back as `If-Match` to update safely."
    )


def room_output_class(request) -> type[PublicRoomOutput]:
    return RoomOutput if sees_room_state(request) else PublicRoomOutput


class RoomListOutput(serializers.Serializer):
    rooms = RoomOutput(many=True)
    count = serializers.IntegerField()
    nextToken = serializers.CharField(required=False)


class RoomInput(StrictInputSerializer):
    roomId = serializers.CharField(max_length=40)
    roomType = serializers.CharField(
        max_length=40, help_text="The code of an existing room type (GET /api/room-types)."
    )
    floorNumber = serializers.IntegerField()
    capacity = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ROOM_STATUSES, required=False)
    pricePerNight = serializers.IntegerField(help_text="Minor units, e.g. 5000 = 50.00.")
    currency = serializers.CharField(max_length=3, required=False)
    amenities = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, max_length=30
    )
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)

    def validate_roomType(self, value):
        message = room_type_code_error(value)
        if message:
            raise serializers.ValidationError(message)
        return value

    def rule_errors(self, values, errors):
        """The room rules (rooms.services.room_validate) in the same answer as type errors.

        Pass context={"creating": True} when the input creates a room (id rules apply)."""
        creating = bool(self.context.get("creating"))
        data = values if creating else {k: v for k, v in values.items() if k != "roomId"}
        return domain_field_errors(lambda: room_validate(data=data, creating=creating))


class RoomListQuery(serializers.Serializer):
    roomType = serializers.CharField(max_length=40, required=False)
    floorNumber = serializers.IntegerField(required=False, min_value=0, max_value=200)
    status = serializers.ChoiceField(choices=ROOM_STATUSES, required=False)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=100, default=50)
    nextToken = serializers.CharField(required=False, max_length=2000)

    def validate_roomType(self, value):
        message = room_type_code_error(value)
        if message:
            raise serializers.ValidationError(message)
        return value
