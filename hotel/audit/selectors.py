"""Read the audit log without scanning: by object or by staff member (or API key)."""

from __future__ import annotations

from hotel.actor import has_identity

from .models import AuditEntry
from .services import object_key


def audit_for_object(*, object_type: str, object_id: str, limit: int = 100) -> list[AuditEntry]:
    return list(
        AuditEntry.query(object_key(object_type, object_id), scan_index_forward=False, limit=limit)
    )


def audit_for_actor(*, actor: str, limit: int = 10) -> list[AuditEntry]:
    """A staff member's or an API key's latest entries, newest first. Only they are in the
    staffActor index: a guest's or a process's entries are read by object or by day."""
    if not has_identity(actor):
        raise ValueError(f"{actor!r} is no staff member or API key: read its entries by day")
    return list(AuditEntry.by_staff_actor.query(actor, scan_index_forward=False, limit=limit))
