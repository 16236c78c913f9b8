"""The catalog's words in the guest's language, at display time: a rate plan's name and an
extra's name as staff translated them (their `translations`, hotel.languages.translated).

A booking keeps what it was sold under in the default language on purpose (Booking.terms'
plan name, Booking.extras' names: snapshots the bill and the back office read, never
rewritten). A guest page or email names them by their code in the language it is written
in, and falls back to the stored words when the plan or the extra is gone or has no word in
that language. In the default language nothing is read.
"""

from __future__ import annotations

from django.conf import settings

from hotel.languages import active_language

from .extras.catalog import extras_get
from .rate_reads import rate_plans_all


def _guest_language() -> str | None:
    """The active language when it is not the default (None: the stored words stand)."""
    code = active_language()
    return None if code == settings.LANGUAGE_CODE else code


def _word(item, code: str, field: str) -> str | None:
    return ((getattr(item, "translations", None) or {}).get(code) or {}).get(field) or None


def plan_name(code: str | None, default: str) -> str:
    """The name of rate plan `code` in the active language, else `default` (the booking's
    or the quote's own, in the default language)."""
    language = _guest_language()
    if language is None or not code:
        return default
    plan = next((p for p in rate_plans_all(cached=True) if p.ratePlan == code), None)
    return (_word(plan, language, "name") if plan is not None else None) or default


def extra_names(codes) -> dict[str, str]:
    """{code: name in the active language} of the extras among `codes` staff translated
    (empty in the default language: nothing is read)."""
    language = _guest_language()
    codes = [c for c in dict.fromkeys(codes) if c]
    if language is None or not codes:
        return {}
    found = extras_get(codes)
    names = {code: _word(extra, language, "name") for code, extra in found.items()}
    return {code: name for code, name in names.items() if name}


def booked_extras(items: list[dict] | None) -> list[dict]:
    """A booking's extras (its stored items) as a guest page lists them: each with its name
    in the active language where staff gave one, else the name it was sold under."""
    items = list(items or [])
    names = extra_names(item.get("code") for item in items)
    return [{**item, "name": names.get(item.get("code")) or item.get("name")} for item in items]
