"""Write audit entries. Services call `audit_entry` inside their own transaction when they can."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

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
        day=now.strftime("%Y-%m-%d"),
        timestamp=now,
        before=before,
        after=after,
        changes=diff(before, after) if before is not None and after is not None else None,
        requestId=request_id,
    )


def audit_record(**kwargs) -> AuditEntry:
    """Build and save an entry (see audit_entry for the arguments)."""
    entry = audit_entry(**kwargs)
    entry.save()
    return entry
