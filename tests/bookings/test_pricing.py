"""Pure tier: quotes from inputs alone (no database, no clock)."""

from datetime import date
from decimal import Decimal

import pytest

from bookings.pricing import FIXED, PERCENT, RateRule, StayRuleViolation, quote_stay

FRI, SAT, SUN = 4, 5, 6


def quote(check_in, check_out, rules=(), tax=Decimal(0), room_type="Deluxe", base=10000):
    return quote_stay(
        room_type=room_type,
        base_price=base,
        currency="INR",
        check_in=check_in,
        check_out=check_out,
        rules=rules,
        tax_percent=tax,
    )


def test_base_price_times_nights_plus_tax_with_breakdown():
    q = quote(date(2026, 2, 2), date(2026, 2, 5), tax=Decimal("12"))
    assert [n.amount for n in q.nightly] == [10000, 10000, 10000]
    assert [n.night.isoformat() for n in q.nightly] == ["2026-02-02", "2026-02-03", "2026-02-04"]
    assert (q.subtotal, q.tax, q.total, q.nights) == (30000, 3600, 33600, 3)


def test_half_open_stay_excludes_the_departure_day():
    assert quote(date(2026, 2, 1), date(2026, 2, 2)).nights == 1


def test_weekend_percentage_applies_only_on_its_weekdays():
    weekend = RateRule(name="Weekend", kind=PERCENT, value=20, weekdays=frozenset({FRI, SAT}))
    q = quote(date(2026, 2, 5), date(2026, 2, 9), rules=[weekend])  # Thu..Sun nights
    assert [n.amount for n in q.nightly] == [10000, 12000, 12000, 10000]
    assert [n.rule for n in q.nightly] == [None, "Weekend", "Weekend", None]


def test_higher_priority_wins_and_fixed_replaces_the_base():
    weekend = RateRule(name="Weekend", kind=PERCENT, value=20, weekdays=frozenset({SAT}))
    season = RateRule(
        name="High season",
        kind=FIXED,
        value=15000,
        start=date(2026, 2, 7),
        end=date(2026, 2, 7),
        priority=5,
    )
    q = quote(date(2026, 2, 6), date(2026, 2, 8), rules=[weekend, season])
    assert [n.amount for n in q.nightly] == [10000, 15000]


def test_rules_for_another_room_type_do_not_apply():
    suite_only = RateRule(name="Suite promo", kind=PERCENT, value=-50, room_type="Suite")
    assert quote(date(2026, 2, 2), date(2026, 2, 3), rules=[suite_only]).total == 10000


def test_percentages_round_half_up_to_whole_minor_units():
    odd = RateRule(name="Odd", kind=PERCENT, value=15)
    assert (
        quote(date(2026, 2, 2), date(2026, 2, 3), rules=[odd], base=3333).total == 3833
    )  # 3832.95


def test_tax_rounds_half_up_and_stays_an_int():
    q = quote(date(2026, 2, 2), date(2026, 2, 3), tax=Decimal("12.5"), base=333)
    assert q.tax == 42 and isinstance(q.total, int)  # 41.625 -> 42


def test_minimum_stay_of_a_rule_touching_the_stay_is_enforced():
    festival = RateRule(
        name="Festival",
        kind=PERCENT,
        value=0,
        start=date(2026, 2, 10),
        end=date(2026, 2, 12),
        min_stay=3,
    )
    with pytest.raises(StayRuleViolation) as excinfo:
        quote(date(2026, 2, 9), date(2026, 2, 11), rules=[festival])
    assert excinfo.value.details["minStay"] == 3
    assert quote(date(2026, 2, 9), date(2026, 2, 12), rules=[festival]).nights == 3
    assert quote(date(2026, 2, 1), date(2026, 2, 3), rules=[festival]).nights == 2  # not touched


def test_maximum_stay_is_enforced():
    short = RateRule(name="Short breaks", kind=PERCENT, value=0, max_stay=2)
    with pytest.raises(StayRuleViolation):
        quote(date(2026, 2, 2), date(2026, 2, 5), rules=[short])


def test_a_discount_never_makes_a_night_negative():
    silly = RateRule(name="Silly", kind=PERCENT, value=-150)
    assert quote(date(2026, 2, 2), date(2026, 2, 3), rules=[silly]).total == 0


def test_empty_stay_is_a_programming_error():
    with pytest.raises(ValueError):
        quote(date(2026, 2, 2), date(2026, 2, 2))
