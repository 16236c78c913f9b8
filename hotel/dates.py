"""The days the hotel works with: a sane calendar window for every date a user may type.

Python's `date` spans years 1-9999, so `date.max + timedelta(days=1)` raises OverflowError
and DynamoDB range keys sort "0153-07-27" before "2026-…". Every date that arrives in a
request (API fields and query parameters, back-office periods and the room rack) is checked
against, or clamped into, this window first.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils.translation import gettext as _

EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2100, 12, 31)


def day_in_range(day: date) -> bool:
    return EARLIEST_DAY <= day <= LATEST_DAY


def day_range_error(day: date) -> str | None:
    """A message when `day` is outside the window, else None."""
    if day_in_range(day):
        return None
    return _("Choose a date between %(a)s and %(b)s.") % {
        "a": EARLIEST_DAY.isoformat(),
        "b": LATEST_DAY.isoformat(),
    }


def clamp_day(day: date, *, margin_days: int = 0) -> date:
    """`day` moved into the window, leaving `margin_days` of room before its end."""
    latest = LATEST_DAY - timedelta(days=margin_days)
    return min(max(day, EARLIEST_DAY), latest)
