"""A group block and its nights.

`Block` is the contract (code, dates, type, units per night, rate, release date);
`BlockNight` is the counter the guests' bookings race on, one item per (night, block), keyed
like the inventory (month hash, "night#code" range) so that the rack and the rates grid read
every block's pickup of a period with one Query per month, as they read the inventory.
"""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute, VersionAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from hotel.dynamo import IntegerAttribute, meta, register

HELD = "held"  # its unpicked units are held out of general inventory
RELEASED = "released"  # every night released: unpicked units are back on sale
BLOCK_STATUSES = (HELD, RELEASED)


class BlockStatusIndex(GlobalSecondaryIndex):
    """Blocks by status and release date: the release job's due blocks and the staff list,
    without a Scan."""

    class Meta:
        index_name = "status-releaseDate-index"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    releaseDate = UnicodeAttribute(range_key=True)


@register
class Block(Model):
    Meta = meta("blocks")

    code = UnicodeAttribute(hash_key=True)  # e.g. WED26: what the guests type
    name = UnicodeAttribute()
    roomType = UnicodeAttribute()
    start = UnicodeAttribute()  # YYYY-MM-DD, first night
    end = UnicodeAttribute()  # YYYY-MM-DD, departure day (not a night)
    unitsPerNight = IntegerAttribute()
    rate = IntegerAttribute()  # minor units per night, taxes included like the rate calendar
    currency = UnicodeAttribute()
    ratePlan = UnicodeAttribute(null=True)  # the terms the stays are sold under (None: FLEX)
    releaseDate = UnicodeAttribute()  # YYYY-MM-DD: unpicked units go back on sale that day
    status = UnicodeAttribute(default=HELD)
    notes = UnicodeAttribute(default="")
    createdAt = UTCDateTimeAttribute()
    createdBy = UnicodeAttribute(null=True)
    releasedAt = UTCDateTimeAttribute(null=True)
    revision = VersionAttribute()

    by_status = BlockStatusIndex()

    def __str__(self) -> str:
        return self.code


@register
class BlockNight(Model):
    """One night of a block: `units` held, `picked` by live bookings of the block (always
    exactly those bookings, before and after the release). Before `released`, the block's
    `units` are all counted in the inventory's `sold`; from `released` on, only `picked` are."""

    Meta = meta("block-nights")

    month = UnicodeAttribute(hash_key=True)  # YYYY-MM of the night
    slot = UnicodeAttribute(range_key=True)  # "YYYY-MM-DD#CODE"
    code = UnicodeAttribute()
    night = UnicodeAttribute()  # YYYY-MM-DD
    roomType = UnicodeAttribute()
    units = IntegerAttribute()
    picked = IntegerAttribute(default=0)
    released = UTCDateTimeAttribute(null=True)  # set once, by the release
