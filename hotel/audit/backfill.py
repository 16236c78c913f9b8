"""The upgrade to the sparse staffActor index: older staff entries get their staffActor.

Entries written before `staffActor` existed (by a version whose actor index was keyed on
`actor`) are in no staffActor index: "recent actions" and the staff member filter would not
find them. `staff_actors_backfill` reads the audit table once (a Scan: an upgrade step, never
a request) and sets `staffActor = actor` on each such entry whose actor has an identity
(hotel.actor.has_identity), on condition that it still has none: idempotent, and safe beside
the live version, which sets it itself.

Guests' and processes' entries never get one, so a run that starts over reads them all
again: on a Lambda invocation (30 s) a large table would never be read to its end. So a run
may stop after `seconds` and keep where it stopped (an item of the idempotency-keys table,
for a week); the next run goes on from there, and the one that reaches the end forgets it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from pynamodb.exceptions import DoesNotExist, UpdateError

from hotel.actor import has_identity
from hotel.idempotency import IdempotencyKey

from .models import AuditEntry

CURSOR = "audit.staff-actor-backfill.cursor"
CURSOR_KEPT = timedelta(days=7)


def _cursor() -> dict | None:
    try:
        return json.loads(IdempotencyKey.get(CURSOR, consistent_read=True).fingerprint)
    except DoesNotExist:
        return None


def _keep_cursor(key: dict | None) -> None:
    if key is None:
        IdempotencyKey(key=CURSOR).delete()
        return
    now = datetime.now(UTC)
    IdempotencyKey(
        key=CURSOR, fingerprint=json.dumps(key), createdAt=now, expiresAt=now + CURSOR_KEPT
    ).save()


def staff_actors_backfill(
    *,
    log: Callable[[str], None] = print,
    seconds: float | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Give every staff member's or API key's entry without `staffActor` one, from where the
    last run stopped. With `seconds`, stop once that much time has passed and keep the place.
    Returns how many it wrote (0 on a second run over the whole table)."""
    written = read = 0
    started = clock()
    start = _cursor()
    entries = AuditEntry.scan(
        filter_condition=AuditEntry.staffActor.does_not_exist(),
        attributes_to_get=["objectKey", "entryId", "actor"],
        last_evaluated_key=start,
    )
    stopped = None
    for entry in entries:
        read += 1
        written += _give_staff_actor(entry)
        if seconds is not None and clock() - started > seconds:
            stopped = entries.last_evaluated_key  # the entry just handled: go on after it
            break
    _keep_cursor(stopped)
    log(f"{written} staff entries given their staffActor ({read} entries without one read)")
    if stopped is not None:
        log(f"Stopped after {seconds:g} s with its place kept: run it again to go on.")
    else:
        log("Done: the audit table is read to its end.")
    return written


def _give_staff_actor(entry: AuditEntry) -> int:
    """1 if `entry` was given its staffActor now; 0 for a guest's or a process's entry (listed
    by object or by day) and for one written meanwhile (by the live version) or gone."""
    if not has_identity(entry.actor):
        return 0
    try:
        entry.update(
            actions=[AuditEntry.staffActor.set(entry.actor)],
            condition=AuditEntry.objectKey.exists() & AuditEntry.staffActor.does_not_exist(),
        )
    except UpdateError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
        return 0
    return 1
