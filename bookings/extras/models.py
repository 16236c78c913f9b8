"""The extras catalog and its daily stock counters."""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.models import Model

from hotel.dynamo import IntegerAttribute, meta, register

PER_STAY = "per_stay"
PER_NIGHT = "per_night"
PER_PERSON_PER_NIGHT = "per_person_per_night"
PER_ITEM = "per_item"
UNITS = (PER_STAY, PER_NIGHT, PER_PERSON_PER_NIGHT, PER_ITEM)
# Units sold for each night of the stay (their stock is counted per night); the others are
# counted once, on the arrival date.
NIGHTLY_UNITS = (PER_NIGHT, PER_PERSON_PER_NIGHT)


@register
class Extra(Model):
    """One extra of the catalog. `price` is per unit (see UNITS), tax included."""

    Meta = meta("extras")

    code = UnicodeAttribute(hash_key=True)  # upper case, e.g. "BREAKFAST"
    name = UnicodeAttribute()
    description = UnicodeAttribute(default="")
    translations = JSONAttribute(null=True)  # {"de": {"name": …, "description": …}}
    price = IntegerAttribute()  # minor units per unit, tax included
    unit = UnicodeAttribute(default=PER_ITEM)
    taxCategory = UnicodeAttribute(default="standard")
    bookableOnline = BooleanAttribute(default=True)
    includedIn = ListAttribute(of=UnicodeAttribute, default=list)  # rate plan codes
    dailyStock = IntegerAttribute(null=True)  # None: unlimited
    active = BooleanAttribute(default=True)
    sortOrder = IntegerAttribute(default=0)
    revision = IntegerAttribute(default=1)
    lastUpdated = UTCDateTimeAttribute(null=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


@register
class ExtraStock(Model):
    """Units of one extra sold for one date: taken in the booking's transaction on the
    condition `sold + quantity <= stock` (bookings.extras.stock), given back in the one that
    ends the booking unkept."""

    Meta = meta("extra-stock")

    code = UnicodeAttribute(hash_key=True)
    date = UnicodeAttribute(range_key=True)  # YYYY-MM-DD
    sold = IntegerAttribute(default=0)
