"""What staff write per guest language, checked where it comes in (the API and the admin
through the services): room types', rate plans' and extras' `translations`,
{"de": {"name": …, "description": …}}, each word falling back to the default language's own
attribute when it is empty (hotel.languages.translated reads them).

The shape is strict (a client's typo fails loudly, named `translations.de.nmae`); the words
are hotel.languages.translations_clean's (trimmed, empty ones dropped, lengths checked).
"""

from __future__ import annotations

from django.conf import settings

from hotel.languages import LANGUAGE_CODES, translations_clean

OTHER_LANGUAGES = tuple(code for code in LANGUAGE_CODES if code != settings.LANGUAGE_CODE)


def translations_check(given, fields: dict[str, int]) -> tuple[dict | None, dict[str, list]]:
    """`given` ({code: {field: text}}, or None for none) checked against `fields` ({field:
    max length}). Returns (the translations to store, None when no word is left; errors
    {"translations.de.name": [message]}, empty when all is well)."""
    if given is None:
        return None, {}
    if not isinstance(given, dict):
        return None, {"translations": ['An object by language, e.g. {"de": {"name": "…"}}.']}
    errors: dict[str, list[str]] = {}
    for code, words in given.items():
        where = f"translations.{str(code)[:10]}"
        if code not in OTHER_LANGUAGES:
            errors[where] = [f"Not a guest language: one of {', '.join(OTHER_LANGUAGES)}."]
        elif words is not None and not isinstance(words, dict):
            errors[where] = [f"An object of {', '.join(fields)}."]
        else:
            for field, value in (words or {}).items():
                if field not in fields:
                    errors[f"{where}.{str(field)[:40]}"] = ["Unknown field."]
                elif value is not None and not isinstance(value, str):
                    errors[f"{where}.{field}"] = ["Must be text."]
    clean, problems = translations_clean(given, fields)
    for key, messages in problems.items():
        field, code = key.rsplit("_", 1)
        errors.setdefault(f"translations.{code}.{field}", messages)
    return (clean or None), errors
