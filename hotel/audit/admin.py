"""The audit log viewer (managers): by staff member, by object or by day — always a Query.

A staff member's (or an API key's) entries are a Query of the staffActor index. A guest's or
a process's ("guest", "system:…") are in no such index: the viewer reads them from the day's
entries (the day filter's day, else today) or the object's, keeping only theirs.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import capfirst

from hotel.actor import has_identity
from hotel.admin_site import site
from hotel.dynamo_admin import AttributeFilter, DynamoModelAdmin, InvalidFilter, ListFilter, display
from hotel.dynamo_admin.rendering import action_label, audit_changes_html

from .models import AuditEntry
from .services import object_key


class DayFilter(AttributeFilter):
    def parse(self, raw: str) -> str:
        try:
            return date.fromisoformat(raw.strip()).isoformat()
        except ValueError as exc:
            raise InvalidFilter("The day must look like 2026-03-02.") from exc


def _is_day(raw: str) -> bool:
    try:
        date.fromisoformat(raw.strip())
    except ValueError:
        return False
    return True


class ActorFilter(AttributeFilter):
    """Who made the entries: the staffActor index for a staff member or an API key; for anyone
    else, the day's (or the object's) entries filtered on `actor`, never a Scan."""

    def __init__(self):
        super().__init__("actor", title="staff member", placeholder="Email")
        self.attributes = ("staffActor", "actor")  # the staffActor index drives the read

    def lookups(self, params):
        found = super().lookups(params)
        actor = found.get("actor")
        if actor is None:
            return found
        if has_identity(actor):
            return {"staffActor": actor}
        narrowed = _is_day(params.get("day", "")) or (
            params.get("objectType", "").strip() and params.get("objectId", "").strip()
        )
        if not narrowed:
            found["day"] = today()  # the day filter, when set, says which day instead
        return found


def today() -> str:
    return datetime.now(UTC).date().isoformat()


class ObjectFilter(ListFilter):
    """One object's entries: its kind and id make the table's hash key."""

    title = "object"
    parameters = ("objectType", "objectId")
    attributes = ("objectKey",)

    def bind(self, modeladmin) -> ObjectFilter:
        self.modeladmin = modeladmin
        return self

    def lookups(self, params):
        kind = params.get("objectType", "").strip()
        object_id = params.get("objectId", "").strip()
        if not kind and not object_id:
            return {}
        if not (kind and object_id):
            raise InvalidFilter("Choose both the kind of object and its id.")
        return {"objectKey": object_key(kind, object_id)}

    def context(self, changelist) -> dict:
        kinds = [
            (admin.object_type, capfirst(admin.opts.verbose_name))
            for admin in self.modeladmin.admin_site.dynamo_admins()
            if admin is not self.modeladmin
        ]
        return {
            "title": self.title,
            "inputs": [
                {
                    "name": "objectType",
                    "label": "Kind",
                    "value": changelist.params.get("objectType", ""),
                    "choices": kinds,
                },
                {
                    "name": "objectId",
                    "label": "Id",
                    "value": changelist.params.get("objectId", ""),
                    "placeholder": "Id, e.g. 101",
                },
            ],
            "hidden": changelist.hidden_params(exclude=self.parameters),
            "clear_url": changelist.url_with(remove=self.parameters),
            "is_active": self.is_active(changelist.params),
        }


class AuditEntryAdmin(DynamoModelAdmin):
    app_label = "audit"
    model_name = "auditentry"
    verbose_name = "audit entry"
    verbose_name_plural = "audit log"
    list_display = ("when", "who", "action", "what", "changes_display")
    list_filter = (
        ActorFilter(),
        ObjectFilter(),
        DayFilter("day", placeholder="YYYY-MM-DD"),
    )
    query_forward = False  # newest first
    list_per_page = 50

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    default_filters_required = True  # an unfiltered log would be a Scan

    def get_default_filters(self, request) -> dict[str, str]:
        """Without a filter the log shows today (a Query on the day index, never a Scan)."""
        return {"day": today()}

    def format_attribute(self, obj, name):
        if name == "action":
            return action_label(obj.action)
        return super().format_attribute(obj, name)

    @display(description="When")
    def when(self, entry):
        return entry.timestamp

    @display(description="Who")
    def who(self, entry):
        """A link to what they did: a staff member's (or key's) every entry; a guest's or a
        process's on that day (they are listed by day)."""
        query = {"actor": entry.actor}
        if not has_identity(entry.actor):
            query["day"] = entry.day
        return format_html('<a href="?{}">{}</a>', urlencode(query), entry.actor)

    @display(description="Object")
    def what(self, entry):
        model_admin = self.admin_site.admin_for_object_type(entry.objectType)
        kind = capfirst(model_admin.opts.verbose_name) if model_admin else entry.objectType
        query = urlencode({"objectType": entry.objectType, "objectId": entry.objectId})
        return format_html('{} <a href="?{}">{}</a>', kind, query, entry.objectId)

    @display(description="Changes (before → after)")
    def changes_display(self, entry):
        model_admin = self.admin_site.admin_for_object_type(entry.objectType)
        lines = model_admin.audit_lines(entry) if model_admin else None
        return audit_changes_html(entry, lines)


site.register(AuditEntry, AuditEntryAdmin)
