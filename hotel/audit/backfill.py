"""The upgrade to the sparse staffActor index: older staff entries get their staffActor.

Entries written before `staffActor` existed (by a version whose actor index was keyed on
`actor`) are in no staffActor index: "recent actions" and the staff member filter would not
find them. `staff_actors_backfill` reads the audit table once (a Scan: an upgrade step, never
a request) and sets `staffActor = actor` on each such entry whose actor has an identity
(hotel.actor.has_identity), on condition that it still has none: idempotent, and safe beside
the live version, which sets it itself.
"""

from __future__ import annotations

from collections.abc import Callable

from pynamodb.exceptions import UpdateError

from hotel.actor import has_identity

from .models import AuditEntry


def staff_actors_backfill(*, log: Callable[[str], None] = print) -> int:
    """Give every staff member's or API key's entry without `staffActor` one. Returns how
    many it wrote (0 on a second run)."""
    written = read = 0
    for entry in AuditEntry.scan(
        filter_condition=AuditEntry.staffActor.does_not_exist(),
        attributes_to_get=["objectKey", "entryId", "actor"],
    ):
        read += 1
        if not has_identity(entry.actor):
            continue  # a guest's or a process's: listed by object or by day
        try:
            entry.update(
                actions=[AuditEntry.staffActor.set(entry.actor)],
                condition=AuditEntry.objectKey.exists() & AuditEntry.staffActor.does_not_exist(),
            )
        except UpdateError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise
            continue  # written meanwhile (by the live version) or gone
        written += 1
    log(f"{written} staff entries given their staffActor ({read} entries without one read)")
    return written
