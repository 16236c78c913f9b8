"""The cancellation policy is pure (no database); the quote endpoint reads what was paid."""

from datetime import date, timedelta

import pytest

from hotel.accounts import roles
from payments.cancellation import (
    CancellationRule,
    InvalidPolicy,
    cancellation_quote,
    describe_rule,
    parse_policy,
)
from tests.rooms.test_api import assert_error

from .conftest import TOTAL, now, stay_start

POLICY = parse_policy("7:100,2:50,0:0")
CHECK_IN = date(2026, 6, 20)


def quote(days_before: int, paid: int = 10001):
    return cancellation_quote(
        check_in=CHECK_IN,
        today=CHECK_IN - timedelta(days=days_before),
        paid=paid,
        currency="INR",
        policy=POLICY,
    )


@pytest.mark.parametrize(
    ("days_before", "refund", "percent"),
    [
        (30, 10001, 100),
        (7, 10001, 100),
        (6, 5000, 50),  # rounded down to the minor unit; the fee keeps the odd unit
        (2, 5000, 50),
        (1, 0, 0),
        (0, 0, 0),
        (-1, 0, None),  # after arrival no rule applies
    ],
)
def test_the_rule_with_the_most_days_still_met_applies(days_before, refund, percent):
    result = quote(days_before)
    assert (result.refund, result.fee) == (refund, 10001 - refund)
    assert result.days_before == days_before
    assert (result.rule.refund_percent if result.rule else None) == percent


def test_nothing_paid_nothing_back():
    assert (quote(30, paid=0).refund, quote(30, paid=0).fee) == (0, 0)


def test_a_policy_without_a_same_day_rule_refunds_nothing_late():
    late = cancellation_quote(
        check_in=CHECK_IN, today=CHECK_IN, paid=100, currency="INR", policy=parse_policy("3:100")
    )
    assert (late.refund, late.rule) == (0, None)


@pytest.mark.parametrize("paid", [-1, 1.5, True, "100"])
def test_paid_must_be_minor_units(paid):
    with pytest.raises(ValueError):
        quote(10, paid=paid)


def test_policies_parse_sorted_and_bad_ones_are_refused():
    assert parse_policy(" 0:0, 14:100 ,3:25") == (
        CancellationRule(14, 100),
        CancellationRule(3, 25),
        CancellationRule(0, 0),
    )
    for bad in ["7", "7:101", "-1:50", "a:b", "7:100,7:50"]:
        with pytest.raises(InvalidPolicy):
            parse_policy(bad)


@pytest.mark.parametrize(
    ("policy", "described"),
    [
        (
            "7:100,2:50,0:0",
            [
                "Full refund when cancelled 7 or more days before arrival.",
                "50 % refund when cancelled 2 to 6 days before arrival.",
                "No refund when cancelled 0 to 1 days before arrival.",
            ],
        ),
        (
            "2:100,1:50,0:0",
            [
                "Full refund when cancelled 2 or more days before arrival.",
                "50 % refund when cancelled 1 day before arrival.",
                "No refund when cancelled on the day of arrival.",
            ],
        ),
        ("0:80", ["80 % refund when cancelled any time before arrival."]),
    ],
)
def test_rules_describe_the_window_they_cover(policy, described):
    rules = parse_policy(policy)
    assert [describe_rule(rule, rules) for rule in rules] == described


def test_a_broken_policy_setting_fails_the_system_check(settings):
    from payments.checks import cancellation_policy_check

    assert cancellation_policy_check() == []
    settings.HOTEL_CANCELLATION_POLICY = "7:200"
    assert [e.id for e in cancellation_policy_check()] == ["payments.E001"]


# --- GET /api/bookings/{id}/cancellation-quote ------------------------------------------------


def get_quote(client, created, token=True):
    headers = {"HTTP_X_BOOKING_TOKEN": created.guest_token} if token else {}
    return client.get(f"/api/bookings/{created.booking.bookingId}/cancellation-quote", **headers)


def test_the_guest_sees_what_a_cancellation_would_refund(api, make_booking):
    created = make_booking()  # 30 days ahead: the full-refund rule
    unpaid = get_quote(api, created).json()
    assert (unpaid["paid"], unpaid["refund"], unpaid["fee"]) == (0, 0, 0)
    from payments.services import payment_create

    payment_create(
        booking_id=created.booking.bookingId,
        amount=TOTAL,
        currency="INR",
        payment_method_id="pm_card_visa",
        actor="guest",
        now=now(),
    )
    response = get_quote(api, created)
    data = response.json()
    assert response.status_code == 200, data
    assert data["bookingId"] == created.booking.bookingId and data["status"] == "confirmed"
    assert data["checkIn"] == stay_start().isoformat() and data["daysBeforeArrival"] == 30
    assert (data["paid"], data["refund"], data["fee"], data["currency"]) == (TOTAL, TOTAL, 0, "INR")
    assert data["rule"] == {
        "daysBefore": 7,
        "refundPercent": 100,
        "description": "Full refund when cancelled 7 or more days before arrival.",
    }
    assert [r["daysBefore"] for r in data["policy"]] == [7, 2, 0]


def test_the_quote_follows_the_configured_policy(api, make_booking, settings):
    settings.HOTEL_CANCELLATION_POLICY = "60:100,14:40"
    data = get_quote(api, make_booking()).json()
    assert data["rule"]["refundPercent"] == 40


def test_staff_may_ask_without_the_token_others_get_404(api, make_booking):
    created = make_booking()
    assert_error(get_quote(api, created, token=False), 404, "BOOKING_NOT_FOUND")
    assert get_quote(api.as_role(roles.FRONT_DESK), created, token=False).status_code == 200
    assert_error(
        get_quote(api.as_role(roles.HOUSEKEEPING), created, token=False), 404, "BOOKING_NOT_FOUND"
    )


def test_a_booking_that_cannot_be_cancelled_has_no_quote(api, make_booking):
    from bookings.services import booking_cancel

    created = make_booking()
    booking_cancel(booking_id=created.booking.bookingId, actor="test", now=now())
    assert_error(get_quote(api, created), 409, "INVALID_TRANSITION")
