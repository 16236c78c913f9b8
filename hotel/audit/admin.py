"""The audit log viewer (managers): by staff member, by object or by day — always a Query."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import capfirst

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
        AttributeFilter("actor", title="staff member", placeholder="Email"),
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
        return {"day": datetime.now(UTC).date().isoformat()}

    def format_attribute(self, obj, name):
        if name == "action":
            return action_label(obj.action)
        return super().format_attribute(obj, name)

    @display(description="When")
    def when(self, entry):
        return entry.timestamp

    @display(description="Who")
    def who(self, entry):
        return format_html('<a href="?{}">{}</a>', urlencode({"actor": entry.actor}), entry.actor)

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
