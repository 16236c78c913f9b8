"""The audit log: who changed what, when, before and after. Append-only."""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from hotel.dynamo import meta, register


class ActorIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "actor-entryId-index"
        projection = AllProjection()

    actor = UnicodeAttribute(hash_key=True)
    entryId = UnicodeAttribute(range_key=True)


class DayIndex(GlobalSecondaryIndex):
    """Entries of one UTC day, newest last: the index page and date filters read this."""

    class Meta:
        index_name = "day-entryId-index"
        projection = AllProjection()

    day = UnicodeAttribute(hash_key=True)
    entryId = UnicodeAttribute(range_key=True)


@register
class AuditEntry(Model):
    Meta = meta("audit")

    objectKey = UnicodeAttribute(hash_key=True)  # "<objectType>:<objectId>"
    entryId = UnicodeAttribute(range_key=True)  # ISO timestamp + random suffix: sorts by time
    objectType = UnicodeAttribute()
    objectId = UnicodeAttribute()
    action = UnicodeAttribute()
    actor = UnicodeAttribute()
    day = UnicodeAttribute()
    timestamp = UTCDateTimeAttribute()
    before = JSONAttribute(null=True)
    after = JSONAttribute(null=True)
    changes = JSONAttribute(null=True)  # {"field": [before, after]} for updates
    requestId = UnicodeAttribute(null=True)

    by_actor = ActorIndex()
    by_day = DayIndex()
