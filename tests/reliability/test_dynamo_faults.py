"""DynamoDB misbehaving under load: throttled, conflicting, slow, dropping connections.

A fault-injecting proxy (fault_proxy.py) sits between a gunicorn app server and this test
run's DynamoDB Local and spoils a seeded RATE of the app's DynamoDB requests. Guests'
journeys (search, book, pay, cancel) run from CLIENTS threads, with an Idempotency-Key on
every booking and payment, retrying a 503 with the same key. Every answer is a 2xx, a 4xx
or a 503 in the error shape with Retry-After — never another 5xx. Afterwards, read straight
from DynamoDB Local: the inventory is consistent (tests/invariants.py), every booking
answered 201 exists as asked, no key made two bookings, every answered payment and
cancellation is in the data, and no booking was charged twice.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
import requests

from bookings.models import CANCELLED, CONFIRMED, Booking
from devtools.gunicorn_server import start_gunicorn
from devtools.services import free_port

from .conftest import suite_env
from .fault_proxy import FaultProxy
from .helpers import Attempt, inventory_violations

pytestmark = pytest.mark.reliability

ROOMS = 6
DAYS = 8  # the stays' window: 6 rooms x 8 nights for 100 stays of 1-3 nights, many collide
JOURNEYS = 100
CLIENTS = 16
RATE = 0.15
SEED = 1202
DELAY = 6.0  # longer than the app's botocore read timeout (hotel.dynamo.config: 5 s)
# A timeout holds a server thread for seconds (x3 with botocore's retries): fewer of them.
WEIGHTS = {
    "throughput": 2,
    "throttling": 2,
    "conflict": 6,  # TransactWriteItems only
    "timeout": 1,
    "drop_before": 2,
    "drop_after": 2,
}
RETRIES = 4  # a client's retries of a 503, with the same Idempotency-Key


@dataclass
class Log:
    """What the clients saw: (operation, status) -> count, and what each answer promised."""

    answers: Counter = field(default_factory=Counter)
    refusals: Counter = field(default_factory=Counter)  # (operation, 4xx error code) -> count
    gave_up: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    created: dict[str, Attempt] = field(default_factory=dict)
    paid: set[str] = field(default_factory=set)
    cancelled: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, operation: str, response: requests.Response) -> None:
        problem, code = _error_shape_problem(response), None
        if 400 <= response.status_code < 500:
            try:
                code = response.json()["error"]["code"]
            except (ValueError, KeyError):
                problem = f"{response.status_code} not in the error shape: {response.text[:300]}"
        with self.lock:
            self.answers[(operation, response.status_code)] += 1
            if code:
                self.refusals[(operation, code)] += 1
            if problem:
                self.problems.append(f"{operation}: {problem}")


def _error_shape_problem(response: requests.Response) -> str | None:
    status = response.status_code
    if status < 500:
        return None
    if status != 503:
        return f"{status} {response.text[:300]}"
    try:
        error = response.json()["error"]
    except (ValueError, KeyError):
        return f"503 not in the error shape: {response.text[:300]}"
    if not response.headers.get("Retry-After"):
        return "503 without Retry-After"
    if error.get("code") != "SERVICE_UNAVAILABLE" or error.get("statusCode") != 503:
        return f"503 with {error}"
    if error.get("requestId") != response.headers.get("X-Request-Id"):
        return f"503 whose requestId is not X-Request-Id: {error}"
    return None


_local = threading.local()


def _call(log: Log, operation: str, method: str, url: str, rng: random.Random, **kwargs):
    """Send, retrying 503s (and a key's first request still in flight) with the same body and
    headers: the last answer, or None when the client gave up or the connection failed."""
    session = getattr(_local, "session", None) or requests.Session()
    _local.session = session
    for _ in range(1 + RETRIES):
        try:
            response = session.request(method, url, timeout=90, **kwargs)
        except requests.RequestException as exc:
            with log.lock:
                log.problems.append(f"{operation}: {exc!r}")
            return None
        log.answer(operation, response)
        in_flight = response.status_code == 409 and "IDEMPOTENCY_IN_PROGRESS" in response.text
        if response.status_code != 503 and not in_flight:
            return response
        time.sleep(rng.uniform(0.05, 0.3))  # Retry-After says 5 s; a test can't wait that long
    with log.lock:
        log.gave_up[operation] += 1
    return None


def _journey(url: str, n: int, rooms: list[str], first, log: Log) -> None:
    """Search, book (a pinned room or a unit of the type), maybe pay, maybe cancel."""
    rng = random.Random(SEED * 1000 + n)
    attempt = Attempt(
        rng.choice(rooms) if rng.random() < 0.5 else None,
        first + timedelta(days=rng.randrange(DAYS)),
        rng.randint(1, 3),
    )
    body = attempt.body(n)
    dates = {"checkIn": body["checkIn"], "checkOut": body["checkOut"]}
    _call(log, "search", "POST", f"{url}/api/rooms/availability", rng, json=dates)
    key = uuid.uuid4().hex
    made = _call(
        log, "book", "POST", f"{url}/api/bookings", rng, json=body,
        headers={"Idempotency-Key": key},
    )  # fmt: skip
    if made is None or made.status_code != 201:
        return
    booking = made.json()
    booking_id, token = booking["bookingId"], booking.get("guestToken")
    with log.lock:
        log.created[booking_id] = attempt
    if not token:  # a replay: the token is handed out once
        return
    headers = {"X-Booking-Token": token}
    if rng.random() < 0.5:
        pay = {
            "bookingId": booking_id,
            "amount": booking["payment"]["dueNow"],
            "currency": booking["currency"],
            "paymentMethodId": "pm_card_visa",
        }
        paid = _call(
            log, "pay", "POST", f"{url}/api/payments", rng, json=pay,
            headers={**headers, "Idempotency-Key": uuid.uuid4().hex},
        )  # fmt: skip
        if paid is not None and paid.status_code == 201:
            with log.lock:
                log.paid.add(booking_id)
    if rng.random() < 0.3:
        cancel = f"{url}/api/bookings/{booking_id}/cancel"
        done = _call(log, "cancel", "POST", cancel, rng, headers=headers)
        if done is not None and done.status_code == 200:
            with log.lock:
                log.cancelled.add(booking_id)


@pytest.fixture
def faulty_server(make_room, tmp_path):
    """gunicorn whose DynamoDB endpoint is a fault proxy in front of this run's DynamoDB Local
    (the test process itself reads DynamoDB Local directly); the proxy starts faultless."""
    rooms = [make_room(roomId=f"R-FLT-{i}").roomId for i in range(ROOMS)]
    proxy = FaultProxy(suite_env()["DYNAMODB_ENDPOINT"], seed=SEED, delay=DELAY, kinds=WEIGHTS)
    proxy.start()
    env = suite_env(DYNAMODB_ENDPOINT=proxy.url)
    log_path = tmp_path / "server.log"
    try:
        server = start_gunicorn(port=free_port(), env=env, workers=2, threads=8, log_path=log_path)
    except BaseException:
        proxy.stop()
        raise
    yield server, proxy, rooms
    server.stop()
    proxy.stop()


def test_dynamodb_faults_answer_503_or_retry_and_never_half_write(
    faulty_server, capsys, reliability_report
):
    server, proxy, rooms = faulty_server
    first = (datetime.now(UTC) + timedelta(days=30)).date()
    log = Log()
    started = time.monotonic()
    proxy.rate = RATE
    with ThreadPoolExecutor(CLIENTS) as pool:
        runs = [pool.submit(_journey, server.url, n, rooms, first, log) for n in range(JOURNEYS)]
    for run in runs:
        run.result()
    proxy.rate = 0.0
    elapsed = time.monotonic() - started
    server.stop()  # nothing writes any more: the data can be checked
    proxy.stop()

    stored = list(Booking.scan(consistent_read=True))
    charges = _charges({b.bookingId for b in stored})
    report = _report(log, proxy, stored, charges, elapsed)
    with capsys.disabled():
        print(report)

    assert log.problems == [], log.problems[:10]
    assert sum(proxy.faults.values()) > 0.5 * RATE * proxy.requests.total(), report
    assert log.answers[("book", 201)] > 10, report
    assert inventory_violations(log.created) == []
    names = Counter(b.guestName for b in stored)
    assert [name for name, count in names.items() if count > 1] == []  # one booking per key
    status = {b.bookingId: b.status for b in stored}
    assert {b: status[b] for b in log.paid if status[b] not in (CONFIRMED, CANCELLED)} == {}
    assert {b: status[b] for b in log.cancelled if status[b] != CANCELLED} == {}
    assert {b: n for b, n in charges.items() if n > 1} == {}  # never charged twice
    _summarise(reliability_report, log, proxy)


def _summarise(report, log: Log, proxy: FaultProxy) -> None:
    section = f"DynamoDB faults ({RATE:.0%} of the app's DynamoDB requests spoilt)"
    kinds = Counter()
    for (kind, _operation), n in proxy.faults.items():
        kinds[kind] += n
    report.add(section, "requests to DynamoDB", proxy.requests.total())
    report.add(section, "faults injected", ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    classes = Counter()
    for (_operation, status), n in log.answers.items():
        classes["503 + Retry-After" if status == 503 else f"{status // 100}xx"] += n
    report.add(section, "answers", ", ".join(f"{k} {n:,}" for k, n in sorted(classes.items())))
    report.add(section, "half-written bookings, double charges", 0)
    report.add(section, "5xx", classes.get("5xx", 0))


def _charges(booking_ids: set[str]) -> Counter:
    """Succeeded PaymentIntents in localstripe per booking of `booking_ids`."""
    base = suite_env()["STRIPE_API_BASE"]
    listed = requests.get(
        f"{base}/v1/payment_intents", params={"limit": 100000}, auth=("sk_test_local", ""),
        timeout=30,
    ).json()  # fmt: skip
    assert not listed["has_more"]
    return Counter(
        i["metadata"].get("bookingId")
        for i in listed["data"]
        if i["status"] == "succeeded" and i["metadata"].get("bookingId") in booking_ids
    )


def _report(log: Log, proxy: FaultProxy, stored: list[Booking], charges, elapsed) -> str:
    statuses = sorted({status for _op, status in log.answers})
    table = defaultdict(dict)
    for (operation, status), count in log.answers.items():
        table[operation][status] = count
    lines = [f"\nDynamoDB faults at rate {RATE}: {JOURNEYS} journeys in {elapsed:.1f} s"]
    lines.append(f"{'answers':<10}" + "".join(f"{s:>7}" for s in statuses) + "  gave up")
    for operation in ("search", "book", "pay", "cancel"):
        row = "".join(f"{table[operation].get(s, 0):>7}" for s in statuses)
        lines.append(f"{operation:<10}{row}  {log.gave_up[operation]:>7}")
    answered = set(log.created)
    ghosts = [b.bookingId for b in stored if b.bookingId not in answered]
    lines.append(f"bookings stored {len(stored)}, answered 201 {len(answered)}, not answered "
                 f"(the client got no 201) {len(ghosts)}")  # fmt: skip
    unsettled = [b.bookingId for b in stored if charges[b.bookingId] and b.status == "pending"]
    lines.append(f"charged {len(charges)}, answered paid {len(log.paid)}, charged but still "
                 f"pending (for the payment webhook) {len(unsettled)}")  # fmt: skip
    refusals = ", ".join(f"{op} {code} {n}" for (op, code), n in sorted(log.refusals.items()))
    lines.append(f"4xx: {refusals}")
    lines.append(proxy.report())
    return "\n".join(lines)
