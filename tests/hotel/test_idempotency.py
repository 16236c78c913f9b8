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


# --- a request that died holding its key (tests/reliability/test_crash_points.py end to end) ---


def _dead_claim(key: str, *, ref: str | None = None) -> None:
    """The key as a request left it when the process was killed mid-way."""
    from datetime import timedelta

    from hotel.idempotency import _storage_key, fingerprint, lease

    at = NOW - lease() - timedelta(seconds=1)
    IdempotencyKey(
        key=_storage_key("test", "anonymous", key),
        fingerprint=fingerprint({"a": 1}),
        createdAt=at,
        expiresAt=at + timedelta(hours=24),
        claimId="dead",
        ref=ref,
    ).save()


def _marking(calls: list[str], *, recovered: list[str]):
    from hotel.dynamo import commit

    def call(claim):
        calls.append(claim.item.claimId)
        commit(lambda tx: claim.mark(tx, "made-2"))
        return 201, {"id": "made-2"}

    def recover(ref):
        recovered.append(ref)
        return 201, {"id": ref}

    return call, recover


def test_a_dead_requests_key_is_taken_over_after_its_lease_and_the_work_done_once():
    _dead_claim("k-dead")
    calls, recovered = [], []
    call, recover = _marking(calls, recovered=recovered)
    run = {"scope": "test", "key": "k-dead", "payload": {"a": 1}, "now": NOW}

    assert idempotent(**run, call=call, recover=recover) == (201, {"id": "made-2"})
    assert idempotent(**run, call=call, recover=recover) == (201, {"id": "made-2"})  # replayed
    assert len(calls) == 1 and recovered == []


def test_a_dead_requests_work_is_answered_from_its_mark_not_done_again():
    _dead_claim("k-made", ref="made-1")
    calls, recovered = [], []
    call, recover = _marking(calls, recovered=recovered)
    run = {"scope": "test", "key": "k-made", "payload": {"a": 1}, "now": NOW}

    assert idempotent(**run, call=call, recover=recover) == (201, {"id": "made-1"})
    assert idempotent(**run, call=call, recover=recover) == (201, {"id": "made-1"})
    assert calls == [] and recovered == ["made-1"]  # the second answer was stored


def test_a_request_whose_key_was_taken_over_cannot_mark_it():
    from hotel.dynamo import commit
    from hotel.idempotency import Claim, _storage_key

    _dead_claim("k-zombie")
    calls, recovered = [], []
    call, recover = _marking(calls, recovered=recovered)
    idempotent(scope="test", key="k-zombie", payload={"a": 1}, now=NOW, call=call, recover=recover)
    zombie = IdempotencyKey(key=_storage_key("test", "anonymous", "k-zombie"), claimId="dead")

    # The dead request's transaction (had it run on) fails with its mark: it makes nothing.
    assert commit(lambda tx: Claim(zombie).mark(tx, "made-3")) is False
    assert IdempotencyKey.get(zombie.key).ref == "made-2"


def test_a_dead_request_that_marks_nothing_is_not_run_again_unless_that_is_harmless():
    """No mark, no telling whether the dead request posted its charge: the retry is refused
    (the client reads the bill and sends a new key), never run a second time."""
    _dead_claim("k-unmarked")
    calls: list[int] = []
    with pytest.raises(Conflict) as refused:
        _run(calls, key="k-unmarked")
    assert refused.value.code == "IDEMPOTENCY_KEY_UNFINISHED" and calls == []

    def call():
        calls.append(1)
        return 201, {"id": len(calls)}

    run = {"scope": "test", "key": "k-unmarked", "payload": {"a": 1}, "now": NOW}
    assert idempotent(**run, call=call, rerun_safe=True) == (201, {"id": 1})
    assert idempotent(**run, call=call, rerun_safe=True) == (201, {"id": 1})  # replayed
    assert calls == [1]


def test_a_takeover_whose_answer_was_lost_is_still_the_requests_own(proxy):
    """botocore resends the takeover's conditional put after its answer was lost: the put
    fails on the claim it wrote itself, and the request goes on (not 409 for a day)."""
    _dead_claim("k-lost-takeover")
    proxy.plan("PutItem", None, "drop_after", matching=KEYS)  # the claim, then the takeover
    calls, recovered = [], []
    call, recover = _marking(calls, recovered=recovered)
    run = {"scope": "test", "key": "k-lost-takeover", "payload": {"a": 1}, "now": NOW}

    assert idempotent(**run, call=call, recover=recover) == (201, {"id": "made-2"})
    assert proxy.faults[("drop_after", "PutItem")] == 1
    assert idempotent(**run, call=call, recover=recover) == (201, {"id": "made-2"})
    assert len(calls) == 1 and recovered == []
