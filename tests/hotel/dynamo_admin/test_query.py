"""Choosing the read for a list page: ranges on range keys, fan-out over partitions (pure)."""

from __future__ import annotations

import pytest

from bookings.models import STATUSES, Booking
from hotel.dynamo import InvalidCursor, encode_cursor
from hotel.dynamo_admin.query import FanOut, Range, matches, plan_read

BY_STATUS = FanOut("status", Booking.by_status, STATUSES)


def test_a_range_on_the_index_range_key_is_the_key_condition():
    plan = plan_read(Booking, {"status": "confirmed", "checkIn": Range("2026-03-01", "2026-03-07")})

    assert plan.describe() == "query:status-checkIn-lean-index"
    assert plan.hash_value == "confirmed"
    assert plan.range_condition is not None and plan.filter_condition is None


def test_a_range_elsewhere_is_a_filter_of_the_same_query():
    plan = plan_read(Booking, {"status": "checked-in", "checkOut": Range("2026-03-02", None)})

    assert plan.index is Booking.by_status
    assert plan.range_condition is None and plan.filter_condition is not None


def test_a_range_never_drives_a_hash_key():
    assert plan_read(Booking, {"status": Range("a", "b")}).kind == "scan"


def test_without_a_hash_value_a_fan_out_queries_every_partition():
    plan = plan_read(Booking, {"checkIn": Range("2026-03-09", "2026-03-09")}, fan_outs=[BY_STATUS])

    assert (plan.kind, plan.index) == ("query", Booking.by_status)
    assert plan.hash_values == STATUSES
    assert plan.range_condition is not None


def test_an_indexed_equality_beats_the_fan_out():
    plan = plan_read(Booking, {"guestEmail": "a@b.test"}, fan_outs=[BY_STATUS])

    assert plan.index is Booking.by_guest and not plan.hash_values


@pytest.mark.parametrize(
    ("lookup", "value", "expected"),
    [
        (Range("2026-03-01", "2026-03-31"), "2026-03-31", True),
        (Range("2026-03-01", None), "2026-02-28", False),
        (Range(None, "2026-03-01"), "2026-03-01", True),
        (Range("a", "b"), None, False),
    ],
)
def test_ranges_match_inclusively(lookup, value, expected):
    booking = Booking(checkIn=value)

    assert matches(booking, {"checkIn": lookup}) is expected


@pytest.mark.parametrize("part", [{"N": "7"}, {"N": "-1"}, {"S": "0"}, None])
def test_a_fan_out_cursor_must_name_one_of_its_partitions(part):
    plan = plan_read(Booking, {}, fan_outs=[BY_STATUS])
    key = {"bookingId": {"S": "BK-1"}, "status": {"S": "pending"}, "checkIn": {"S": "2026-03-09"}}
    if part is not None:
        key["_part"] = part

    with pytest.raises(InvalidCursor):
        plan.run(limit=10, cursor=encode_cursor(key))
