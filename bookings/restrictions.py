"""Why an availability search left free rooms out: the rate rules' minimum / maximum stay.

A search that finds no room because every free one needs a longer (or shorter) stay says
so, in the API answer (`restrictions`) and on the search page, instead of "no rooms".
"""

from __future__ import annotations

from datetime import date

from django.utils.formats import date_format
from django.utils.translation import ngettext

MIN_STAY = "MIN_STAY"
MAX_STAY = "MAX_STAY"


def _message(code: str, nights: int, night: date) -> str:
    day = date_format(night, "D j M Y")
    if code == MIN_STAY:
        return ngettext(
            "Stays that include %(day)s must be at least %(n)d night.",
            "Stays that include %(day)s must be at least %(n)d nights.",
            nights,
        ) % {"day": day, "n": nights}
    return ngettext(
        "Stays that include %(day)s can be at most %(n)d night.",
        "Stays that include %(day)s can be at most %(n)d nights.",
        nights,
    ) % {"day": day, "n": nights}


def stay_restrictions(refusals) -> list[dict]:
    """One entry per distinct rule limit from [(room type, StayRuleViolation)], e.g.
    {"code": "MIN_STAY", "minNights": 3, "night": "2026-12-24", "roomTypes": ["Suite"],
    "message": "Stays that include Thu 24 Dec 2026 must be at least 3 nights."}."""
    found: dict[tuple[str, int], dict] = {}
    for room_type, violation in refusals:
        details = violation.details or {}
        if details.get("minStay"):
            code, key, nights = MIN_STAY, "minNights", int(details["minStay"])
        elif details.get("maxStay"):
            code, key, nights = MAX_STAY, "maxNights", int(details["maxStay"])
        else:
            continue
        night = date.fromisoformat(details["night"])
        entry = found.setdefault(
            (code, nights),
            {"code": code, key: nights, "night": night.isoformat(), "roomTypes": []},
        )
        entry["night"] = min(entry["night"], night.isoformat())
        if room_type not in entry["roomTypes"]:
            entry["roomTypes"].append(room_type)
    entries = sorted(found.values(), key=lambda e: (e["code"], e.get("minNights", 0)))
    for entry in entries:
        nights = entry.get("minNights") or entry.get("maxNights")
        entry["roomTypes"].sort()
        entry["message"] = _message(entry["code"], nights, date.fromisoformat(entry["night"]))
    return entries
