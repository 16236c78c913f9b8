"""`condition_failed_as`: a transaction refused by its conditions becomes the caller's error.

Only a failed condition is translated (chained to the TransactWriteError); any other
failure of the transaction propagates as it was, and a block that succeeds raises nothing.
"""

from __future__ import annotations

import uuid

import pytest
from botocore.exceptions import (
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from pynamodb.exceptions import GetError, PutError, TransactWriteError

from hotel.dynamo import condition_failed_as, is_transient, transact
from hotel.errors import Conflict, StaleObject
from rooms.models import Room


def _check_missing_room(tx):
    tx.condition_check(Room, "NO-SUCH-ROOM", condition=Room.roomId.exists())


def test_a_failed_condition_raises_the_given_error_chained_to_the_transaction_error():
    error = Conflict("Room NO-SUCH-ROOM is gone.", code="ROOM_GONE")
    with pytest.raises(Conflict) as raised, condition_failed_as(error):
        transact(_check_missing_room)
    assert raised.value is error
    assert isinstance(raised.value.__cause__, TransactWriteError)


def test_a_callable_builds_the_error_only_when_the_condition_failed():
    built = []

    def stale():
        built.append(True)
        return StaleObject("Reload it.")

    with condition_failed_as(stale):
        transact(lambda tx: tx.condition_check(Room, "X", condition=Room.roomId.does_not_exist()))
    assert built == []
    with pytest.raises(StaleObject, match="Reload it."), condition_failed_as(stale):
        transact(_check_missing_room)
    assert built == [True]


def test_an_exception_class_is_a_callable_too():
    with pytest.raises(StaleObject), condition_failed_as(StaleObject):
        transact(_check_missing_room)


def test_other_transaction_failures_propagate_unchanged():
    failure = TransactWriteError("Throttled")
    with pytest.raises(TransactWriteError) as raised, condition_failed_as(StaleObject):
        raise failure
    assert raised.value is failure


def _put_once(token: str, at) -> None:
    """One TransactWriteItems that creates an item only if it does not exist yet."""
    from datetime import timedelta

    from pynamodb.transactions import TransactWrite

    from hotel.dynamo import connection
    from hotel.idempotency import IdempotencyKey

    item = IdempotencyKey(
        key="tx-token-test", fingerprint="f", createdAt=at, expiresAt=at + timedelta(days=1)
    )
    with TransactWrite(connection=connection(), client_request_token=token) as tx:
        tx.save(item, condition=IdempotencyKey.key.does_not_exist())


def test_a_committed_transaction_sent_again_with_its_token_is_not_run_again():
    # What botocore does after a timeout: the same request, the same ClientRequestToken.
    from datetime import UTC, datetime

    at = datetime.now(UTC)  # not a fixed day: DynamoDB Local's TTL removes a key past it
    first, other = uuid.uuid4().hex, uuid.uuid4().hex  # tokens are remembered for 10 minutes
    _put_once(first, at)
    _put_once(first, at)  # DynamoDB answers success; the condition is not evaluated again
    with pytest.raises(TransactWriteError):  # a new token: a new transaction, refused
        _put_once(other, at)


def test_every_transaction_gets_a_token_of_its_own():
    from hotel.dynamo import new_transaction

    tokens = {new_transaction()._client_request_token for _ in range(3)}
    assert len(tokens) == 3 and all(tokens)


@pytest.mark.parametrize(
    "cause",
    [
        ConnectionClosedError(endpoint_url="http://ddb"),  # closed before the answer
        ReadTimeoutError(endpoint_url="http://ddb"),
        EndpointConnectionError(endpoint_url="http://ddb"),
        ConnectTimeoutError(endpoint_url="http://ddb"),
    ],
    ids=type,
)
def test_dynamodb_not_answering_is_transient_however_the_connection_failed(cause):
    assert is_transient(GetError("Failed to get item", cause))
    assert is_transient(TransactWriteError("Failed to write transaction items", cause))


@pytest.mark.parametrize(
    "cause", [ConnectionClosedError(endpoint_url="http://ddb"), ReadTimeoutError(endpoint_url="x")]
)
def test_an_error_without_a_dynamodb_answer_has_no_response_code(cause):
    # botocore sets `response = None` on these; PynamoDB 6.1 raised AttributeError reading it.
    assert PutError("Failed to put item", cause).cause_response_code is None
    assert PutError("Failed to put item", cause).cause_response_message is None


def test_a_transaction_cancelled_for_a_throttled_item_is_retried_not_a_500():
    """DynamoDB cancels a transaction whose item's partition is throttled with a 400 whose
    reason is ThrottlingError: retried like a conflict, and transient if it lasts."""
    from hotel import dynamo
    from hotel.stamps import Stamp
    from tests.reliability.fault_proxy import FaultProxy, dynamodb_through

    stamp = Stamp(name="throttled", token="t-1")
    with FaultProxy(dynamo.connection().host) as proxy, dynamodb_through(proxy):
        proxy.plan("TransactWriteItems", "throttled_cancel", "throttled_cancel")
        transact(lambda tx: tx.save(stamp, condition=Stamp.name.does_not_exist()))
        assert proxy.faults[("throttled_cancel", "TransactWriteItems")] == 2
        proxy.plan("TransactWriteItems", *["throttled_cancel"] * 6)
        with pytest.raises(TransactWriteError) as lasting:
            transact(
                lambda tx: tx.condition_check(Stamp, "throttled", condition=Stamp.name.exists())
            )
    assert Stamp.get("throttled", consistent_read=True).token == "t-1"
    assert is_transient(lasting.value)
