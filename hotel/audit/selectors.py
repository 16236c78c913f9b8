"""Read the audit log without scanning: by object or by actor."""

from __future__ import annotations

from .models import AuditEntry
from .services import object_key


def audit_for_object(*, object_type: str, object_id: str, limit: int = 100) -> list[AuditEntry]:
    return list(
        AuditEntry.query(object_key(object_type, object_id), scan_index_forward=False, limit=limit)
    )


def audit_for_actor(*, actor: str, limit: int = 10) -> list[AuditEntry]:
    return list(AuditEntry.by_actor.query(actor, scan_index_forward=False, limit=limit))
