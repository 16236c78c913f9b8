"""The mixed storm: 10,000 operations over HTTP against gunicorn (2 workers x 8 threads) from
16 concurrent clients, on a hotel of 10 rooms in two types over 10 nights, so that most
operations contend: type and pinned bookings, two-room reservations, payments (a fifth of
them through 3-D Secure, confirmed by localstripe's webhook), guest cancels with refunds,
desk date changes and room moves, partial refunds, folio charges and cash, the room
assigner, check-ins and check-outs (the balance taken first), searches (storm.py).

Afterwards, from the data itself: every product invariant (payments.integrity: counters =
live bookings, no room night held twice, refunds never exceed payments, what was paid is
what the folio says, balances add up, no confirmed booking underpaid), every 2xx answer's
effect is in the data, the provider's records (localstripe's PaymentIntents and refunds)
equal the payments', and no answer was a 5xx or outside the error shape.

HOTEL_STORM_OPS sets the number of requests (default 10,000) for a longer local run.
"""

from __future__ import annotations

import itertools
import os
import re
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
import requests
from django.conf import settings

from bookings.models import Booking
from bookings.services import hotel_today
from devtools.gunicorn_server import start_gunicorn
from devtools.services import free_port, localstripe_webhook_register
from hotel.accounts.services import api_token_issue
from hotel.audit.models import AuditEntry
from hotel.audit.services import object_key
from payments.folio.models import FolioLine
from payments.integrity import integrity_problems
from payments.models import REFUNDABLE_STATUSES, REFUNDED, Payment

from . import storm
from .conftest import suite_env

pytestmark = pytest.mark.reliability

OPS = int(os.environ.get("HOTEL_STORM_OPS", "10000"))
CLIENTS = 16
SEED = 2112
ROOMS = {"Deluxe": 6, "Standard": 4}
DAYS = 10
PAID = (*REFUNDABLE_STATUSES, REFUNDED)


@pytest.fixture
def storm_hotel(make_room, manager, tmp_path):
    prices = {"Deluxe": 5000, "Standard": 4000}
    rooms = {
        kind: [
            make_room(roomId=f"R-{kind[0]}{i}", roomType=kind, pricePerNight=prices[kind]).roomId
            for i in range(count)
        ]
        for kind, count in ROOMS.items()
    }  # fmt: skip
    server = start_gunicorn(
        port=free_port(), env=suite_env(), workers=2, threads=8, log_path=tmp_path / "server.log"
    )
    name = f"storm-{os.getpid()}"

    def webhooks(events):
        localstripe_webhook_register(
            settings.STRIPE_API_BASE, name=name, url=f"{server.url}/webhooks/stripe",
            secret=settings.STRIPE_WEBHOOK_SECRET, events=events,
        )  # fmt: skip

    webhooks(["payment_intent.succeeded", "payment_intent.payment_failed"])
    hotel = storm.Hotel(
        url=server.url,
        staff_token=api_token_issue(user=manager, now=datetime.now(UTC)).token,
        rooms=rooms,
        first=hotel_today(datetime.now(UTC)),
        days=DAYS,
        stripe_base=settings.STRIPE_API_BASE,
        publishable_key=settings.STRIPE_PUBLISHABLE_KEY,
        secret_key=settings.STRIPE_SECRET_KEY,
    )
    try:
        yield hotel, server
    finally:
        webhooks([])
        server.stop()


def test_a_10000_operation_storm_sells_nothing_twice_and_accounts_for_every_payment(
    storm_hotel, reliability_report, capsys
):
    hotel, server = storm_hotel
    ledger = storm.Ledger()
    numbers = itertools.count()
    started = time.monotonic()

    def client():
        while storm.requests_sent(ledger) < OPS:
            n = next(numbers)
            storm.run(hotel, ledger, SEED, n)

    with ThreadPoolExecutor(CLIENTS) as pool:
        for run in [pool.submit(client) for _ in range(CLIENTS)]:
            run.result()
    elapsed = time.monotonic() - started
    settled = _wait_for_3ds_webhooks(ledger)
    server.stop()  # nothing writes any more: the data can be checked

    found = integrity_problems()
    unkept = _unkept_promises(ledger)
    provider = _provider_mismatches()
    report = _report(ledger, found, unkept, provider, elapsed, settled)
    with capsys.disabled():
        print(report)
        print(_trails(found))
    _add_to_summary(reliability_report, ledger, found, elapsed)

    assert ledger.problems == [], ledger.problems[:10]
    assert storm.requests_sent(ledger) >= OPS
    assert {check: p[:5] for check, p in found.items() if p} == {}
    assert unkept == [], unkept[:10]
    assert provider == [], provider[:10]
    assert settled == len(ledger.three_ds), "a 3-D Secure payment was never confirmed"
    # The storm did what it says: every kind of operation succeeded at least once.
    succeeded = {op for (op, status), n in ledger.answers.items() if 200 <= status < 300}
    assert set(storm.OPERATION_LABELS) <= succeeded, set(storm.OPERATION_LABELS) - succeeded


def _wait_for_3ds_webhooks(ledger: storm.Ledger, patience: float = 60) -> int:
    """How many authenticated 3-D Secure payments the webhook settled (waits for them)."""
    deadline = time.monotonic() + patience
    while True:
        done = sum(
            Payment.get(txn, consistent_read=True).status not in ("pending", "requires_action")
            for _intent, txn in ledger.three_ds
        )
        if done == len(ledger.three_ds) or time.monotonic() > deadline:
            return done
        time.sleep(0.5)


def _unkept_promises(ledger: storm.Ledger) -> list[str]:
    """Every 2xx's effect, looked for in the data."""
    bookings = {b.bookingId: b for b in Booking.scan(consistent_read=True)}
    payments = {p.transactionId: p for p in Payment.scan(consistent_read=True)}
    lines = {(x.bookingId, x.lineId) for x in FolioLine.scan(consistent_read=True)}
    changes: dict[str, set] = defaultdict(set)
    problems = []
    for effect in ledger.effects:
        kind, subject = effect[0], effect[1]
        booking = bookings.get(subject)
        if kind == "booked" and booking is None:
            problems.append(f"{subject} was answered 201 and does not exist")
        elif kind == "paid" and (subject not in payments or payments[subject].status not in PAID):
            problems.append(f"payment {subject} was answered 201 and is not paid")
        elif kind == "status" and booking.status not in effect[2]:
            problems.append(f"{subject} is {booking.status}, answered {sorted(effect[2])}")
        elif kind == "changed":
            changes[subject].add((effect[2], effect[3]))
        elif kind in ("moved", "assigned") and not _ever_in_room(subject, effect[2]):
            problems.append(f"{subject} was answered {kind} to {effect[2]}; no trace of it")
        elif kind == "line" and (subject, effect[2]) not in lines:
            problems.append(f"folio line {subject} {effect[2]} was answered 201 and is missing")
        elif kind == "refunded" and payments[subject].refundedAmount < effect[2]:
            problems.append(f"{subject} refunded {payments[subject].refundedAmount} < {effect[2]}")
    for booking_id, dates in changes.items():
        booking = bookings[booking_id]
        if (booking.checkIn, booking.checkOut) not in dates:
            problems.append(f"{booking_id} stays {booking.checkIn}..{booking.checkOut}, "
                            f"not one of its answered changes {sorted(dates)}")  # fmt: skip
    return problems


def _trails(found: dict[str, list[str]]) -> str:
    """The audit trail of every booking a failed check names: what happened to it, in order."""
    named = sorted(
        {w for p in itertools.chain(*found.values()) for w in re.findall(r"BK-[\w-]+", p)}
    )
    out = []
    for booking_id in named[:5]:
        out.append(f"audit trail of {booking_id}:")
        for e in AuditEntry.query(object_key("bookings.booking", booking_id)):
            b, a = e.before or {}, e.after or {}
            was = f"{b.get('status')} {b.get('roomId')} {b.get('checkIn')}..{b.get('checkOut')}"
            now = f"{a.get('status')} {a.get('roomId')} {a.get('checkIn')}..{a.get('checkOut')}"
            out.append(f"  {e.entryId} {e.action} by {e.actor}: {was} -> {now}")
    return "\n".join(out)


def _ever_in_room(booking_id: str, room_id: str) -> bool:
    entries = AuditEntry.query(object_key("bookings.booking", booking_id))
    return any((entry.after or {}).get("roomId") == room_id for entry in entries)


def _provider_mismatches() -> list[str]:
    """localstripe's succeeded PaymentIntents and refunds against the stored payments."""
    auth = (settings.STRIPE_SECRET_KEY, "")
    base = settings.STRIPE_API_BASE
    intents = requests.get(f"{base}/v1/payment_intents", params={"limit": 100000}, auth=auth,
                           timeout=60).json()["data"]  # fmt: skip
    refunds = requests.get(f"{base}/v1/refunds", params={"limit": 100000}, auth=auth,
                           timeout=60).json()["data"]  # fmt: skip
    refunded = Counter()
    for refund in refunds:
        if refund["status"] in ("succeeded", "pending"):
            refunded[refund["payment_intent"]] += refund["amount"]
    stored = {p.stripePaymentIntentId: p for p in Payment.scan(consistent_read=True)}
    bookings = {b.bookingId for b in Booking.scan(consistent_read=True)}
    problems = []
    for intent in intents:
        if intent["metadata"].get("bookingId") not in bookings:
            continue  # another test's
        payment = stored.get(intent["id"])
        stored_as = payment and (payment.status, payment.amount)
        if intent["status"] == "succeeded" and stored_as not in {
            (st, intent["amount"]) for st in PAID
        }:
            problems.append(f"{intent['id']} took {intent['amount']}, stored {stored_as}")
        if payment is not None and payment.refundedAmount != refunded[intent["id"]]:
            problems.append(f"{payment.transactionId}: refunded {payment.refundedAmount}, "
                            f"the provider {refunded[intent['id']]}")  # fmt: skip
    return problems


def _report(ledger, found, unkept, provider, elapsed, settled) -> str:
    by_operation: dict[str, Counter] = defaultdict(Counter)
    for (operation, status), n in ledger.answers.items():
        by_operation[operation][status] += n
    statuses = sorted({status for _op, status in ledger.answers})
    total = storm.requests_sent(ledger)
    lines = [
        f"\nstorm: {total:,} requests from {CLIENTS} clients in {elapsed:.0f} s "
        f"({total / elapsed:.0f}/s); {len(ledger.stays)} bookings made",
        f"{'operation':<22}" + "".join(f"{s:>7}" for s in statuses),
    ]
    for operation in sorted(by_operation):
        row = by_operation[operation]
        lines.append(f"{operation:<22}" + "".join(f"{row.get(s, 0):>7}" for s in statuses))
    refusals = ", ".join(f"{op} {code} {n}" for (op, code), n in sorted(ledger.refusals.items()))
    lines.append(f"4xx: {refusals}")
    lines.append(f"3-D Secure confirmed by the webhook: {settled} of {len(ledger.three_ds)}")
    for check, problems in found.items():
        lines.append(f"check {check}: {'ok' if not problems else problems[:3]}")
    lines.append(f"2xx effects checked {len(ledger.effects)}, missing {len(unkept)}; "
                 f"provider mismatches {len(provider)}")  # fmt: skip
    return "\n".join(lines)


def _add_to_summary(report, ledger, found, elapsed) -> None:
    total = storm.requests_sent(ledger)
    outcomes = Counter()
    for (_op, status), n in ledger.answers.items():
        outcomes[f"{status // 100}xx"] += n
    report.add("storm", "operations (HTTP requests)", f"{total:,} in {elapsed:.0f} s")
    report.add("storm", "outcomes", ", ".join(f"{k} {v:,}" for k, v in sorted(outcomes.items())))
    report.add("storm", "2xx effects found in the data", f"{len(ledger.effects):,}")
    passed = sum(1 for problems in found.values() if not problems)
    report.add("storm", "invariant checks passed", f"{passed} of {len(found)}")
    report.add("storm", "5xx", outcomes.get("5xx", 0))
