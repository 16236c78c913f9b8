"""The rules a rate plan's fields follow, checked all at once (bookings.rate_plan_services).

Each check returns the cleaned value or adds its messages to `errors` ({field: [message]}),
so a client sees every field's problem in one answer. The structured fields (adjustment,
occupancy, included extras) are cleaned to exactly the JSON that bookings.rate_terms reads:
what is stored is what the pricing engine prices with.
"""

from __future__ import annotations

import re
from typing import Any

from rooms.room_types import room_type_code_error

from .cancellation_terms import InvalidPolicy, parse_policy
from .models import CHANNELS, PAYMENT_TERMS
from .rate_terms import (
    ADULT_AGE,
    DEPOSIT,
    FIXED,
    INCLUDED_UNITS,
    PERCENT,
    occupancy_from,
)

PLAN_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,20}$")
PERCENT_RANGE = (-100, 500)
MAX_MONEY = 100_000_000  # minor units: the ceiling of a room's nightly price
OCCUPANCY_KEYS = ("included", "extraAdult", "childBands", "extraBed", "bedsFor")
MAX_CHILD_BANDS = 10
MAX_INCLUDED = 20


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def int_in(value: Any, low: int, high: int) -> str | None:
    """Why `value` is not a whole number from `low` to `high`, or None."""
    if not is_int(value) or not low <= value <= high:
        return f"Enter a whole number from {low} to {high}."
    return None


def text(value: Any, low: int, high: int) -> str | None:
    if not isinstance(value, str):
        return "Must be text."
    if not low <= len(value.strip()) <= high:
        return f"Must be {low} to {high} characters." if low else f"At most {high} characters."
    return None


def plan_code(value: Any) -> tuple[str | None, str | None]:
    """(the code in upper case, None) or (None, why it cannot be a plan's code)."""
    if not isinstance(value, str) or not PLAN_CODE_RE.match(value.strip()):
        return None, "Use 1 to 20 letters, digits, hyphens and underscores, e.g. NONREF."
    return value.strip().upper(), None


def room_types(value: Any) -> tuple[list[str] | None, str | None]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None, "A list of room type codes (empty: every type)."
    unknown = [v for v in value if room_type_code_error(v, first_version=False)]
    if unknown:
        return None, f"No room type {', '.join(u[:40] for u in unknown[:5])} exists."
    return list(dict.fromkeys(value)), None


def channels(value: Any) -> tuple[list[str] | None, str | None]:
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, str) and v in CHANNELS for v in value)
    ):
        return None, f"Choose one or more of: {', '.join(CHANNELS)}."
    return [c for c in CHANNELS if c in value], None


def adjustment(value: Any) -> tuple[dict | None, str | None]:
    """None (the base price), or {"kind": "percent"|"fixed", "value": int}."""
    if value is None:
        return None, None
    if not isinstance(value, dict) or set(value) != {"kind", "value"}:
        return None, 'An object {"kind": "percent" or "fixed", "value": a whole number}, or null.'
    kind, amount = value["kind"], value["value"]
    if kind == PERCENT:
        if int_in(amount, *PERCENT_RANGE):
            return None, "A percentage is a whole number from -100 to 500."
        return {"kind": PERCENT, "value": amount}, None
    if kind == FIXED:
        problem = int_in(amount, -MAX_MONEY, MAX_MONEY)
        if problem:
            return (
                None,
                f"Minor units per night (may be negative), from {-MAX_MONEY} to {MAX_MONEY}.",
            )
        return {"kind": FIXED, "value": amount}, None
    return None, 'The kind is "percent" or "fixed".'


def cancellation(value: Any) -> tuple[str | None, str | None]:
    """A policy "DAYS:PERCENT,…" in its canonical order, or None (the hotel's policy)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if not isinstance(value, str) or len(value) > 200:
        return None, 'Rules like "7:100,2:50,0:0" (days before arrival : percent refunded).'
    try:
        rules = parse_policy(value)
    except InvalidPolicy as exc:
        return None, f'{exc}. Write rules like "7:100,2:50,0:0".'
    if not rules:
        return None, None
    return ",".join(f"{r.days_before}:{r.refund_percent}" for r in rules), None


def payment_terms(
    payment: Any, deposit: Any, *, deposit_given: bool
) -> tuple[tuple[str, int | None], dict[str, str]]:
    """(payment, depositPercent) and the problems by field. A deposit percent is required
    with "deposit" and refused with the other terms (left out, it is cleared)."""
    problems: dict[str, str] = {}
    if payment not in PAYMENT_TERMS:
        problems["payment"] = f"Choose one of: {', '.join(PAYMENT_TERMS)}."
        return (payment, deposit), problems
    if payment == DEPOSIT:
        if deposit is None:
            problems["depositPercent"] = "Required with deposit: the percent taken at booking."
        elif int_in(deposit, 1, 99):
            problems["depositPercent"] = "Enter a whole number from 1 to 99."
        return (payment, deposit), problems
    if deposit_given and deposit is not None:
        problems["depositPercent"] = "Only with deposit payment terms."
    return (payment, None), problems


# --- occupancy -------------------------------------------------------------------------------


def _child_bands(value: Any, where: str, problems: list[str]) -> list[dict]:
    if not isinstance(value, list) or len(value) > MAX_CHILD_BANDS:
        problems.append(f"{where}childBands: a list of up to {MAX_CHILD_BANDS} bands.")
        return []
    bands = []
    for n, band in enumerate(value):
        at = f"{where}childBands[{n}]"
        if not isinstance(band, dict) or set(band) != {"fromAge", "toAge", "price"}:
            problems.append(f'{at}: an object {{"fromAge", "toAge", "price"}}.')
            continue
        low, high, price = band["fromAge"], band["toAge"], band["price"]
        if int_in(low, 0, ADULT_AGE - 1) or int_in(high, 0, ADULT_AGE - 1):
            problems.append(f"{at}: ages are whole numbers from 0 to {ADULT_AGE - 1}.")
            continue
        if low > high:
            problems.append(f"{at}: fromAge cannot be above toAge.")
            continue
        if int_in(price, 0, MAX_MONEY):
            problems.append(f"{at}: the price per night is 0 or more minor units.")
            continue
        bands.append({"fromAge": low, "toAge": high, "price": price})
    ordered = sorted(bands, key=lambda b: b["fromAge"])
    for before, after in zip(ordered, ordered[1:], strict=False):
        if after["fromAge"] <= before["toAge"]:
            problems.append(
                f"{where}childBands: ages {before['fromAge']}–{before['toAge']} and "
                f"{after['fromAge']}–{after['toAge']} overlap."
            )
    return ordered


def _occupancy_terms(spec: dict, where: str, problems: list[str]) -> dict:
    """The cleaned keys of one occupancy spec (the plan's, or one type's in byType)."""
    cleaned: dict[str, Any] = {}
    for key in spec:
        if key not in OCCUPANCY_KEYS:
            problems.append(f"{where}{key}: unknown key (use {', '.join(OCCUPANCY_KEYS)}).")
    if "included" in spec:
        if spec["included"] is not None and int_in(spec["included"], 1, 30):
            problems.append(f"{where}included: guests in the price, 1 to 30, or null (all).")
        else:
            cleaned["included"] = spec["included"]
    if "bedsFor" in spec:
        if spec["bedsFor"] is not None and int_in(spec["bedsFor"], 1, 30):
            problems.append(f"{where}bedsFor: guests the beds sleep, 1 to 30, or null.")
        else:
            cleaned["bedsFor"] = spec["bedsFor"]
    for key in ("extraAdult", "extraBed"):
        if key in spec:
            if int_in(spec[key], 0, MAX_MONEY):
                problems.append(f"{where}{key}: a price per night, 0 or more minor units.")
            else:
                cleaned[key] = spec[key]
    if "childBands" in spec:
        cleaned["childBands"] = _child_bands(spec["childBands"], where, problems)
    return cleaned


def occupancy(value: Any) -> tuple[dict | None, list[str]]:
    """The occupancy prices, cleaned, or null (the price is per room). Checked by reading it
    back as the engine does (rate_terms.occupancy_from) for the plan and each type."""
    if value is None:
        return None, []
    if not isinstance(value, dict):
        return None, [
            "An object with included, extraAdult, childBands, extraBed, bedsFor, byType; or null."
        ]
    problems: list[str] = []
    spec = {k: v for k, v in value.items() if k != "byType"}
    cleaned = _occupancy_terms(spec, "", problems)
    by_type = value.get("byType")
    if by_type is not None:
        if not isinstance(by_type, dict):
            problems.append("byType: an object {roomType: {the same keys}}.")
        else:
            cleaned["byType"] = {}
            for code, terms in by_type.items():
                if room_type_code_error(code, first_version=False):
                    problems.append(f"byType: no room type {str(code)[:40]} exists.")
                elif not isinstance(terms, dict):
                    problems.append(f"byType.{code}: an object with the same keys.")
                else:
                    cleaned["byType"][code] = _occupancy_terms(terms, f"byType.{code}.", problems)
    if problems:
        return None, problems
    try:
        for code in [None, *cleaned.get("byType", {})]:
            occupancy_from(cleaned, code)
    except (KeyError, TypeError, ValueError) as exc:  # a shape the engine cannot read
        return None, [f"The pricing engine cannot read it: {exc}."]
    return cleaned, []


def included(value: Any) -> tuple[list[dict] | None, str | None]:
    """Included extras [{code, name, unit, value}], or null/[] (none)."""
    if value is None or value == []:
        return None, None
    if not isinstance(value, list) or len(value) > MAX_INCLUDED:
        return None, f"A list of up to {MAX_INCLUDED} extras, or null."
    cleaned, problems = [], []
    for n, extra in enumerate(value):
        at = f"[{n}]"
        if not isinstance(extra, dict) or set(extra) - {"code", "name", "unit", "value"}:
            problems.append(f'{at}: an object {{"code", "name", "unit", "value"}}.')
            continue
        code, name = extra.get("code"), extra.get("name")
        unit, worth = extra.get("unit"), extra.get("value", 0)
        if text(code, 1, 40):
            problems.append(f"{at}: a code of 1 to 40 characters, e.g. BREAKFAST.")
        elif text(name, 1, 80):
            problems.append(f"{at}: a name of 1 to 80 characters.")
        elif unit not in INCLUDED_UNITS:
            problems.append(f"{at}: the unit is one of {', '.join(INCLUDED_UNITS)}.")
        elif int_in(worth, 0, MAX_MONEY):
            problems.append(f"{at}: its value is 0 or more minor units per unit.")
        else:
            cleaned.append(
                {"code": code.strip(), "name": name.strip(), "unit": unit, "value": worth}
            )
    codes = [e["code"] for e in cleaned]
    if len(set(codes)) != len(codes):
        problems.append("Each extra's code may appear once.")
    if problems:
        return None, " ".join(problems)
    return cleaned, None
