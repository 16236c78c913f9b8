"""Pure tier: each restriction refuses what it should, says so, and says what would work."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bookings.pricing import RateRule
from bookings.stay_rules import DayRules, refusal_error, stay_refusals

TODAY = date(2027, 2, 1)
ARRIVE = date(2027, 3, 1)


def refused(nights=2, days=None, rules=(), today=TODAY, arrive=ARRIVE):
    return stay_refusals(
        room_type="Deluxe",
        check_in=arrive,
        check_out=arrive + timedelta(days=nights),
        today=today,
        days=days or {},
        rules=rules,
    )


def codes(found) -> list[str]:
    return [r["code"] for r in found]


def test_nothing_set_refuses_nothing():
    assert refused() == []


def test_stop_sell_names_the_closed_nights():
    found = refused(3, {ARRIVE + timedelta(days=1): DayRules(stop_sell=True)})
    assert codes(found) == ["STOP_SELL"]
    assert found[0]["nights"] == ["2027-03-02"]
    # The departure day is not a night: a stop-sell there does not refuse.
    assert refused(3, {ARRIVE + timedelta(days=3): DayRules(stop_sell=True)}) == []


def test_closed_to_arrival_and_to_departure_look_at_their_own_day():
    assert codes(refused(2, {ARRIVE: DayRules(closed_to_arrival=True)})) == ["CLOSED_TO_ARRIVAL"]
    leave = ARRIVE + timedelta(days=2)
    found = refused(2, {leave: DayRules(closed_to_departure=True)})
    assert codes(found) == ["CLOSED_TO_DEPARTURE"] and found[0]["date"] == leave.isoformat()
    # Closed to arrival on a night in the middle, closed to departure on the arrival: fine.
    middle = {ARRIVE + timedelta(days=1): DayRules(closed_to_arrival=True)}
    assert refused(3, {**middle, ARRIVE: DayRules(closed_to_departure=True)}) == []


def test_min_and_max_stay_on_arrival_say_how_many_nights():
    found = refused(2, {ARRIVE: DayRules(min_stay=3)})
    assert found[0] | {"message": ""} == {
        "code": "MIN_STAY",
        "nights": 3,
        "minNights": 3,
        "on": "arrival",
        "night": "2027-03-01",
        "message": "",
    }
    assert "at least 3 nights" in found[0]["message"]
    assert refused(3, {ARRIVE: DayRules(min_stay=3)}) == []
    # Set on a later night, an arrival-day rule does not apply.
    assert refused(2, {ARRIVE + timedelta(days=1): DayRules(min_stay=5)}) == []
    found = refused(5, {ARRIVE: DayRules(max_stay=4)})
    assert (found[0]["code"], found[0]["nights"]) == ("MAX_STAY", 4)


def test_min_stay_through_applies_on_any_night_and_the_strictest_wins():
    days = {
        ARRIVE + timedelta(days=1): DayRules(min_stay_through=3),
        ARRIVE + timedelta(days=2): DayRules(min_stay_through=5),
    }
    found = refused(3, days)
    assert (codes(found), found[0]["nights"], found[0]["on"]) == (["MIN_STAY"], 5, "through")
    assert refused(5, days) == []


def test_seasonal_rules_min_and_max_stay_still_hold():
    rule = RateRule(name="Festival", kind="percent", value=20, min_stay=4, start=ARRIVE)
    found = refused(2, rules=[rule])
    assert (codes(found), found[0]["nights"], found[0]["on"]) == (["MIN_STAY"], 4, "through")


@pytest.mark.parametrize(
    ("ahead", "rules", "code"),
    [
        (3, DayRules(min_advance=7), "MIN_ADVANCE"),
        (200, DayRules(max_advance=90), "MAX_ADVANCE"),
    ],
)
def test_days_in_advance(ahead, rules, code):
    arrive = TODAY + timedelta(days=ahead)
    found = refused(2, {arrive: rules}, arrive=arrive)
    assert codes(found) == [code]
    if code == "MAX_ADVANCE":
        assert found[0]["bookableFrom"] == (arrive - timedelta(days=90)).isoformat()
    assert refused(2, {arrive: rules}, arrive=arrive, today=arrive - timedelta(days=30)) == []


def test_every_broken_restriction_in_one_answer():
    days = {
        ARRIVE: DayRules(closed_to_arrival=True, min_stay=4, min_advance=60),
        ARRIVE + timedelta(days=1): DayRules(stop_sell=True),
        ARRIVE + timedelta(days=2): DayRules(closed_to_departure=True),
    }
    found = refused(2, days)
    assert set(codes(found)) == {
        "STOP_SELL",
        "CLOSED_TO_ARRIVAL",
        "CLOSED_TO_DEPARTURE",
        "MIN_STAY",
        "MIN_ADVANCE",
    }
    error = refusal_error(found)
    assert error.code == "STAY_RULE_VIOLATION"
    assert error.details["restrictions"] == found
