"""Room type API shapes: camelCase as stored; never the system's stock counters."""

from __future__ import annotations

from datetime import UTC

from django.core.files.storage import default_storage
from rest_framework import serializers

from hotel.api.serializers import (
    StrictInputSerializer,
    TranslationsOutput,
    domain_field_errors,
    translations_input,
)
from rooms.room_type_services import TRANSLATED, room_type_validate

from .serializers import sees_room_state


class PublicRoomTypeOutput(serializers.Serializer):
    """What a guest or an integrator needs to present a type."""

    roomType = serializers.CharField(help_text="The type's code, e.g. `Deluxe`.")
    name = serializers.CharField()
    description = serializers.CharField()
    photos = serializers.SerializerMethodField()
    gallery = serializers.SerializerMethodField(
        help_text="The photos in order with what presents them: `url` (the original), "
        '`width`, `height`, `sizes` (resized WebP copies by width, e.g. `{"480": url}`), '
        '`alt` and `caption` per guest language (`{"en": …, "de": …}`).'
    )
    beds = serializers.CharField()
    view = serializers.CharField(help_text="What the windows look onto, e.g. `Sea view`.")
    sizeM2 = serializers.IntegerField(allow_null=True)
    maxAdults = serializers.IntegerField()
    maxChildren = serializers.IntegerField()
    maxGuests = serializers.IntegerField()
    amenities = serializers.ListField(child=serializers.CharField())
    basePrice = serializers.IntegerField(help_text="Per night, minor units of `currency`.")
    currency = serializers.CharField()
    sortOrder = serializers.IntegerField()
    rooms = serializers.IntegerField(source="roomCount", help_text="Rooms of this type.")
    translations = TranslationsOutput()

    def get_photos(self, room_type) -> list[str]:
        request = self.context.get("request")
        urls = [default_storage.url(name) for name in room_type.photos or []]
        if request is None:
            return urls
        return [url if "://" in url else request.build_absolute_uri(url) for url in urls]

    def _absolute(self, name: str) -> str:
        url = default_storage.url(name)
        request = self.context.get("request")
        return url if request is None or "://" in url else request.build_absolute_uri(url)

    def get_gallery(self, room_type) -> list[dict]:
        facts = room_type.gallery or {}
        return [
            {
                "url": self._absolute(name),
                "width": (facts.get(name) or {}).get("w"),
                "height": (facts.get(name) or {}).get("h"),
                "sizes": {
                    width: self._absolute(copy)
                    for width, copy in ((facts.get(name) or {}).get("v") or {}).items()
                },
                "alt": (facts.get(name) or {}).get("alt") or {},
                "caption": (facts.get(name) or {}).get("caption") or {},
            }
            for name in room_type.photos or []
        ]


class RoomTypeOutput(PublicRoomTypeOutput):
    """Staff's shape: the public one plus what they edit and the revision to send back."""

    overbookingLimit = serializers.IntegerField(required=False, help_text="Staff only.")
    lastUpdated = serializers.DateTimeField(
        format="%Y-%m-%dT%H:%M:%SZ", default_timezone=UTC, required=False, help_text="Staff only."
    )
    revision = serializers.IntegerField(
        required=False, help_text="Staff only. Send back as `If-Match` to update safely."
    )


def room_type_output_class(request) -> type[PublicRoomTypeOutput]:
    return RoomTypeOutput if sees_room_state(request) else PublicRoomTypeOutput


class RoomTypeListOutput(serializers.Serializer):
    roomTypes = RoomTypeOutput(many=True)
    count = serializers.IntegerField()


class RoomTypeInput(StrictInputSerializer):
    roomType = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=80)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    beds = serializers.CharField(max_length=80, required=False, allow_blank=True)
    view = serializers.CharField(max_length=80, required=False, allow_blank=True)
    sizeM2 = serializers.IntegerField(required=False, allow_null=True, help_text="m²")
    maxAdults = serializers.IntegerField()
    maxChildren = serializers.IntegerField(required=False)
    maxGuests = serializers.IntegerField()
    amenities = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, max_length=30
    )
    basePrice = serializers.IntegerField(help_text="Per night, minor units, e.g. 420000.")
    currency = serializers.CharField(
        max_length=3, required=False, help_text="The hotel's currency (the default)."
    )
    sortOrder = serializers.IntegerField(required=False)
    overbookingLimit = serializers.IntegerField(required=False)
    translations = translations_input(TRANSLATED)

    def rule_errors(self, values, errors):
        """The room type rules (rooms.room_type_services) in the same answer as type errors.

        Pass context={"creating": True} when the input creates a type (code rules apply)."""
        creating = bool(self.context.get("creating"))
        data = values if creating else {k: v for k, v in values.items() if k != "roomType"}
        return domain_field_errors(lambda: room_type_validate(data=data, creating=creating))
