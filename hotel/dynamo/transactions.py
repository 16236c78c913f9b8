"""Writes of several items at once, and telling failures apart.

`transact` retries the collisions DynamoDB reports for concurrent transactions, and a
transaction whose answer was lost, always as the same request with the same
ClientRequestToken (so one that did commit is answered as done, never run again and refused
by its own conditions); `is_transient` says which failures are worth a retry (or a 503); a
condition that really failed becomes the caller's domain error with `condition_failed_as`.
Importing it mends PynamoDB's `cause_response_code` for causes without a DynamoDB answer
(see below).
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from botocore.exceptions import ConnectionError as BotoConnectionError
from botocore.exceptions import HTTPClientError
from pynamodb.exceptions import PynamoDBException, TransactWriteError
from pynamodb.transactions import TransactWrite

from .config import connection


def _cause_error(exc: PynamoDBException) -> dict:
    return (getattr(exc.cause, "response", None) or {}).get("Error", {})


# PynamoDB 6.1 reads `cause.response` as a dict, but botocore's HTTPClientError (a read
# timeout, a connection closed before the answer) carries `response = None`: every
# `exc.cause_response_code` then raised AttributeError — a 500 where DynamoDB merely did not
# answer (a 503). Read here, it is None, as for any other cause without an error code.
PynamoDBException.cause_response_code = property(  # type: ignore[method-assign]
    lambda exc: _cause_error(exc).get("Code")
)
PynamoDBException.cause_response_message = property(  # type: ignore[method-assign]
    lambda exc: _cause_error(exc).get("Message")
)

_THROTTLED = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
}


# Why DynamoDB cancels a transaction that a short retry may commit: another transaction held
# an item, or an item's partition was throttled (reasons per item, in a 400, not a 503).
_RETRY_REASONS = {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"}


def _is_transaction_conflict(exc: Exception) -> bool:
    if getattr(exc, "cause_response_code", None) == "TransactionInProgressException":
        return True
    reasons = {r.code for r in (getattr(exc, "cancellation_reasons", None) or []) if r is not None}
    return bool(reasons & _RETRY_REASONS) and "ConditionalCheckFailed" not in reasons


def is_transient(exc: Exception) -> bool:
    """True for failures worth a retry: DynamoDB unreachable, throttled, or a transaction
    that collided with another one (as opposed to a condition that really failed).

    Unreachable covers botocore's ConnectionError (refused, connect timeout) and its
    HTTPClientError: a read timeout, and a connection closed before the answer
    (ConnectionClosedError), which is no ConnectionError."""
    cause = getattr(exc, "cause", None)
    return (
        isinstance(cause, BotoConnectionError | HTTPClientError)
        or getattr(exc, "cause_response_code", None) in _THROTTLED
        or _is_transaction_conflict(exc)
    )


# After botocore's own attempts all went unanswered or throttled, `transact` sends the same
# request once more if this much time (seconds) has not passed since the first: DynamoDB
# answers a transaction that did commit with success, and runs one that did not. Past it
# (read timeouts), a DynamoDB that keeps failing is the caller's 503 in good time.
RESEND_WITHIN = 8.0


def new_transaction() -> TransactWrite:
    """A TransactWrite on the shared connection with its own ClientRequestToken.

    botocore retries a TransactWriteItems that timed out or lost its connection with the same
    parameters, token included; DynamoDB then answers the retry of a transaction that did
    commit with success instead of running it again (whose conditions would now fail, and a
    written booking would be reported as refused). Idempotent for 10 minutes, per token; a
    token whose transaction failed (a conflict, a condition) runs again when sent again.
    """
    return TransactWrite(connection=connection(), client_request_token=uuid.uuid4().hex)


MAX_TRANSACT_ITEMS = 100  # DynamoDB's limit on the items of one TransactWriteItems


def transaction_room(tx: TransactWrite) -> int:
    """How many more items `tx` can take before DynamoDB's limit."""
    held = (
        len(tx._put_items)
        + len(tx._update_items)
        + len(tx._delete_items)
        + len(tx._condition_check_items)
    )
    return MAX_TRANSACT_ITEMS - held


def _send(tx: TransactWrite) -> None:
    """Send `tx`'s request (again): leaving its context commits it, items and token as built."""
    with tx:
        pass


def transact(build: Callable[[TransactWrite], None], *, attempts: int = 6) -> None:
    """Run `build(tx)` and commit it as one TransactWriteItems, retrying on conflicts.

    Concurrent transactions on the same items are cancelled with TransactionConflict
    rather than queued; a short jittered retry lets one of them win and the others
    then fail on their conditions. When botocore's attempts all failed for want of an
    answer (unreachable, throttled), the request is sent once more (RESEND_WITHIN).

    `build` is called once, and every retry is the very same request with the same
    ClientRequestToken: an earlier attempt may have committed with its answer lost (botocore
    retries the same request, and a conflict or a throttle may be all the retry hears), and
    DynamoDB answers the same token with that success; a new request would fail its own
    conditions (a cancel refused as "already cancelled", a room as taken).
    Raises TransactWriteError (conditions failed, or conflicts outlasted the retries, or
    DynamoDB did not answer).
    """
    tx = new_transaction()
    build(tx)
    started, resent = time.monotonic(), False
    for attempt in range(attempts):
        try:
            _send(tx)
            return
        except TransactWriteError as exc:
            if attempt == attempts - 1:
                raise
            if _is_transaction_conflict(exc):
                time.sleep(random.uniform(0.005, 0.02 * 2**attempt))
            elif not resent and is_transient(exc) and time.monotonic() - started < RESEND_WITHIN:
                resent = True
                time.sleep(random.uniform(0.02, 0.1))
            else:
                raise


def conditional_check_failed(exc: TransactWriteError) -> bool:
    """Whether the transaction was refused because one of its conditions failed."""
    return any(
        r is not None and r.code == "ConditionalCheckFailed"
        for r in (exc.cancellation_reasons or [])
    )


@contextmanager
def condition_failed_as(error: BaseException | Callable[[], BaseException]) -> Iterator[None]:
    """Turn a transaction refused by its conditions into the caller's domain error.

    Inside the block, a TransactWriteError whose reasons include ConditionalCheckFailed
    raises `error` instead, chained to it (`raise error from exc`). `error` is the exception
    itself, or a callable that builds it only when the condition failed (an exception
    class, or a lambda that reads the current state for the message). Any other
    TransactWriteError (conflicts that outlasted the retries, throttling) propagates as is.

        with condition_failed_as(StaleObject(f"Room {room_id} changed meanwhile.")):
            transact(build)
    """
    try:
        yield
    except TransactWriteError as exc:
        if not conditional_check_failed(exc):
            raise
        raise (error if isinstance(error, BaseException) else error()) from exc


def commit(
    build: Callable[[TransactWrite], None],
    *,
    refused: BaseException | Callable[[], BaseException] | None = None,
) -> bool:
    """Write `build(tx)` as one transaction (`transact`); True once written.

    When one of its conditions failed: with `refused`, raise it (as condition_failed_as
    does); without, return False, and the caller re-reads and tries again. Any other failure
    (DynamoDB unreachable, conflicts that outlasted the retries) propagates as it is.
    """
    if refused is not None:
        with condition_failed_as(refused):
            transact(build)
        return True
    try:
        transact(build)
    except TransactWriteError as exc:
        if not conditional_check_failed(exc):
            raise
        return False
    return True
