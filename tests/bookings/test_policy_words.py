"""A stay's terms as dates: the windows agree with what a cancellation on any day refunds
(property-tested against payments.cancellation), and the sentences name the right days, the
hotel's zone, what is charged when and what a no-show costs, in the guest's language."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from bookings.cancellation_terms import CancellationRule, parse_policy, policy_windows
from bookings.policy_words import cancellation_lines, charge_lines, no_show_line
from bookings.rate_terms import AT_HOTEL, DEPOSIT, PREPAY
from payments.cancellation import cancellation_quote

CHECK_IN = date(2026, 11, 27)  # a Friday

policies = st.lists(
    st.tuples(st.integers(0, 60), st.integers(0, 100)), max_size=5, unique_by=lambda r: r[0]
).map(
    lambda rules: tuple(
        sorted(
            (CancellationRule(days_before=d, refund_percent=p) for d, p in rules),
            key=lambda r: r.days_before,
            reverse=True,
        )
    )
)


@given(policy=policies, offset=st.integers(-3, 90))
def test_the_window_of_any_day_refunds_what_a_cancellation_that_day_refunds(policy, offset):
    today = CHECK_IN - timedelta(days=offset)
    windows = policy_windows(CHECK_IN, policy)
    covering = [
        w
        for w in windows
        if (w.first is None or w.first <= today) and (w.last is None or today <= w.last)
    ]
    assert len(covering) == 1, (windows, today)  # the windows tile the calendar
    quote = cancellation_quote(
        check_in=CHECK_IN, today=today, paid=10_000, currency="EUR", policy=policy
    )
    assert covering[0].refund_percent * 10_000 // 100 == quote.refund
    # Earliest first, touching, never empty.
    for before, after in zip(windows, windows[1:], strict=False):
        assert before.last is not None and after.first == before.last + timedelta(days=1)
        assert before.first is None or before.first <= before.last


def test_the_usual_policy_reads_as_three_dated_sentences(settings):
    settings.TIME_ZONE = "Asia/Kolkata"
    now = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    lines = cancellation_lines("7:100,2:50,0:0", check_in=CHECK_IN, now=now)
    assert lines == [
        "Free cancellation until Fri 20 Nov 2026, 23:59 (IST).",
        "Cancelled from Sat 21 Nov 2026 until Wed 25 Nov 2026, 23:59 (IST): 50 % of what you "
        "paid is refunded.",
        "From Thu 26 Nov 2026: no refund.",
    ]


def test_windows_already_over_are_left_out(settings):
    settings.TIME_ZONE = "UTC"
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # inside the 50 % window
    lines = cancellation_lines("7:100,2:50", check_in=CHECK_IN, now=now)
    assert lines == [
        "Cancelled until Wed 25 Nov 2026, 23:59 (UTC): 50 % of what you paid is refunded.",
        "From Thu 26 Nov 2026: no refund.",
    ]
    assert cancellation_lines("", check_in=CHECK_IN, now=now) == ["No refund if cancelled now."]
    assert cancellation_lines("bad", check_in=CHECK_IN, now=now) == [
        "Cancellation by the hotel's terms."
    ]


def test_same_percent_rules_read_as_one_window():
    windows = policy_windows(CHECK_IN, parse_policy("14:100,7:100,1:0"))
    assert [(w.first, w.last, w.refund_percent) for w in windows] == [
        (None, date(2026, 11, 20), 100),
        (date(2026, 11, 21), None, 0),
    ]


@pytest.mark.parametrize(
    ("payment", "due_now", "expected"),
    [
        (PREPAY, 100_000, "The whole stay, €1,000.00, is charged when you book."),
        (DEPOSIT, 30_000, "€300.00 is charged when you book, the rest (€700.00) at the hotel."),
        (AT_HOTEL, 0, "Nothing is charged now: you pay €1,000.00 at the hotel."),
    ],
)
def test_what_is_charged_when(payment, due_now, expected):
    assert charge_lines(payment=payment, total=100_000, due_now=due_now, currency="EUR") == [
        expected
    ]


def test_what_a_no_show_costs():
    assert no_show_line(percent=50, total=100_000, currency="EUR") == (
        "Not arriving without cancelling (a no-show) costs €500.00, 50 % of the stay."
    )
    assert "nothing" in no_show_line(percent=0, total=100_000, currency="EUR")


def test_the_sentences_are_in_the_guests_language(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    now = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    with translation.override("de"):
        line = cancellation_lines("7:100", check_in=CHECK_IN, now=now)[0]
        assert "20. November 2026" in line and "23:59" in line and "CET" in line
        assert line != "Free cancellation until Fri 20 Nov 2026, 23:59 (CET)."
        assert "1.000,00" in no_show_line(percent=100, total=100_000, currency="EUR")
