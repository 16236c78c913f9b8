"""One way to write a bookings transaction and answer a failed condition.

Every write of the bookings domain is one DynamoDB transaction (hotel.dynamo.transact) whose
items carry conditions: a night is free, the booking is still in the status that was read, a
slot is not taken, a version has not moved. When one fails nothing is written, and the
caller either says why in the domain's words (`refused`) or reads again and retries.
"""

from __future__ import annotations

from collections.abc import Callable

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from hotel.dynamo import conditional_check_failed, transact


def commit(
    build: Callable[[TransactWrite], None], *, refused: Callable[[], Exception] | None = None
) -> bool:
    """Write `build(tx)` as one transaction; True once written.

    When one of its conditions failed: with `refused`, raise `refused()` (the domain error,
    chained to DynamoDB's); without, return False (the caller re-reads and tries again).
    Any other failure (DynamoDB unreachable, conflicts that outlasted transact's retries)
    propagates as it is.
    """
    try:
        transact(build)
    except TransactWriteError as exc:
        if not conditional_check_failed(exc):
            raise
        if refused is None:
            return False
        raise refused() from exc
    return True
