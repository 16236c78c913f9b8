"""How an admin names its objects and reads their audit snapshots, for people.

Mixed into `DynamoModelAdmin`: `object_label` is the name an item goes by in messages
("The rate rule “Weekend +20 % (Fri–Sat)” was changed"), page titles, the history page and
the delete page; `audit_lines` turns an audit entry into before → after lines with money
in its currency (audit snapshots store integer minor units).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from pynamodb.models import Model

from hotel.templatetags.money import format_money

from .rendering import audit_changes


def has_own_str(obj) -> bool:
    """Whether the model says how it reads; PynamoDB's fallback is a repr of every attribute."""
    return any("__str__" in vars(cls) for cls in type(obj).__mro__ if cls not in (Model, object))


class PresentationMixin:
    # Audit snapshot fields holding integer minor units (in the snapshot's `currency`, else
    # HOTEL_CURRENCY): shown as money (₹5,040.00) on history pages and in the audit log.
    audit_money_fields: tuple[str, ...] = ()

    def object_label(self, obj) -> str:
        """The name `obj` goes by on pages and in messages: the model's `__str__`, or
        “<verbose name> <id>” when the model does not define one (never a repr dump)."""
        if obj is None:
            return ""
        if has_own_str(obj):
            return str(obj)
        return f"{self.opts.verbose_name} {self.object_id(obj)}"

    def audit_value(self, field: str, value: Any, snapshot: dict) -> Any:
        """How a value of an audit snapshot reads; override for values that depend on others."""
        if field in self.audit_money_fields and type(value) in (int, float):
            return self.audit_money(int(value), snapshot)
        return value

    def audit_money(self, amount: int, snapshot: dict) -> str:
        return format_money(amount, snapshot.get("currency") or settings.HOTEL_CURRENCY)

    def audit_lines(self, entry) -> list[dict]:
        """The entry's field-by-field lines (before → after), values as `audit_value` says."""
        return audit_changes(entry, value_for=self.audit_value)
