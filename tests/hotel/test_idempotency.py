"""`idempotent` when DynamoDB loses or refuses its own bookkeeping.

- botocore sends the claim's conditional put again after its answer was lost: the put fails
  on the key it wrote itself, and the request must still go on (not 409 "in flight" for a
  day);
- the claim's put is never answered (written or not): the request fails as transient (503)
  and leaves the key free for the client's retry;
- the answer cannot be stored after the work was done: the work's answer is still given
  (the work is not undone, and not redone).

A fault-injecting proxy (tests/reliability/fault_proxy.py) sits between this process and
DynamoDB Local.
"""

from __future__ import annotations

import pytest
from pynamodb.exceptions import PutError

from hotel import dynamo
from hotel.dynamo import is_transient
from hotel.errors import Conflict
from hotel.idempotency import IdempotencyKey, idempotent
from tests.conftest import NOW
from tests.reliability.fault_proxy import FaultProxy, dynamodb_through

KEYS = IdempotencyKey.Meta.table_name


@pytest.fixture
def proxy():
    with FaultProxy(dynamo.connection().host) as proxy, dynamodb_through(proxy):
        yield proxy


def _run(calls: list[int], key: str = "k-1"):
    def call():
        calls.append(1)
        return 201, {"id": len(calls)}

    return idempotent(scope="test", key=key, payload={"a": 1}, now=NOW, call=call)


def test_a_claim_whose_answer_was_lost_is_still_the_requests_own(proxy):
    proxy.plan("PutItem", "drop_after", matching=KEYS)
    calls: list[int] = []
    assert _run(calls) == (201, {"id": 1})
    assert proxy.faults[("drop_after", "PutItem")] == 1
    assert _run(calls) == (201, {"id": 1})  # a retry of the key: replayed, not run again
    assert len(calls) == 1


def test_another_requests_claim_in_flight_is_still_refused():
    calls: list[int] = []

    def first():  # while it runs, a second request comes with the same key
        with pytest.raises(Conflict) as raised:
            _run(calls)
        return 201, {"second": raised.value.code}

    status, body = idempotent(scope="test", key="k-1", payload={"a": 1}, now=NOW, call=first)
    assert (status, body) == (201, {"second": "IDEMPOTENCY_IN_PROGRESS"})
    assert calls == []


def test_an_answer_that_cannot_be_stored_is_still_given(proxy):
    proxy.plan("UpdateItem", "throttling", "throughput", "throttling", matching=KEYS)
    calls: list[int] = []
    assert _run(calls) == (201, {"id": 1})
    assert proxy.faults[("throttling", "UpdateItem")] == 2
    assert len(calls) == 1


def test_a_claim_dynamodb_never_answers_is_a_transient_failure(proxy):
    proxy.plan("PutItem", "drop_before", "drop_after", "drop_before", matching=KEYS)
    calls: list[int] = []
    with pytest.raises(PutError) as raised:  # a 503, not an AttributeError (500)
        _run(calls)
    assert is_transient(raised.value) and calls == []
    assert _run(calls) == (201, {"id": 1})  # the claim written on the way was released
