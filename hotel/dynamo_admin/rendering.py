"""How values look on list, change and history pages (the admin's own conventions)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from django.templatetags.static import static
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from hotel.templatetags.dates import format_day

from .forms import label_for


def header_for(modeladmin, name) -> str:
    if callable(name):
        return getattr(name, "short_description", label_for(name.__name__))
    if name == "__str__":
        return modeladmin.opts.verbose_name
    method = getattr(modeladmin, name, None)
    if callable(method) and name not in modeladmin.model.get_attributes():
        return getattr(method, "short_description", label_for(name))
    return modeladmin.labels.get(name) or label_for(name)


def display_value(modeladmin, obj, name) -> Any:
    """The rendered value of column/field `name` (attribute, admin method or callable)."""
    empty = modeladmin.empty_value_display
    if callable(name):
        return _decorate(name, name(obj), empty)
    if name == "__str__":
        return str(obj)
    if name not in modeladmin.model.get_attributes():
        method = getattr(modeladmin, name, None)
        if callable(method):
            return _decorate(method, method(obj), empty)
        return empty
    return modeladmin.format_attribute(obj, name)


def _decorate(func, value, empty):
    if getattr(func, "boolean", False):
        return boolean_icon(value)
    return format_value(value, getattr(func, "empty_value_display", empty))


def boolean_icon(value) -> SafeString:
    icon = {True: "yes", False: "no", None: "unknown"}[None if value is None else bool(value)]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), value)


def format_value(value, empty: str = "-") -> Any:
    if value is None or value == "" or value == []:
        return empty
    if isinstance(value, SafeString):
        return value
    if isinstance(value, bool):
        return boolean_icon(value)
    if isinstance(value, datetime):
        return formats.date_format(timezone.template_localtime(value), "DATETIME_FORMAT")
    if isinstance(value, date):
        return format_day(value)
    if isinstance(value, list | tuple | set):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, default=str)
    return value


def action_label(action: str) -> str:
    """`set_password` -> `Set password`."""
    return label_for(action or "")


def short(value: Any, limit: int = 80) -> str:
    """A value from an audit snapshot, on one line."""
    if value is None or value == "" or value == []:
        return "—"
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def audit_changes(entry, value_for=None) -> list[dict]:
    """Field-by-field lines of an audit entry: before → after.

    `value_for(field, value, snapshot)` says how a value reads (e.g. minor units as money);
    `snapshot` is the whole before or after the value comes from (its currency…).
    """
    before, after = entry.before or {}, entry.after or {}

    def show(field, value, snapshot):
        if value_for is not None and value not in (None, "", []):
            value = value_for(field, value, {**before, **after, **snapshot})
        return short(value)

    if entry.changes:
        return [
            {
                "field": field,
                "before": show(field, pair[0], before),
                "after": show(field, pair[1], after),
            }
            for field, pair in sorted(entry.changes.items())
        ]
    if entry.after and entry.before is None:
        return [
            {"field": field, "before": None, "after": show(field, value, after)}
            for field, value in sorted(entry.after.items())
        ]
    if entry.before and entry.after is None:
        return [
            {"field": field, "before": show(field, value, before), "after": None}
            for field, value in sorted(entry.before.items())
        ]
    return []


def audit_changes_html(entry, lines: list[dict] | None = None) -> SafeString:
    """The lines of `audit_changes` (or the entry's plain lines) as a list."""
    lines = audit_changes(entry) if lines is None else lines
    if not lines:
        return format_html("{}", "—")
    return format_html(
        '<ul class="dynamo-changes">{}</ul>',
        format_html_join(
            "",
            "<li><strong>{}</strong>: {}</li>",
            (
                (
                    line["field"],
                    format_html("{} → {}", line["before"], line["after"])
                    if line["before"] is not None and line["after"] is not None
                    else (line["after"] if line["after"] is not None else line["before"]),
                )
                for line in lines
            ),
        ),
    )
