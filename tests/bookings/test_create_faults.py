"""booking_create when DynamoDB loses the answer to the booking's transaction.

The write happened; the client (botocore) never heard. Whatever follows — botocore's retries
used up, or a conflict on its retry — the booking is answered as made, once, and nothing else
is taken (`transact` sends the same request with the same token again; the service also
recognises its own booking by the guest token hash).
A fault-injecting proxy (tests/reliability/fault_proxy.py) sits between this process and
DynamoDB Local and spoils the booking's transaction as planned.
"""

from __future__ import annotations

import pytest
from pynamodb.exceptions import TransactWriteError

from bookings.models import Booking
from bookings.services import booking_create
from hotel import dynamo
from hotel.dynamo import is_transient
from tests.conftest import NOW
from tests.invariants import assert_inventory_consistent
from tests.reliability.fault_proxy import FaultProxy, dynamodb_through

from .conftest import day

LOST = "drop_after"  # forwarded, written, then the connection closed without an answer


@pytest.fixture
def proxy(make_room):
    make_room(roomId="R-1", roomType="Deluxe")
    with FaultProxy(dynamo.connection().host) as proxy, dynamodb_through(proxy):
        yield proxy


def _book(**where):
    return booking_create(
        **where,
        check_in=day(0),
        check_out=day(2),
        guests=1,
        guest_name="Lost Answer",
        guest_email="lost@guest.test",
        actor="test",
        now=NOW,
    )


def _plan(proxy: FaultProxy, *kinds: str) -> None:
    proxy.plan("TransactWriteItems", *kinds, matching=Booking.Meta.table_name)


@pytest.mark.parametrize("where", [{"room_id": "R-1"}, {"room_type": "Deluxe"}])
@pytest.mark.parametrize(
    "faults",
    [
        pytest.param((LOST, "conflict"), id="lost-then-conflict"),
        pytest.param((LOST, "throttling", "throughput"), id="lost-then-retries-used-up"),
        pytest.param((LOST, "drop_before", "drop_before"), id="lost-then-unreachable"),
    ],
)
def test_a_booking_whose_answer_was_lost_is_answered_as_made_once(proxy, where, faults):
    _plan(proxy, *faults)
    made = _book(**where)
    assert sum(proxy.faults.values()) == len(faults)
    stored = [b.bookingId for b in Booking.scan(consistent_read=True)]
    assert stored == [made.booking.bookingId]
    assert_inventory_consistent()


def test_a_booking_never_written_still_fails_as_unavailable_for_now(proxy):
    # Every attempt: botocore's three, and the same three again when `transact` resends.
    _plan(proxy, *("drop_before", "throttling", "drop_before") * 2)
    with pytest.raises(TransactWriteError) as raised:
        _book(room_id="R-1")
    assert is_transient(raised.value)  # a 503: the client may retry
    assert list(Booking.scan(consistent_read=True)) == []
    assert_inventory_consistent()
