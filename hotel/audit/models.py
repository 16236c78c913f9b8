"""The audit log: who changed what, when, before and after. Append-only."""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from hotel.dynamo import meta, register


class StaffActorIndex(GlobalSecondaryIndex):
    """What one staff member or API key did, newest last: "recent actions" and the viewer's
    staff member filter read this. Sparse: only entries whose actor has an identity
    (hotel.actor.has_identity) carry `staffActor`; a guest's or a process's entry (most of
    them: 3 per booking journey) writes nothing here."""

    class Meta:
        index_name = "staffActor-entryId-index"
        projection = AllProjection()

    staffActor = UnicodeAttribute(hash_key=True)
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
    # staffActor-entryId-index replaced actor-entryId-index (keyed on `actor`, which every
    # entry has): `sync_tables --drop-replaced` deletes it once code that no longer reads it
    # is live, and `backfill_staff_actors` gives older staff entries their staffActor
    # (docs/deployment.md).
    Meta = meta(
        "audit",
        replaced_indexes={"staffActor-entryId-index": "actor-entryId-index"},
        replaced_index_keys={"actor-entryId-index": (("actor", "S"), ("entryId", "S"))},
    )

    objectKey = UnicodeAttribute(hash_key=True)  # "<objectType>:<objectId>"
    entryId = UnicodeAttribute(range_key=True)  # ISO timestamp + random suffix: sorts by time
    objectType = UnicodeAttribute()
    objectId = UnicodeAttribute()
    action = UnicodeAttribute()
    actor = UnicodeAttribute()  # who: a staff email, "apikey:<id>", "guest", "system:…"
    staffActor = UnicodeAttribute(null=True)  # = actor when it has an identity, else unset
    day = UnicodeAttribute()
    timestamp = UTCDateTimeAttribute()
    before = JSONAttribute(null=True)
    after = JSONAttribute(null=True)
    changes = JSONAttribute(null=True)  # {"field": [before, after]} for updates
    requestId = UnicodeAttribute(null=True)

    by_staff_actor = StaffActorIndex()
    by_day = DayIndex()
