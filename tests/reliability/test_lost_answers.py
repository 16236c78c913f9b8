"""A booking write DynamoDB applied but whose answer was lost, then sent again: the request
is answered as an unfaulted one is (200, the same body), and the write happened once.

gunicorn serves the app with its DynamoDB endpoint behind a fault proxy (fault_proxy.py)
that spoils the booking's own TransactWriteItems as planned: `drop_after` (written, the
connection closed before the answer) or `timeout` (written, the answer held past the app's
5 s read timeout), followed by what makes the app send it again — a TransactionConflict on
botocore's retry (the transaction retried on a conflict), or more lost answers (botocore's
retries used up). Before the fix, the cancel (guest and staff, with its refund), the status
changes and the room assignment answered 409 (INVALID_TRANSITION, ROOM_UNAVAILABLE) or 503
for the request's own write — a paid cancel never refunded — and a change answered 200 with
its bill never updated (no BookingChanged).

Each fault plan runs every case at once, each on two bookings of its own: one unfaulted (the
answer it should get), one faulted. Then, read straight from DynamoDB Local and localstripe:
the booking is as asked, one audit entry per write, the bill and the inventory consistent,
a cancel's refund made once. In-process: `transact` sends every retry as the same request,
token and all (which DynamoDB Local honours); the refund's record — an UpdateItem outside any
transaction — is not reported unrecorded when only its answer was lost.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import requests
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from bookings.booking_terms import booking_due_now
from bookings.models import CHECKED_IN, CONFIRMED, Booking
from bookings.services import booking_create, booking_transition, hotel_today
from devtools.gunicorn_server import start_gunicorn
from devtools.services import free_port
from hotel import dynamo
from hotel.accounts import roles
from hotel.accounts.services import api_token_issue
from hotel.audit.selectors import audit_for_object
from hotel.dynamo import is_transient, transact
from hotel.idempotency import IdempotencyKey
from payments.folio.services import folio_lines
from payments.models import Payment
from payments.services import payment_create, payment_refund
from tests.payments.conftest import StripeSide

from .conftest import suite_env
from .fault_proxy import FaultProxy, dynamodb_through
from .helpers import inventory_violations

pytestmark = pytest.mark.reliability

LOST = "drop_after"  # forwarded and written, then the connection closed without an answer
LATE = "timeout"  # forwarded and written, the answer held past botocore's 5 s read timeout
PRICE = 10000
# What follows the lost answer, making the app send the write again.
LOST_THEN_CONFLICT = (LOST, "conflict")  # botocore's retry refused: a transaction retried
LATE_THEN_CONFLICT = (LATE, "conflict")
LOST_TILL_BOTOCORE_GIVES_UP = (LOST, LOST, LOST)  # botocore's three attempts, all unanswered


@pytest.fixture(scope="module")
def lossy(_tables, tmp_path_factory):
    """gunicorn (module-wide) whose DynamoDB is this run's DynamoDB Local behind a proxy that
    injects only what a test plans: (url, proxy, the server's log)."""
    proxy = FaultProxy(suite_env()["DYNAMODB_ENDPOINT"], delay=6.0).start()
    log_path = tmp_path_factory.mktemp("lost-answers") / "server.log"
    env = suite_env(DYNAMODB_ENDPOINT=proxy.url)
    try:
        server = start_gunicorn(port=free_port(), env=env, workers=2, threads=10, log_path=log_path)
    except BaseException:
        proxy.stop()
        raise
    yield server.url, proxy, log_path
    server.stop()
    proxy.stop()


@dataclass
class Hotel:
    url: str
    proxy: FaultProxy
    log_path: Path
    staff: dict
    stripe: StripeSide

    def call(self, method: str, path: str, *, token: str | None = None, **kwargs):
        headers = {"X-Booking-Token": token} if token else dict(self.staff)
        return requests.request(method, f"{self.url}{path}", headers=headers, timeout=60, **kwargs)


@pytest.fixture
def hotel(lossy, make_room, make_staff):
    for room_id in ["R-1", "R-2", *TONIGHT]:
        make_room(roomId=room_id, pricePerNight=PRICE)
    token = api_token_issue(user=make_staff(roles.MANAGER), now=_now()).token
    return Hotel(*lossy, {"Authorization": f"Bearer {token}"}, StripeSide())


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Stay:
    booking_id: str
    token: str
    transaction_id: str | None = None


def _book(start: int, *, nights: int = 2, room_id: str | None = "R-1", to=(), paid=False) -> Stay:
    """A booking `start` days from today (pinned to `room_id`, or a unit of Deluxe), paid
    (and so confirmed) or moved along `to` in-process, straight in DynamoDB Local."""
    check_in = hotel_today(_now()) + timedelta(days=start)
    stay = dict(check_in=check_in, check_out=check_in + timedelta(days=nights), guests=2)
    guest = dict(guest_name="Lost Answer", guest_email="lost@guest.test", actor="test")
    made = booking_create(
        room_id=room_id, room_type=None if room_id else "Deluxe", **stay, **guest, now=_now()
    )
    booked = Stay(made.booking.bookingId, made.guest_token)
    if paid:
        amount, currency = booking_due_now(made.booking), made.booking.currency
        booked.transaction_id = payment_create(
            booking_id=booked.booking_id, amount=amount, currency=currency,
            payment_method_id="pm_card_visa", actor="guest", now=_now(),
        ).payment.transactionId  # fmt: skip
    for status in to:
        booking_transition(
            booking_id=booked.booking_id, to_status=status, actor="test", now=_now(),
            override_housekeeping=True,
        )  # fmt: skip
    return booked


def _actions(booking_id: str) -> Counter:
    entries = audit_for_object(object_type="bookings.booking", object_id=booking_id)
    return Counter(e.action for e in entries)


@dataclass(frozen=True)
class Case:
    """One booking write over HTTP: `prepare(days ahead, tonight's room)` makes the booking,
    `send` the request; `written` is the audit action (and count) the write leaves."""

    prepare: Callable[[int, str], Stay]
    send: Callable[[Hotel, Stay], requests.Response]
    written: dict[str, int]
    arrives_today: bool = False  # each of its bookings in a room of its own, T-…

    @property
    def fields(self) -> tuple[str, ...]:
        return (
            ("status", "totalPrice") if self.arrives_today else ("status", "roomId", "totalPrice")
        )


def _status(status: str, **extra):
    return lambda h, s: h.call(
        "PUT", f"/api/bookings/{s.booking_id}/status", json={"status": status, **extra}
    )


def _change_out(nights: int, *, guest=False):
    def send(h: Hotel, s: Stay):
        stored = Booking.get(s.booking_id, consistent_read=True)
        check_out = date.fromisoformat(stored.checkIn) + timedelta(days=nights)
        path = f"/api/bookings/{s.booking_id}/change"
        token = s.token if guest else None
        return h.call("POST", path, token=token, json={"checkOut": check_out.isoformat()})

    return send


def _cancel(*, guest: bool):
    path = "/api/bookings/{}/cancel"
    return lambda h, s: h.call("POST", path.format(s.booking_id), token=s.token if guest else None)


def _room(room_id: str):
    return lambda h, s: h.call(
        "PUT", f"/api/bookings/{s.booking_id}/room", json={"roomId": room_id}
    )


CANCELLED_WITH_REFUND = {"status:cancelled": 1, "cancel:refund": 1}
CASES = {
    "guest-cancel-paid": Case(
        lambda start, _: _book(start, paid=True), _cancel(guest=True), CANCELLED_WITH_REFUND
    ),
    "staff-cancel-paid": Case(
        lambda start, _: _book(start, paid=True), _cancel(guest=False), CANCELLED_WITH_REFUND
    ),
    "status-cancelled": Case(
        lambda start, _: _book(start, paid=True), _status("cancelled"), CANCELLED_WITH_REFUND
    ),
    "status-checked-in": Case(
        lambda _, room: _book(0, nights=1, room_id=room, to=[CONFIRMED]),
        _status("checked-in", overrideHousekeeping=True),
        {"status:checked-in": 1},
        arrives_today=True,
    ),
    "status-checked-out": Case(
        lambda _, room: _book(0, nights=1, room_id=room, to=[CONFIRMED, CHECKED_IN]),
        _status("checked-out", overrideBalance=True),
        {"status:checked-out": 1},
        arrives_today=True,
    ),
    "staff-change": Case(lambda start, _: _book(start), _change_out(3), {"change": 1}),
    "guest-change": Case(
        lambda start, _: _book(start, room_id=None), _change_out(3, guest=True), {"change": 1}
    ),
    "room-assign": Case(
        lambda start, _: _book(start, room_id=None), _room("R-2"), {"room:assign": 1}
    ),
    "room-move": Case(lambda start, _: _book(start), _room("R-2"), {"room:assign": 1}),
}
# The rooms of the stays that arrive today: T-{2 × the case's position + 1 if faulted}.
TONIGHT = [
    f"T-{2 * n + f}" for n, c in enumerate(CASES.values()) if c.arrives_today for f in (0, 1)
]


def _outcome(hotel: Hotel, case: Case, stay: Stay, response) -> dict:
    """What the client was answered and what is stored, as far as it does not depend on the
    booking's dates and room (each case's two bookings have their own)."""
    body = response.json()
    if response.status_code != 200:
        return {"answered": response.status_code, "error": body}
    stored = Booking.get(stay.booking_id, consistent_read=True)
    outcome = {
        "keys": sorted(body),
        "answered": {name: body.get(name) for name in case.fields} | {"nights": _nights(body)},
        "stored": {name: getattr(stored, name) for name in case.fields}
        | {"nights": _nights(stored.attribute_values)},
        "refund": body.get("refund"),
        "audit": {a: n for a, n in _actions(stay.booking_id).items() if a in case.written},
        "folio": sorted((x.kind, x.category or "", x.effect) for x in folio_lines(stay.booking_id)),
    }
    if stay.transaction_id:
        payment = Payment.get(stay.transaction_id, consistent_read=True)
        refunds = hotel.stripe.refunds_for(payment.stripePaymentIntentId)
        outcome["refunds at localstripe"] = [r.amount for r in refunds]
        outcome["refunds recorded"] = [(r["amount"], bool(r["refundId"])) for r in payment.refunds]
    return outcome


def _nights(booking: dict) -> int:
    return (date.fromisoformat(booking["checkOut"]) - date.fromisoformat(booking["checkIn"])).days


@pytest.mark.parametrize(
    "faults",
    [LOST_THEN_CONFLICT, LATE_THEN_CONFLICT, LOST_TILL_BOTOCORE_GIVES_UP],
    ids=["lost-then-conflict", "late-then-conflict", "lost-till-botocore-gives-up"],
)
def test_a_write_whose_answer_was_lost_is_answered_as_done_and_done_once(hotel, faults):
    """Every case at once (a `timeout` costs the 5 s read timeout), each on two bookings of
    its own: one unfaulted (the answer it should get), one whose write meets `faults`
    (planned on its booking id)."""
    names = list(CASES)
    with ThreadPoolExecutor(2 * len(names)) as pool:
        made = [
            pool.submit(CASES[name].prepare, 30 + 6 * n + 3 * faulted, f"T-{2 * n + faulted}")
            for n, name in enumerate(names)
            for faulted in (0, 1)
        ]
        stays = [future.result() for future in made]
        for stay in stays[1::2]:
            hotel.proxy.plan("TransactWriteItems", *faults, matching=stay.booking_id)
        before = sum(hotel.proxy.faults.values())
        sent = [pool.submit(CASES[names[i // 2]].send, hotel, s) for i, s in enumerate(stays)]
        answers = [future.result() for future in sent]
    assert sum(hotel.proxy.faults.values()) - before == len(faults) * len(names)
    outcomes = [
        _outcome(hotel, CASES[names[i // 2]], stay, answer)
        for i, (stay, answer) in enumerate(zip(stays, answers, strict=True))
    ]
    expected = {name: outcomes[2 * n] for n, name in enumerate(names)}
    assert {n: e["audit"] for n, e in expected.items()} == {n: CASES[n].written for n in names}
    assert {name: outcomes[2 * n + 1] for n, name in enumerate(names)} == expected
    assert inventory_violations() == []


# --- transact: every retry is the same request, token and all -----------------------------


class TokenProxy(FaultProxy):
    """A FaultProxy that notes the ClientRequestToken of every TransactWriteItems."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.tokens: list[str | None] = []

    def choose(self, operation: str, body: bytes = b""):
        if operation == "TransactWriteItems":
            self.tokens.append(json.loads(body or b"{}").get("ClientRequestToken"))
        return super().choose(operation, body)


# One time for every key (a request sent again must be the same), not a fixed day: DynamoDB
# Local's TTL removes a key whose expiry has passed within seconds.
_KEYS_AT = datetime.now(UTC)


def _key(name: str) -> IdempotencyKey:
    at = _KEYS_AT
    return IdempotencyKey(key=name, fingerprint="f", createdAt=at, expiresAt=at + timedelta(days=1))


def _create(tx: TransactWrite, item: IdempotencyKey) -> None:
    tx.save(item, condition=IdempotencyKey.key.does_not_exist())


@pytest.mark.parametrize(
    "faults",
    [LOST_THEN_CONFLICT, LOST_TILL_BOTOCORE_GIVES_UP, (LOST, "throttling", "throughput")],
    ids=["lost-then-conflict", "lost-till-botocore-gives-up", "lost-then-throttled"],
)
def test_transact_sends_a_write_whose_answer_was_lost_again_as_the_same_request(faults):
    with TokenProxy(dynamo.connection().host) as proxy, dynamodb_through(proxy):
        proxy.plan("TransactWriteItems", *faults, matching=IdempotencyKey.Meta.table_name)
        transact(lambda tx: _create(tx, _key("lost-answer")))  # no error: its own write
    assert sum(proxy.faults.values()) == len(faults)
    assert len(proxy.tokens) == len(faults) + 1 and len(set(proxy.tokens)) == 1
    assert [k.key for k in IdempotencyKey.scan(consistent_read=True)] == ["lost-answer"]


def test_transact_gives_up_after_one_resend_when_dynamodb_keeps_failing():
    unanswered = ("drop_before", "throttling", "drop_before")
    with TokenProxy(dynamo.connection().host) as proxy, dynamodb_through(proxy):
        proxy.plan("TransactWriteItems", *unanswered * 2)
        with pytest.raises(TransactWriteError) as raised:
            transact(lambda tx: _create(tx, _key("never-written")))
    assert is_transient(raised.value)  # a 503
    assert len(proxy.tokens) == 6 and len(set(proxy.tokens)) == 1  # botocore's 3, twice
    assert list(IdempotencyKey.scan(consistent_read=True)) == []


def test_dynamodb_local_answers_a_committed_token_with_success_and_runs_a_refused_one_again():
    """The premise of those resends, probed on DynamoDB Local: a token whose transaction
    committed is answered success and not run again; one whose transaction was refused (a
    condition, a conflict) runs again when sent again."""

    def send(token: str, item: IdempotencyKey, *, after: str | None = None) -> None:
        with TransactWrite(connection=dynamo.connection(), client_request_token=token) as tx:
            _create(tx, item)
            if after:  # only once `after` exists
                tx.condition_check(IdempotencyKey, after, condition=IdempotencyKey.key.exists())

    committed, refused = uuid.uuid4().hex, uuid.uuid4().hex
    send(committed, _key("a"))
    send(committed, _key("a"))  # success: its conditions are not evaluated again
    with pytest.raises(TransactWriteError):
        send(uuid.uuid4().hex, _key("a"))  # a new token: a new transaction, refused
    with pytest.raises(TransactWriteError):
        send(refused, _key("b"), after="c")
    send(uuid.uuid4().hex, _key("c"))
    send(refused, _key("b"), after="c")  # the refused token, sent again: run, and written
    stored = sorted(k.key for k in IdempotencyKey.scan(consistent_read=True))
    assert stored == ["a", "b", "c"]


# --- the refund's record: an UpdateItem outside any transaction -----------------------------


def test_a_refund_record_whose_answer_was_lost_is_not_logged_as_unrecorded(make_room, caplog):
    """In-process, through the proxy: the refund id's UpdateItem is written, its answer lost;
    botocore's retry of it must not be taken for a failure."""
    make_room(roomId="R-1", pricePerNight=PRICE)
    stay = _book(30, paid=True)
    with FaultProxy(dynamo.connection().host) as proxy, dynamodb_through(proxy):
        proxy.plan("UpdateItem", LOST, matching=Payment.Meta.table_name)
        with caplog.at_level(logging.WARNING, logger="payments"):
            refunded = payment_refund(
                transaction_id=stay.transaction_id, amount=PRICE, actor="test", now=_now()
            )
    assert proxy.faults[(LOST, "UpdateItem")] == 1
    assert [r.getMessage() for r in caplog.records] == []
    stored = Payment.get(stay.transaction_id, consistent_read=True)
    assert [r["refundId"] for r in stored.refunds] == [refunded.refunds[-1]["refundId"]]
    assert stored.refunds[-1]["refundId"]
    assert stored.refunds[-1]["status"] == "succeeded"


def test_a_cancel_whose_refund_record_answer_was_lost_logs_no_failure(hotel):
    """Through gunicorn: the cancel's refund is made once and recorded, and the server's log
    does not say it could not be recorded."""
    stay = _book(30, paid=True)
    lost_before = hotel.proxy.faults[(LOST, "UpdateItem")]
    hotel.proxy.plan("UpdateItem", LOST, matching=Payment.Meta.table_name)
    response = hotel.call("POST", f"/api/bookings/{stay.booking_id}/cancel", token=stay.token)
    assert response.status_code == 200, response.json()
    assert response.json()["refund"]["status"] == "refunded"
    assert hotel.proxy.faults[(LOST, "UpdateItem")] == lost_before + 1
    payment = Payment.get(stay.transaction_id, consistent_read=True)
    assert len(hotel.stripe.refunds_for(payment.stripePaymentIntentId)) == 1
    assert [bool(r["refundId"]) for r in payment.refunds] == [True]
    assert "Could not record refund" not in hotel.log_path.read_text()
