"""hotel.translations.translations_check: staff's words per guest language, checked strictly
(every problem named `translations.<code>.<field>`), stored without empty words."""

from __future__ import annotations

from hotel.translations import translations_check

FIELDS = {"name": 10, "description": 20}


def test_words_are_trimmed_and_empty_ones_dropped():
    clean, errors = translations_check(
        {"de": {"name": " Zimmer ", "description": ""}, "fr": {"name": None}, "es": {}}, FIELDS
    )
    assert (clean, errors) == ({"de": {"name": "Zimmer"}}, {})


def test_no_word_at_all_is_stored_as_none():
    assert translations_check(None, FIELDS) == (None, {})
    assert translations_check({}, FIELDS) == (None, {})
    assert translations_check({"de": None, "fr": {"name": "  "}}, FIELDS) == (None, {})


def test_every_problem_is_named_at_once():
    _clean, errors = translations_check(
        {
            "de": {"name": "x" * 11, "title": "Zimmer"},
            "fr": {"description": ["une", "liste"]},
            "en": {"name": "Room"},
            "es": "Habitación",
        },
        FIELDS,
    )
    assert set(errors) == {
        "translations.de.name",
        "translations.de.title",
        "translations.fr.description",
        "translations.en",
        "translations.es",
    }
    assert errors["translations.de.name"] == ["At most 10 characters."]


def test_anything_but_an_object_is_refused():
    assert set(translations_check(["de"], FIELDS)[1]) == {"translations"}
    assert set(translations_check("Zimmer", FIELDS)[1]) == {"translations"}
