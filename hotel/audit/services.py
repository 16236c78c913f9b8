"""Write audit entries: the one helper every audited write uses.

A change and its entry are written in one transaction: `audit_add(tx, ...)` builds the
entry and adds it to the caller's TransactWrite (what rooms, bookings, payments, staff and
the generic admin all do). `audit_entry` only builds it, for callers that assemble their
transaction elsewhere; `audit_record` saves one alone (a decision with no item to write).
The arguments are the same everywhere: who (`actor`), what (`action`), on which entity
(`object_type`, `object_id`), its `before` / `after` snapshots (None when created /
deleted), `now` and the `request_id` that caused it (hotel.actor.Actor holds the last three
of a request's caller).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from pynamodb.transactions import TransactWrite

from hotel.actor import has_identity

from .models import AuditEntry


def object_key(object_type: str, object_id: str) -> str:
    return f"{object_type}:{object_id}"


def diff(before: dict | None, after: dict | None) -> dict[str, list[Any]]:
    before, after = before or {}, after or {}
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def audit_entry(
    *,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    before: dict | None,
    after: dict | None,
    now: datetime,
    request_id: str | None = None,
) -> AuditEntry:
    """Build (not save) an entry, for callers that write it in their own transaction."""
    now = now.astimezone(UTC)
    return AuditEntry(
        objectKey=object_key(object_type, object_id),
        entryId=f"{now.strftime('%Y-%m-%dT%H:%M:%S.%fZ')}#{secrets.token_hex(4)}",
        objectType=object_type,
        objectId=object_id,
        action=action,
        actor=actor,
        # Only a staff member's or an API key's entry is in the staffActor index: a guest's
        # or a process's is found by its object or its day.
        staffActor=actor if has_identity(actor) else None,
        day=now.strftime("%Y-%m-%d"),
        timestamp=now,
        before=before,
        after=after,
        changes=diff(before, after) if before is not None and after is not None else None,
        requestId=request_id,
    )


def audit_add(tx: TransactWrite, **fields) -> AuditEntry:
    """Build the entry (audit_entry's keyword arguments) and save it in `tx`, the transaction
    that writes the change itself."""
    entry = audit_entry(**fields)
    tx.save(entry)
    return entry


def audit_record(**kwargs) -> AuditEntry:
    """Build and save an entry (see audit_entry for the arguments)."""
    entry = audit_entry(**kwargs)
    entry.save()
    return entry
