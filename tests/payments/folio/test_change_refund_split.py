"""What a lower price gives back (pure): the dropped part of the stay judged as a cancel
today under the booking's policy, never more than the bill's credit or what went through
the provider."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bookings.cancellation_terms import parse_policy
from payments.folio.changes import change_refund_split

TODAY = date(2026, 12, 1)
POLICY = parse_policy("7:100,2:50,0:0")
money = st.integers(min_value=0, max_value=10**8)


@given(credit=money, dropped=money, online=money, days=st.integers(min_value=-3, max_value=40))
def test_the_refund_and_the_fee_split_what_the_change_freed(credit, dropped, online, days):
    refund, fee = change_refund_split(
        credit=credit,
        dropped=dropped,
        online=online,
        check_in=TODAY + timedelta(days=days),
        today=TODAY,
        currency="INR",
        policy=POLICY,
    )
    assert refund >= 0 and fee >= 0
    assert refund + fee == min(credit, dropped, online)


def test_the_policy_window_decides_the_percent():
    def split(days):
        return change_refund_split(
            credit=11200,
            dropped=11200,
            online=22400,
            check_in=TODAY + timedelta(days=days),
            today=TODAY,
            currency="INR",
            policy=POLICY,
        )

    assert split(30) == (11200, 0)
    assert split(3) == (5600, 5600)
    assert split(1) == (0, 11200)
