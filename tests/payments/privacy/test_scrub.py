"""The scrub (payments.privacy.scrub), pure: whatever the value and wherever the guest's
strings sit in it, case aside, none is left; other text and numbers stay."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from payments.privacy.scrub import ERASED, ERASED_NAME, personal_strings, scrub, scrub_text

NAME, EMAIL = "Ada Lovelace", "ada.lovelace@guest.test"
STRINGS = personal_strings([NAME, EMAIL, None, "x"])

words = st.sampled_from(["room", "Ada", "Lovelace", NAME, NAME.upper(), EMAIL, "night", " "])
texts = st.lists(words, max_size=6).map("".join)
values = st.recursive(
    st.none() | st.integers() | st.booleans() | texts,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(["description", "guestName", "payer", "a"]), inner)
    ),
    max_leaves=20,
)


@given(values)
def test_no_personal_string_survives_a_scrub(value):
    text = json.dumps(scrub(value, STRINGS)).lower()

    assert NAME.lower() not in text and EMAIL not in text


def test_named_fields_go_whole_and_quotes_are_cut():
    snapshot = {
        "guestName": NAME,
        "guestEmail": EMAIL,
        "status": "confirmed",
        "changes": {"guestName": [NAME, "Ada L."]},
        "note": f"Call {NAME.upper()} at {EMAIL}",
        "guests": 2,
    }

    assert scrub(snapshot, STRINGS) == {
        "guestName": ERASED_NAME,
        "guestEmail": None,
        "status": "confirmed",
        "changes": {"guestName": [ERASED_NAME, ERASED_NAME]},
        "note": f"Call {ERASED} at {ERASED}",
        "guests": 2,
    }


def test_short_strings_are_not_searched_for():
    assert personal_strings(["Al", "", None]) == frozenset()
    assert scrub_text("Also all", personal_strings(["Al"])) == "Also all"
