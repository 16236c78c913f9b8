"""`{{ value|day }}`: a day as the back office writes days everywhere (Tue 1 Dec 2026).

The format is DATE_FORMAT from hotel/formats/en/formats.py; inputs keep ISO (YYYY-MM-DD).
"""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import formats, timezone

register = template.Library()


def format_day(value) -> str | None:
    """A date, a moment (its local day) or a stored YYYY-MM-DD in DATE_FORMAT.

    None for no value; text that is not a date comes back unchanged.
    """
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    return formats.date_format(value, "DATE_FORMAT")


@register.filter
def day(value) -> str:
    return format_day(value) or ""
