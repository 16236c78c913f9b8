"""The reservation: one reference and one booker over one or more stays.

Each stay is a Booking (its own room type, plan, occupancy, dates, room, guest name, folio)
that names its reservation (`Booking.reservationId`). The stays of a reservation are booked
in one transaction (all or nothing) and share the reservation's guest token. A booking made
alone (`POST /api/bookings`) is a one-stay reservation without an item here: its reference
is its own booking id.
"""

from __future__ import annotations

from pynamodb.attributes import (
    ListAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.models import Model

from hotel.dynamo import IntegerAttribute, meta, register


@register
class Reservation(Model):
    Meta = meta("reservations")

    reservationId = UnicodeAttribute(hash_key=True)  # "RS-YYYYMMDD-XXXXXXXX"
    bookerName = UnicodeAttribute()
    bookerEmail = UnicodeAttribute(null=True)
    bookerPhone = UnicodeAttribute(null=True)
    bookingIds = ListAttribute(of=UnicodeAttribute)  # the stays, in the order booked
    guestTokenHash = UnicodeAttribute()  # the same token opens every stay
    totalPrice = IntegerAttribute()  # the stays' totals when booked
    currency = UnicodeAttribute()
    source = UnicodeAttribute(default="api")
    blockCode = UnicodeAttribute(null=True)  # booked from a group block
    profileId = UnicodeAttribute(null=True)  # the booker's guest profile
    language = UnicodeAttribute(null=True)  # the booker's (bookings.models.Booking.language)
    notes = UnicodeAttribute(default="")
    createdAt = UTCDateTimeAttribute()
    updatedAt = UTCDateTimeAttribute()
    version = VersionAttribute()

    def __str__(self) -> str:
        return self.reservationId
