"""The translation catalogs are complete: every string the guest site, its emails and error
pages mark is in each language's catalog, translated and not fuzzy, and each .mo is compiled
from its .po (devtools.messages; docs/languages.md). An untranslated string in a guest
template fails here, before a guest meets a half-translated page."""

from __future__ import annotations

from pathlib import Path

import pytest

from devtools import messages


def test_every_catalog_has_every_guest_string_translated_and_compiled():
    problems = messages.check()
    assert problems == [], "\n".join(problems[:40])


def test_the_check_finds_an_untranslated_or_fuzzy_entry(tmp_path: Path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: de\\n"\n\n'
        'msgid "Book now"\nmsgstr "Jetzt buchen"\n\n'
        'msgid "Find my booking"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Rooms"\nmsgstr "Zimmer"\n\n'
        'msgid "%(n)s night"\nmsgid_plural "%(n)s nights"\nmsgstr[0] "%(n)s Nacht"\n'
        'msgstr[1] ""\n',
        encoding="utf-8",
    )
    assert messages.catalog_problems(po) == [
        "untranslated: 'Find my booking'",
        "fuzzy: 'Rooms'",
        "untranslated: '%(n)s night'",
    ]


@pytest.mark.parametrize("code", messages.LANGUAGES)
def test_the_catalogs_read_back_with_their_accents(code):
    entries = messages._entries(
        (messages.REPO / "locale" / code / "LC_MESSAGES" / "django.po").read_text("utf-8")
    )
    header = entries[0]["msgstr"][0]
    assert f"Language: {code}" in header and "charset=UTF-8" in header
    assert any(not e["msgstr"][0].isascii() for e in entries[1:])  # ä, é, ñ survive parsing
