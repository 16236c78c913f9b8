"""Take a guest's personal data out of stored values (pure: no database).

Two passes over any JSON-like value: fields that are personal by name (a booking snapshot's
guestName, a payer's email, …) are replaced whole, and every other string has each of the
guest's known personal strings (names, emails, phones as stored anywhere) replaced wherever
it occurs, case-insensitively, so a staff note or a folio line that quotes the name is caught
too. Strings shorter than MIN_LENGTH are not searched for: a one-letter "name" would
otherwise blank every word that contains it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

ERASED_NAME = "Erased guest"
ERASED = "[erased]"
MIN_LENGTH = 3

# Personal by name wherever they occur (audit snapshots, payers, bookers): name-like fields
# become ERASED_NAME, the others None.
NAME_KEYS = frozenset({"guestName", "bookerName"})
BLANK_KEYS = frozenset(
    {
        "guestEmail",
        "guestPhone",
        "bookerEmail",
        "bookerPhone",
        "email",
        "phone",
        "address",
        "notes",
        "requests",
        "nationality",
        "preferences",
        "idNumber",
        "idDocument",
        "signature",
    }
)


def personal_strings(values: Iterable[str | None]) -> frozenset[str]:
    """The strings to search for: the non-empty values given, trimmed and lower-cased."""
    return frozenset(
        v.strip().lower() for v in values if isinstance(v, str) and len(v.strip()) >= MIN_LENGTH
    )


def _pattern(strings: frozenset[str]) -> re.Pattern | None:
    if not strings:
        return None
    # Longest first: "ada@x.test" goes before "ada" would have cut it.
    alternatives = sorted(strings, key=len, reverse=True)
    return re.compile("|".join(re.escape(s) for s in alternatives), re.IGNORECASE)


def scrub_text(text: str, strings: frozenset[str]) -> str:
    """`text` with every occurrence of the guest's strings replaced by ERASED."""
    pattern = _pattern(strings)
    return pattern.sub(ERASED, text) if pattern else text


def scrub(value, strings: frozenset[str], *, by_key: bool = True):
    """A copy of `value` (JSON-like: dicts, lists, strings, numbers) without the guest's data.

    With `by_key`, the fields named in NAME_KEYS / BLANK_KEYS are replaced whole."""
    pattern = _pattern(strings)

    def walk(node, key=None):
        if isinstance(node, list):
            # A diff's [before, after] pair sits under the field's name: keep the key.
            return [walk(v, key) for v in node]
        if by_key and node and key in NAME_KEYS:
            return ERASED_NAME
        if by_key and node and key in BLANK_KEYS:
            return None
        if isinstance(node, dict):
            return {k: walk(v, k) for k, v in node.items()}
        if isinstance(node, str) and pattern is not None:
            return pattern.sub(ERASED, node)
        return node

    return walk(value)


def mentions(value, strings: frozenset[str]) -> bool:
    """Whether `value` (anything; its string form is searched) contains one of the strings."""
    text = str(value).lower()
    return any(s in text for s in strings)
