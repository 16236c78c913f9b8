"""How a rate rule reads for people: “Weekend +20 % (Fri–Sat)”.

The name staff gave it, what it does to the price, and when it applies. Used as the rule's
`__str__`, so messages, page titles, the history and the delete page all say it this way.
"""

from __future__ import annotations

from django.conf import settings

from hotel.templatetags.dates import format_day
from hotel.templatetags.money import format_money

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def weekdays_label(days) -> str:
    """[4, 5] -> "Fri–Sat"; [0, 2, 4] -> "Mon, Wed, Fri"; runs of three or more joined."""
    days = sorted({int(d) for d in days or [] if 0 <= int(d) <= 6})
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        if len(run) == 1:
            parts.append(WEEKDAY_NAMES[run[0]])
        elif len(run) == 2 and len(runs) > 1:
            parts += [WEEKDAY_NAMES[run[0]], WEEKDAY_NAMES[run[1]]]
        else:
            parts.append(f"{WEEKDAY_NAMES[run[0]]}–{WEEKDAY_NAMES[run[-1]]}")
    return ", ".join(parts)


def rate_rule_label(
    *,
    name: str,
    kind: str,
    value: int | None,
    weekdays=(),
    start_date: str | None = None,
    end_date: str | None = None,
    room_type: str | None = None,
) -> str:
    """E.g. “Weekend +20 % (Fri–Sat)”, or for a fixed price with dates
    “Diwali ₹9,000.00 a night (Suite, Sun 1 Nov 2026 – Thu 5 Nov 2026)”."""
    if value is None:
        effect = ""
    elif kind == "fixed":
        effect = f"{format_money(value, settings.HOTEL_CURRENCY)} a night"
    else:
        effect = f"{value:+d} %"
    scope = [room_type] if room_type else []
    if weekdays:
        scope.append(weekdays_label(weekdays))
    if start_date and end_date:
        scope.append(f"{format_day(start_date)} – {format_day(end_date)}")
    elif start_date:
        scope.append(f"from {format_day(start_date)}")
    elif end_date:
        scope.append(f"until {format_day(end_date)}")
    label = " ".join(part for part in (name or "Rate rule", effect) if part)
    return f"{label} ({', '.join(scope)})" if scope else label
