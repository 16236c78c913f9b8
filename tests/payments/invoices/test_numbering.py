"""Gapless numbers under concurrency and failures (DynamoDB Local): fifty desks invoice fifty
settled bookings at the same moment while transactions fail, issuers crash after reading the
counter and answers are lost after the commit; the numbers are exactly 1..50, each booking
has one invoice and its folio names it. Plus the capacity an invoice costs."""

from __future__ import annotations

import itertools
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.exceptions import ClientError
from django.utils import timezone
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from bookings.clock import hotel_today
from payments.folio.posting import header_read
from payments.invoices import numbering, services
from payments.invoices.models import Invoice, InvoiceCounter
from payments.invoices.numbering import counter_key, invoice_number

from .conftest import DESK, settle, walk_in

ISSUERS = 50


class Crash(Exception):
    """The process died (or the client gave up) mid-request; the client retries."""


def _throttled() -> TransactWriteError:
    cause = ClientError({"Error": {"Code": "ThrottlingException", "Message": "injected"}}, "Tx")
    return TransactWriteError("injected", cause=cause)


class Faults:
    """Deterministic faults, every n-th call of each kind, thread-safe."""

    def __init__(self):
        self.lock = threading.Lock()
        self.calls = itertools.count(1)
        self.reads = itertools.count(1)
        self.seen = {"throttled": 0, "crash_before": 0, "lost_reply": 0, "crash_after_read": 0}

    def hit(self, kind: str) -> None:
        with self.lock:
            self.seen[kind] += 1


@pytest.fixture
def settled(make_room):
    for n in range(ISSUERS):
        make_room(roomId=f"R-{n + 1}", pricePerNight=5000)

    def one(n):
        booking = walk_in(f"R-{n + 1}", name=f"Guest {n + 1}", email=f"g{n + 1}@in.test")
        settle(booking.bookingId)
        return booking.bookingId

    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(one, range(ISSUERS)))


def test_fifty_parallel_issuers_with_failures_get_numbers_one_to_fifty(settled, monkeypatch):
    faults = Faults()
    real_transact = numbering.transact
    real_read = services.counter_read

    def flaky_transact(build, **kwargs):
        n = next(faults.calls)
        if n % 7 == 0:  # DynamoDB throttles: nothing written, the loop re-reads
            faults.hit("throttled")
            raise _throttled()
        if n % 11 == 0:  # the Lambda dies before the write: nothing written, client retries
            faults.hit("crash_before")
            raise Crash("before commit")
        real_transact(build, **kwargs)
        if n % 13 == 0:  # written, but the answer never reaches the client: it retries
            faults.hit("lost_reply")
            raise Crash("after commit")

    def flaky_read(series, year):
        value = real_read(series, year)
        if next(faults.reads) % 9 == 0:  # dies holding a number it never wrote
            faults.hit("crash_after_read")
            raise Crash("after counter read")
        return value

    monkeypatch.setattr(numbering, "transact", flaky_transact)
    monkeypatch.setattr(services, "counter_read", flaky_read)
    start = threading.Barrier(ISSUERS)
    now = timezone.now()

    def issuer(booking_id: str) -> str:
        start.wait()
        key = f"retry-{booking_id}"  # the client's Idempotency-Key: the same on each retry
        for _ in range(30):
            try:
                return services.invoice_issue(
                    booking_id=booking_id, actor=DESK, now=now, issue_key=key
                ).number
            except Crash:
                continue
        raise AssertionError("gave up")

    with ThreadPoolExecutor(max_workers=ISSUERS) as pool:
        answered = list(pool.map(issuer, settled))

    assert all(faults.seen.values()), faults.seen
    year = hotel_today(now).year
    issued = sorted(Invoice.scan(), key=lambda x: x.sequence)
    assert [x.sequence for x in issued] == list(range(1, ISSUERS + 1))  # no gap, no duplicate
    assert [x.number for x in issued] == [invoice_number("", year, n) for n in range(1, 51)]
    assert InvoiceCounter.get(counter_key("", year)).last == ISSUERS
    by_booking = {x.bookingId: x.number for x in issued}
    assert len(by_booking) == ISSUERS  # one invoice per booking
    assert answered == [by_booking[b] for b in settled]  # each client got its own number
    for booking_id in settled:
        assert header_read(booking_id).folios[0]["invoice"] == by_booking[booking_id]


def test_an_invoice_costs_one_transaction_of_three_writes(stay, monkeypatch):
    """Counter + invoice + folio header in one transaction: 2 WCU per KB each. DynamoDB Local
    reports the consumed capacity; the figures go to the closing note."""
    settle(stay.bookingId)
    consumed = []
    real_commit = TransactWrite._commit

    def measured(self):
        self._return_consumed_capacity = "INDEXES"
        response = real_commit(self)
        consumed.append(response.get("ConsumedCapacity", []))
        return response

    monkeypatch.setattr(TransactWrite, "_commit", measured)
    invoice = services.invoice_issue(booking_id=stay.bookingId, actor=DESK, now=timezone.now())
    (issue,) = consumed  # the bill was in line: the sync wrote nothing
    by_table = {_entity(c["TableName"]): c["CapacityUnits"] for c in issue}
    note = services.invoice_credit(
        number=invoice.number, reason="test", actor=DESK, now=timezone.now()
    )
    credit = consumed[1]
    credit_by_table = {_entity(c["TableName"]): c["CapacityUnits"] for c in credit}
    print(f"\nissue {invoice.number}: {issue}\ncredit {note.number}: {credit}")
    # The invoice (1.7 KB: 2 KB) costs 4 in its table and 4 in the bookingId index.
    assert by_table == {"invoice-counters": 2.0, "invoices": 8.0, "folios": 2.0}
    assert sum(credit_by_table.values()) <= 16


def _entity(table: str) -> str:
    """hotel-invoice-counters-test → invoice-counters."""
    return table.split("-", 1)[1].rsplit("-", 1)[0]


def test_crediting_at_once_from_five_desks_gives_one_credit_note(stay):
    settle(stay.bookingId)
    invoice = services.invoice_issue(booking_id=stay.bookingId, actor=DESK, now=timezone.now())
    start = threading.Barrier(5)

    def credit(n: int) -> str:
        start.wait()
        try:
            return services.invoice_credit(
                number=invoice.number, reason=f"desk {n}", actor=DESK, now=timezone.now()
            ).number
        except services.InvoiceCredited:
            return "refused"

    with ThreadPoolExecutor(max_workers=5) as pool:
        answers = sorted(pool.map(credit, range(5)))
    year = hotel_today(timezone.now()).year
    assert answers == [invoice_number("CN", year, 1)] + ["refused"] * 4
    assert InvoiceCounter.get(counter_key("CN", year)).last == 1
    assert header_read(stay.bookingId).folios[0]["invoice"] is None
