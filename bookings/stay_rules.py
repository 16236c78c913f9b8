"""Restrictions on a stay, as a pure check: what the rate calendar (per room type, plan and
date) and the seasonal rules (rate rules' min / max stay) refuse, each with what would work.

Codes: STOP_SELL (a night is not sold), CLOSED_TO_ARRIVAL, CLOSED_TO_DEPARTURE, MIN_STAY /
MAX_STAY (on the arrival date: `"on": "arrival"`; for any stay that includes a night:
`"on": "through"`), MIN_ADVANCE / MAX_ADVANCE (days between booking and arrival). A search
shows them where a type has no offer; a booking that breaks one is refused
(STAY_RULE_VIOLATION) with them in its details.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .pricing import RateRule, StayRuleViolation, stay_nights

STOP_SELL = "STOP_SELL"
CLOSED_TO_ARRIVAL = "CLOSED_TO_ARRIVAL"
CLOSED_TO_DEPARTURE = "CLOSED_TO_DEPARTURE"
MIN_STAY = "MIN_STAY"
MAX_STAY = "MAX_STAY"
MIN_ADVANCE = "MIN_ADVANCE"
MAX_ADVANCE = "MAX_ADVANCE"
CODES = (
    STOP_SELL,
    CLOSED_TO_ARRIVAL,
    CLOSED_TO_DEPARTURE,
    MIN_STAY,
    MAX_STAY,
    MIN_ADVANCE,
    MAX_ADVANCE,
)


@dataclass(frozen=True)
class DayRules:
    """One calendar date's restrictions for a room type under a plan (None: none set)."""

    min_stay: int | None = None
    max_stay: int | None = None
    min_stay_through: int | None = None
    closed_to_arrival: bool = False
    closed_to_departure: bool = False
    stop_sell: bool = False
    min_advance: int | None = None
    max_advance: int | None = None


NO_RULES = DayRules()


def _day(night: date) -> str:
    return date_format(night, "D j M Y")


def _nights(n: int) -> str:
    return ngettext("%(n)d night", "%(n)d nights", n) % {"n": n}


def stay_refusals(
    *,
    room_type: str,
    check_in: date,
    check_out: date,
    today: date,
    days: Mapping[date, DayRules],
    rules: Sequence[RateRule] = (),
) -> list[dict]:
    """Every restriction the stay breaks (empty: it may be sold), each a dict with `code`,
    what the limit is, and a sentence (`message`)."""
    nights = stay_nights(check_in, check_out)
    length = len(nights)
    found: list[dict] = []
    arrival = days.get(check_in, NO_RULES)
    closed = [n for n in nights if days.get(n, NO_RULES).stop_sell]
    if closed:
        found.append(
            {
                "code": STOP_SELL,
                "nights": [n.isoformat() for n in closed],
                "message": _("Not sold on %(day)s.") % {"day": _day(closed[0])},
            }
        )
    if arrival.closed_to_arrival:
        found.append(
            {
                "code": CLOSED_TO_ARRIVAL,
                "date": check_in.isoformat(),
                "message": _("No arrivals on %(day)s: arrive on another day.")
                % {"day": _day(check_in)},
            }
        )
    if days.get(check_out, NO_RULES).closed_to_departure:
        found.append(
            {
                "code": CLOSED_TO_DEPARTURE,
                "date": check_out.isoformat(),
                "message": _("No departures on %(day)s: leave on another day.")
                % {"day": _day(check_out)},
            }
        )
    limits = []  # (code, nights, on, night)
    if arrival.min_stay and length < arrival.min_stay:
        limits.append((MIN_STAY, arrival.min_stay, "arrival", check_in))
    if arrival.max_stay and length > arrival.max_stay:
        limits.append((MAX_STAY, arrival.max_stay, "arrival", check_in))
    through = [(days.get(n, NO_RULES).min_stay_through, n) for n in nights]
    worst = max(((m, n) for m, n in through if m and length < m), default=None)
    if worst:
        limits.append((MIN_STAY, worst[0], "through", worst[1]))
    for rule in (r for night in nights for r in rules if r.matches(room_type, night)):
        if rule.min_stay and length < rule.min_stay:
            first = next(n for n in nights if rule.matches(room_type, n))
            limits.append((MIN_STAY, rule.min_stay, "through", first))
        if rule.max_stay and length > rule.max_stay:
            first = next(n for n in nights if rule.matches(room_type, n))
            limits.append((MAX_STAY, rule.max_stay, "through", first))
    seen = set()
    for code, n, on, night in sorted(
        limits, key=lambda x: (x[0], -x[1] if x[0] == MIN_STAY else x[1])
    ):
        if code in seen:
            continue  # the strictest limit of each kind says what would work
        seen.add(code)
        key = "minNights" if code == MIN_STAY else "maxNights"
        if on == "arrival":
            text = (
                _("Stays arriving on %(day)s must be at least %(nights)s.")
                if code == MIN_STAY
                else _("Stays arriving on %(day)s can be at most %(nights)s.")
            )
        else:
            text = (
                _("Stays that include %(day)s must be at least %(nights)s.")
                if code == MIN_STAY
                else _("Stays that include %(day)s can be at most %(nights)s.")
            )
        found.append(
            {
                "code": code,
                "nights": n,
                key: n,
                "on": on,
                "night": night.isoformat(),
                "message": text % {"day": _day(night), "nights": _nights(n)},
            }
        )
    ahead = (check_in - today).days
    if arrival.min_advance and ahead < arrival.min_advance:
        found.append(
            {
                "code": MIN_ADVANCE,
                "days": arrival.min_advance,
                "message": ngettext(
                    "Book at least %(n)d day before arrival.",
                    "Book at least %(n)d days before arrival.",
                    arrival.min_advance,
                )
                % {"n": arrival.min_advance},
            }
        )
    if arrival.max_advance is not None and ahead > arrival.max_advance:
        found.append(
            {
                "code": MAX_ADVANCE,
                "days": arrival.max_advance,
                "bookableFrom": (check_in - timedelta(days=arrival.max_advance)).isoformat(),
                "message": ngettext(
                    "This stay opens for booking %(n)d day before arrival.",
                    "This stay opens for booking %(n)d days before arrival.",
                    arrival.max_advance,
                )
                % {"n": arrival.max_advance},
            }
        )
    return found


def refusal_error(refusals: list[dict]) -> StayRuleViolation:
    """The booking's error for a stay its restrictions refuse: the first one's sentence,
    all of them in details."""
    first = refusals[0]
    details = {"restrictions": refusals}
    if first["code"] in (MIN_STAY, MAX_STAY):  # the first version's details, kept
        details["minStay" if first["code"] == MIN_STAY else "maxStay"] = first["nights"]
        details["night"] = first["night"]
    return StayRuleViolation(first["message"], details=details)


def merge_refusals(per_type: Sequence[tuple[str, list[dict]]]) -> list[dict]:
    """One entry per distinct restriction across room types, naming the types it keeps out
    (the search's top-level `restrictions`)."""
    merged: dict[tuple, dict] = {}
    for room_type, refusals in per_type:
        for entry in refusals:
            key = (
                entry["code"],
                entry.get("nights") if entry["code"] != STOP_SELL else None,
                entry.get("date"),
                entry.get("days"),
            )
            kept = merged.setdefault(key, {**entry, "roomTypes": []})
            if room_type not in kept["roomTypes"]:
                kept["roomTypes"].append(room_type)
    entries = sorted(merged.values(), key=lambda e: (CODES.index(e["code"]), str(e.get("nights"))))
    for entry in entries:
        entry["roomTypes"].sort()
    return entries
