"""The languages the hotel speaks to guests (settings.LANGUAGES): the guest site, its error
pages and every email to a guest. The back office and the API speak English.

A booking keeps its guest's language (`Booking.language`): booked on the site, the page's;
through the API, its `language` field. Everything written to the guest later, whoever causes
it (staff's change, the night audit, a webhook), is written in that language.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

LANGUAGE_CODES: tuple[str, ...] = tuple(code for code, _name in settings.LANGUAGES)


def guest_language(value: str | None) -> str | None:
    """A language worth keeping: one of settings.LANGUAGES other than the default (a regional
    variant such as "de-AT" counts as "de"), else None (the default needs no storage)."""
    if not value:
        return None
    code = str(value).strip().lower().replace("_", "-").split("-")[0]
    if code in LANGUAGE_CODES and code != settings.LANGUAGE_CODE:
        return code
    return None


def in_language(code: str | None):
    """A context manager: translate, format dates and money, and reverse URLs in `code` (a
    booking's language; None or an unknown code: the default)."""
    return translation.override(guest_language(code) or settings.LANGUAGE_CODE)


def active_language(code: str | None = None) -> str:
    """`code`, else the active language, else the default; a regional variant ("de-AT") as
    its language ("de")."""
    return (code or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def translated(item, field: str, code: str | None = None) -> str:
    """`item`'s `field` in language `code` (default: the active one): its `translations`
    ({"de": {"name": …}}, what staff entered per guest language) or, where that is empty, the
    default language's own attribute. For staff content: room types, rate plans, extras."""
    code = active_language(code)
    if code != settings.LANGUAGE_CODE:
        words = (getattr(item, "translations", None) or {}).get(code) or {}
        value = words.get(field)
        if value:
            return value
    return getattr(item, field)


def translations_clean(given, fields: dict[str, int]) -> tuple[dict, dict]:
    """Staff's per-language words, checked: `given` {"de": {"name": …}}, `fields` {name: max
    length}. Returns (translations without empty words, errors {"name_de": [...]})."""
    clean, errors = {}, {}
    given = given if isinstance(given, dict) else {}
    for code in LANGUAGE_CODES:
        if code == settings.LANGUAGE_CODE:
            continue
        words = given.get(code) if isinstance(given.get(code), dict) else {}
        kept = {}
        for field, limit in fields.items():
            value = str(words.get(field) or "").strip()
            if len(value) > limit:
                errors[f"{field}_{code}"] = [f"At most {limit} characters."]
            elif value:
                kept[field] = value
        if kept:
            clean[code] = kept
    return clean, errors
