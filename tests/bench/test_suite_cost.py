"""`make bench`'s cost model prices the writes as AWS bills them (`wcuAws`) and still reports
DynamoDB Local's count (`wcu`); results measured before `wcuAws` existed still price."""

from bench.suite import journey_wcu
from bench.suite_load import cost_model, prices

DURATIONS = {"availability": 10.0, "booking": 50.0, "payment": 80.0}


def capacity(**aws) -> dict:
    local = {"availability": 0.0, "booking": 24.8, "payment": 58.4}
    return {
        kind: {"rcu": 1.0, "wcu": local[kind]} | ({"wcuAws": aws[kind]} if aws else {})
        for kind in local
    }


def test_the_writes_are_priced_per_item_and_the_local_count_is_kept():
    cost = cost_model(capacity(availability=0.0, booking=31.2, payment=84.4), DURATIONS, 512)
    price = prices()[0]["dynamodb_write_unit"]
    assert cost["writesPricedWith"] == "wcuAws"
    assert cost["wcuPer1000"] == 83200.0 and cost["wcuAwsPer1000"] == 115600.0
    assert abs(cost["dollarsPer1000Bookings"]["dynamodbWrites"] - round(115600 * price, 5)) < 1e-9


def test_a_capacity_without_the_aws_figure_prices_the_local_count():
    cost = cost_model(capacity(), DURATIONS, 512)
    price = prices()[0]["dynamodb_write_unit"]
    assert cost["writesPricedWith"] == "wcu" and cost["wcuAwsPer1000"] is None
    assert abs(cost["dollarsPer1000Bookings"]["dynamodbWrites"] - round(83200 * price, 5)) < 1e-9


def test_the_journey_line_gives_both_figures():
    line = journey_wcu(capacity(availability=0.0, booking=31.2, payment=84.4))
    assert line.strip() == (
        "WCU per journey: 83.2 as DynamoDB Local counts, 115.6 priced per item as AWS bills"
    )
    assert journey_wcu(capacity()).strip() == "WCU per journey: 83.2 as DynamoDB Local counts"
