"""Rooms table. Reads top to bottom: Meta, key, attributes, indexes."""

from __future__ import annotations

from pynamodb.attributes import (
    ListAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from hotel.dynamo import IntegerAttribute, meta, register

ROOM_TYPES = ("Standard", "Deluxe", "Suite")
STATUS_AVAILABLE = "available"
STATUS_OCCUPIED = "occupied"
STATUS_MAINTENANCE = "maintenance"
ROOM_STATUSES = (STATUS_AVAILABLE, STATUS_OCCUPIED, STATUS_MAINTENANCE)


class RoomTypeFloorIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "roomType-floor-index"
        projection = AllProjection()

    roomType = UnicodeAttribute(hash_key=True)
    floorNumber = IntegerAttribute(range_key=True)


class StatusIndex(GlobalSecondaryIndex):
    """Rooms by status (housekeeping and maintenance lists) without a Scan."""

    class Meta:
        index_name = "status-roomId-index"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    roomId = UnicodeAttribute(range_key=True)


@register
class Room(Model):
    Meta = meta("rooms")

    roomId = UnicodeAttribute(hash_key=True)
    roomType = UnicodeAttribute()
    floorNumber = IntegerAttribute()
    capacity = IntegerAttribute()
    status = UnicodeAttribute(default=STATUS_AVAILABLE)
    pricePerNight = IntegerAttribute()  # minor units of `currency`
    currency = UnicodeAttribute()
    amenities = ListAttribute(of=UnicodeAttribute, default=list)
    photos = ListAttribute(of=UnicodeAttribute, default=list)  # storage names, not URLs
    description = UnicodeAttribute(default="")
    housekeeping = UnicodeAttribute(default="clean")  # clean / dirty (check-out sets dirty)
    lastUpdated = UTCDateTimeAttribute()
    version = VersionAttribute()

    by_type_floor = RoomTypeFloorIndex()
    by_status = StatusIndex()

    def __str__(self) -> str:
        return f"{self.roomId} ({self.roomType})"
