"""Rooms table. Reads top to bottom: Meta, key, attributes, indexes."""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from hotel.dynamo import IntegerAttribute, meta, register

# The codes the first version hard-coded. They stay valid: a room created with one of them
# before its room type exists creates the type from that room (rooms.room_types).
ROOM_TYPES = ("Standard", "Deluxe", "Suite")
STATUS_AVAILABLE = "available"
STATUS_OCCUPIED = "occupied"
STATUS_MAINTENANCE = "maintenance"
ROOM_STATUSES = (STATUS_AVAILABLE, STATUS_OCCUPIED, STATUS_MAINTENANCE)

# Housekeeping states (the `housekeeping` attribute; items written before these existed hold
# "clean" or "dirty", which keep their meaning).
HOUSEKEEPING_CLEAN = "clean"
HOUSEKEEPING_DIRTY = "dirty"  # check-out sets it
HOUSEKEEPING_INSPECTED = "inspected"  # clean and checked by a supervisor: ready to sell
# Out of service: a short job (bulb, tap); still in the inventory and still bookable, but
# the desk should not give the room to an arriving guest until it is fixed.
HOUSEKEEPING_OUT_OF_SERVICE = "out_of_service"
# Out of order: taken out of the inventory (major repair); availability and booking refuse it.
HOUSEKEEPING_OUT_OF_ORDER = "out_of_order"
HOUSEKEEPING_STATES = (
    HOUSEKEEPING_CLEAN,
    HOUSEKEEPING_DIRTY,
    HOUSEKEEPING_INSPECTED,
    HOUSEKEEPING_OUT_OF_SERVICE,
    HOUSEKEEPING_OUT_OF_ORDER,
)
HOUSEKEEPING_LABELS = {
    HOUSEKEEPING_CLEAN: "Clean",
    HOUSEKEEPING_DIRTY: "Dirty",
    HOUSEKEEPING_INSPECTED: "Inspected",
    HOUSEKEEPING_OUT_OF_SERVICE: "Out of service",
    HOUSEKEEPING_OUT_OF_ORDER: "Out of order",
}


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
    housekeeping = UnicodeAttribute(default=HOUSEKEEPING_CLEAN)  # HOUSEKEEPING_STATES
    # The booking in house, set by check-in and cleared by check-out in the same transaction
    # as the booking, conditional on being empty: two guests cannot be checked into one room.
    occupantBookingId = UnicodeAttribute(null=True)
    # Set for a moment by room_delete while it asks whether the room is in use; a booking's
    # transaction refuses a room that is being retired (rooms.services.room_delete).
    retiringUntil = UTCDateTimeAttribute(null=True)
    # Dated out-of-order periods (a repair booked ahead): [{"id", "from", "to", "reason", "by",
    # "at"}], nights [from, to). Written by bookings.out_of_order in the same transaction as
    # the nights' counters and the room-night markers that keep the room from being sold.
    outOfOrderPeriods = JSONAttribute(null=True)
    lastUpdated = UTCDateTimeAttribute()
    version = VersionAttribute()

    by_type_floor = RoomTypeFloorIndex()
    by_status = StatusIndex()

    def __str__(self) -> str:
        return f"{self.roomId} ({self.roomType})"


@register
class RoomType(Model):
    """The unit of sale: guests book a type, the product assigns one of its rooms.

    `sellableRooms` counts the rooms of the type that are in service (not in maintenance,
    not out of order); it is kept in the same transaction as each room's write, and the
    inventory (bookings.inventory) creates each night's counter from it. While staff change
    how many rooms a type has, `stockLock` is set: the inventory counters of the existing
    nights are being shifted, and no new night's counter is created until it is done.
    """

    Meta = meta("room-types")

    roomType = UnicodeAttribute(hash_key=True)  # the code, e.g. "Deluxe"
    name = UnicodeAttribute()
    description = UnicodeAttribute(default="")
    photos = ListAttribute(of=UnicodeAttribute, default=list)  # storage names, in order
    # Staff's words per guest language, {"de": {"name": …, "description": …}}; an empty one
    # shows the attributes above (hotel.languages.translated).
    translations = JSONAttribute(null=True)
    # Per photo (by storage name): size, resized copies, alt text and caption per language
    # (hotel.images; rooms.gallery).
    gallery = JSONAttribute(null=True)
    beds = UnicodeAttribute(default="")  # "1 king", "2 singles"
    view = UnicodeAttribute(default="")  # "Sea view", "Garden view"
    sizeM2 = IntegerAttribute(null=True)
    maxAdults = IntegerAttribute()
    maxChildren = IntegerAttribute(default=0)
    maxGuests = IntegerAttribute()
    amenities = ListAttribute(of=UnicodeAttribute, default=list)
    basePrice = IntegerAttribute()  # per night, minor units of `currency`
    currency = UnicodeAttribute()
    sortOrder = IntegerAttribute(default=0)
    overbookingLimit = IntegerAttribute(default=0)
    # Made from its rooms (a first-version code, rooms.room_types.room_type_for_room): its
    # guest limits follow the largest room until staff edit the type.
    derivedFromRooms = BooleanAttribute(null=True)
    roomCount = IntegerAttribute(default=0)  # rooms of this type
    sellableRooms = IntegerAttribute(default=0)  # of which in service
    stockVersion = IntegerAttribute(default=0)  # bumped by every change of the two counts
    stockLock = UnicodeAttribute(null=True)  # a capacity change in progress (its token)
    stockLockUntil = NumberAttribute(null=True)  # epoch seconds; a crashed change's lock lapses
    # The months ("YYYY-MM") that have counters of this type: a capacity change walks only
    # those (added by bookings.inventory.nights_ensure in the transaction creating them).
    stockMonths = UnicodeSetAttribute(null=True)
    lastUpdated = UTCDateTimeAttribute()
    # Staff's edits are conditional on the revision they saw (optimistic locking). Not a
    # VersionAttribute: the counter updates above must not bump or reset it.
    revision = IntegerAttribute(default=1)

    def __str__(self) -> str:
        return self.name or self.roomType
