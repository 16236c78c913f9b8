"""Gapless numbers per series and year, and the race loop that takes them.

A number is the counter's value + 1, written in the same TransactWriteItems as the invoice
that carries it and conditional on the counter still holding the value read (or not
existing, for a year's first number). Two issuers that read the same value cannot both
commit: the loser re-reads and takes the next number. A transaction that fails writes
nothing, so no number is skipped; the invoice's own put is conditional on its number not
existing, so none is reused.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from hotel.dynamo import conditional_check_failed, is_transient, transact
from hotel.errors import Conflict

from .models import InvoiceCounter

T = TypeVar("T")

# Fifty issuers on one counter take fifty rounds at worst; a round costs a few milliseconds.
ATTEMPTS = 80


class InvoiceBusy(Conflict):
    code = "INVOICE_BUSY"
    default_message = "Invoices are being issued by others right now; try again."


def counter_key(series: str, year: int) -> str:
    return f"{series}#{year}"


def invoice_number(series: str, year: int, sequence: int) -> str:
    """ "2026-000123" without a series, "CN-2026-000007" with one."""
    return f"{series}-{year}-{sequence:06d}" if series else f"{year}-{sequence:06d}"


def counter_read(series: str, year: int) -> int:
    """The last number given in the series and year (0: none yet)."""
    try:
        return InvoiceCounter.get(counter_key(series, year), consistent_read=True).last
    except DoesNotExist:
        return 0


def counter_step(tx: TransactWrite, *, series: str, year: int, last: int) -> None:
    """Add to `tx`: the counter moves from `last` (as read) to `last + 1`."""
    item = InvoiceCounter(counter=counter_key(series, year), last=last + 1)
    if last == 0:
        tx.save(item, condition=InvoiceCounter.counter.does_not_exist())
    else:
        tx.save(item, condition=InvoiceCounter.last == last)


def commit_or_lose(build: Callable[[TransactWrite], None]) -> bool:
    """Write `build(tx)`: True once written, False when a condition failed or the
    transaction collided with another (the caller re-reads and tries again)."""
    try:
        transact(build, attempts=2)
    except TransactWriteError as exc:
        if conditional_check_failed(exc) or is_transient(exc):
            return False
        raise
    return True


def race(attempt: Callable[[], T | None]) -> T:
    """Run a read → decide → write `attempt` until it returns something (None: lost)."""
    for n in range(ATTEMPTS):
        result = attempt()
        if result is not None:
            return result
        time.sleep(random.uniform(0.002, min(0.1, 0.005 * 2 ** min(n, 6))))
    raise InvoiceBusy()
