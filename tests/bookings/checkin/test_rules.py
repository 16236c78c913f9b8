"""The check-in rules, pure (no database): whatever a client sends, the answer is a list of
named problems, never an exception, and the mask never shows more than four characters."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookings.checkin.rules import (
    FIELDS,
    mask_id_number,
    normal_id_number,
    registration_clean,
)

from .conftest import FORM

# A loaded machine (shared with other runs) makes the first draws slow; the rules are fast.
RELAXED = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
values = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=80))


@RELAXED
@given(st.dictionaries(st.sampled_from(FIELDS), values))
def test_any_input_gets_named_problems_never_an_exception(data):
    cleaned, errors = registration_clean(data)
    assert set(errors) <= set(FIELDS)
    assert all(isinstance(m, str) and m for found in errors.values() for m in found)
    assert set(cleaned) <= set(FIELDS)


@RELAXED
@given(st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789 -", min_size=4, max_size=30))
def test_the_mask_shows_at_most_the_last_four_and_never_the_whole_number(raw):
    number = normal_id_number(raw)
    masked = mask_id_number(number)
    if number:
        shown = masked.removeprefix("••••").strip()
        assert masked.startswith("••••") and number.endswith(shown)
        assert len(shown) <= min(4, len(number) // 2)
        assert number not in masked


@given(st.sampled_from(sorted(set(FIELDS) - {"signature", "confirm", "typedName"})))
def test_a_valid_form_with_one_field_missing_names_that_field(name):
    data = {k: v for k, v in FORM.items() if k != name}
    _cleaned, errors = registration_clean(data)
    assert name in errors
