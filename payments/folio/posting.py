"""Writing lines: each posting is one transaction of the header (balance, counter, revision,
conditional on the revision read) and its new lines (each conditional on not existing), with
the check that no line lands in a closed business day.

Two postings at once both read revision r; one commits r + 1, the other's condition fails,
it re-reads and posts after it, so no line is ever lost or numbered twice and the header's
balances are always the sums of the lines. A posting of more lines than one transaction
holds is written in chunks, each conditional on the revision the one before left.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from hotel.dynamo import commit
from hotel.errors import Conflict, NotFound

from .business_day import account_date, last_closed_day, open_day_check
from .lines import LineDraft
from .models import FIRST_FOLIO, Folio, FolioLine

CHUNK = 90  # lines per transaction (DynamoDB takes 100 items; the header and the day check)
ATTEMPTS = 12


class FolioBusy(Conflict):
    code = "FOLIO_BUSY"
    default_message = "The bill is being changed by someone else; try again."


class FolioNotFound(NotFound):
    code = "FOLIO_NOT_FOUND"
    default_message = "This bill has no such folio."


@dataclass
class Posted:
    folio: Folio
    lines: list[FolioLine]


def header_read(booking_id: str) -> Folio | None:
    try:
        return Folio.get(booking_id, consistent_read=True)
    except DoesNotExist:
        return None


def new_header(*, booking_id: str, currency: str, payer: dict, now: datetime) -> Folio:
    return Folio(
        bookingId=booking_id,
        currency=currency,
        folios=[{"folioId": FIRST_FOLIO, "payer": payer, "balance": 0, "invoice": None}],
        balance=0,
        lineCount=0,
        revision=0,
        openedAt=now,
        updatedAt=now,
    )


def open_folio_id(header: Folio) -> str:
    """Where a line goes when the poster names no folio (or an invoiced one): the first
    folio not invoiced; when every folio is invoiced, a new one for the last payer."""
    for folio in header.folios:
        if not folio.get("invoice"):
            return folio["folioId"]
    return folio_add(header, dict(header.folios[-1].get("payer") or {}))


def folio_add(header: Folio, payer: dict) -> str:
    """A new, empty folio on the bill for `payer`; its id."""
    folio_id = f"F{len(header.folios) + 1}"
    header.folios.append({"folioId": folio_id, "payer": payer, "balance": 0, "invoice": None})
    return folio_id


def target_folio_id(header: Folio, folio_id: str | None) -> str:
    """The folio a line lands on: the one named unless it is invoiced (frozen), else the
    open one. FolioNotFound for a folio the booking does not have."""
    if folio_id is None:
        return open_folio_id(header)
    if folio_entry(header, folio_id).get("invoice"):
        return open_folio_id(header)
    return folio_id


def folio_entry(header: Folio, folio_id: str) -> dict:
    for folio in header.folios:
        if folio["folioId"] == folio_id:
            return folio
    raise FolioNotFound(
        f"Booking {header.bookingId} has no folio {folio_id}.",
        details={"folioId": folio_id, "folios": [f["folioId"] for f in header.folios]},
    )


def _line(header: Folio, draft: LineDraft, number: int, *, now, actor, last_closed) -> FolioLine:
    line_id = f"L{number:04d}"
    return FolioLine(
        bookingId=header.bookingId,
        lineId=line_id,
        lineKey=f"{header.bookingId}#{line_id}",
        folioId=target_folio_id(header, draft.folio_id),
        kind=draft.kind,
        category=draft.category,
        description=draft.description[:200],
        unitAmount=draft.unit_amount,
        quantity=draft.quantity,
        amount=draft.amount,
        effect=draft.effect,
        taxCategory=draft.tax_category,
        taxRate=None if draft.tax_rate is None else str(draft.tax_rate),
        tax=draft.tax,
        value=draft.value,
        code=draft.code,
        method=draft.method,
        reference=draft.reference,
        transactionId=draft.transaction_id,
        reverses=draft.reverses,
        reason=draft.reason,
        source=draft.source,
        serviceDate=draft.service_date,
        accountDate=account_date(now=now, last_closed=last_closed, service_date=draft.service_date),
        createdAt=now,
        createdBy=actor,
    )


def post_lines(
    *,
    header: Folio,
    is_new: bool,
    drafts: list[LineDraft],
    now: datetime,
    actor: str,
    header_change: Callable[[Folio], None] | None = None,
    also: Callable[[TransactWrite], None] | None = None,
) -> Posted | None:
    """Post `drafts` on `header` as read (revision r): None when someone posted meanwhile
    (the caller re-reads and decides again). `header_change(header)` edits the header in
    the same write (a split's new folio, a payer); `also(tx)` adds the caller's writes to
    the first transaction."""
    last_closed = last_closed_day()
    written: list[FolioLine] = []
    chunks = [drafts[i : i + CHUNK] for i in range(0, len(drafts), CHUNK)] or [[]]
    for index, chunk in enumerate(chunks):
        expected = header.revision
        if header_change is not None and index == 0:
            header_change(header)
        lines = []
        for draft in chunk:
            line = _line(
                header, draft, header.lineCount + 1, now=now, actor=actor, last_closed=last_closed
            )
            header.lineCount += 1
            header.balance += line.effect
            folio_entry(header, line.folioId)["balance"] += line.effect
            lines.append(line)
        header.revision = expected + 1
        header.updatedAt = now
        first = index == 0

        def build(tx, lines=lines, expected=expected, first=first):
            if is_new and first:
                tx.save(header, condition=Folio.bookingId.does_not_exist())
            else:
                tx.save(header, condition=Folio.revision == expected)
            for line in lines:
                tx.save(line, condition=FolioLine.lineId.does_not_exist())
            open_day_check(tx, last_closed=last_closed)
            if also is not None and first:
                also(tx)

        if not commit(build):
            if written:  # a later chunk lost the race: the first ones stand; say so
                raise FolioBusy("Part of the posting was written; reload the bill.")
            return None
        written.extend(lines)
    return Posted(folio=header, lines=written)


def with_retries(attempt: Callable[[], Posted | None]) -> Posted:
    """Run a read-decide-post `attempt` until it posts (or has nothing to post)."""
    for n in range(ATTEMPTS):
        result = attempt()
        if result is not None:
            return result
        time.sleep(random.uniform(0.002, 0.01 * 2 ** min(n, 5)))
    raise FolioBusy()
