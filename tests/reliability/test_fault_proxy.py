"""The fault proxy does what it says: each fault reaches botocore as DynamoDB's own would, and
writes (or not) what it says it writes. One attempt per call (no retries), a 1 s read timeout."""

from __future__ import annotations

import uuid

import pytest
from pynamodb.connection import Connection
from pynamodb.exceptions import PutError, TransactWriteError

from hotel import dynamo
from hotel.dynamo import LOCAL_CREDENTIALS, is_transient
from hotel.idempotency import IdempotencyKey

from .fault_proxy import FaultProxy

pytestmark = pytest.mark.reliability

TABLE = IdempotencyKey.Meta.table_name
# kind -> (botocore's error code or exception, whether the item is written)
EXPECTED = {
    None: (None, True),
    "throughput": ("ProvisionedThroughputExceededException", False),
    "throttling": ("ThrottlingException", False),
    "conflict": ("TransactionCanceledException", False),
    "timeout": ("ReadTimeoutError", True),
    "drop_before": ("ConnectionClosedError", False),
    "drop_after": ("ConnectionClosedError", True),
}


@pytest.fixture
def proxy():
    with FaultProxy(dynamo.connection().host, delay=2.0) as proxy:
        yield proxy


def _connection(url: str) -> Connection:
    conn = Connection(
        host=url, region="us-east-1", read_timeout_seconds=1, max_retry_attempts=0,
        **LOCAL_CREDENTIALS,
    )  # fmt: skip
    conn.add_meta_table(dynamo.connection().get_meta_table(TABLE))
    return conn


def _item(key: str) -> dict:
    return {"key": {"S": key}, "fingerprint": {"S": "f"}}


@pytest.mark.parametrize("kind", list(EXPECTED))
def test_each_fault_reaches_the_client_as_dynamodb_would_and_writes_as_it_says(proxy, kind):
    conn, key, other = _connection(proxy.url), uuid.uuid4().hex, uuid.uuid4().hex
    proxy.plan("TransactWriteItems", kind)
    error = None
    try:
        conn.transact_write_items(
            condition_check_items=[], delete_items=[], update_items=[],
            put_items=[{"TableName": TABLE, "Item": _item(k)} for k in (key, other)],
        )  # fmt: skip
    except TransactWriteError as exc:
        error = exc
    code, written = EXPECTED[kind]
    if code is None:
        assert error is None
    else:
        assert code in (error.cause_response_code, type(error.cause).__name__)
        assert is_transient(error)
    if kind == "conflict":  # one reason per item: a TransactionConflict, the others None
        assert sorted(r.code if r else "None" for r in error.cancellation_reasons) == [
            "None",
            "TransactionConflict",
        ]
    stored = dynamo.connection().get_item(TABLE, key, consistent_read=True)
    assert ("Item" in stored) is written
    assert proxy.faults.total() == (0 if kind is None else 1)


def test_a_single_item_write_is_spoiled_the_same_way(proxy):
    conn, key = _connection(proxy.url), uuid.uuid4().hex
    proxy.plan("PutItem", "drop_after")
    with pytest.raises(PutError) as raised:
        conn.put_item(TABLE, key, attributes={"fingerprint": {"S": "f"}})
    assert type(raised.value.cause).__name__ == "ConnectionClosedError"
    assert "Item" in dynamo.connection().get_item(TABLE, key, consistent_read=True)
