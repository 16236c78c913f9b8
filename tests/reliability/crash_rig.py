"""The machinery of the crash-point tests (test_crash_points.py): a gunicorn app server whose
DynamoDB endpoint is a fault proxy that SIGKILLs it at a chosen request, a stand-in for Stripe's
webhook retries, a client that behaves as API clients should after a crash, and the money
read from the three places it must agree: localstripe, DynamoDB and the booking's bill."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests
from django.conf import settings

from devtools.gunicorn_server import start_gunicorn
from devtools.services import Service, free_port, localstripe_webhook_register
from hotel.accounts import roles
from hotel.accounts.services import api_token_issue, staff_create
from payments.models import CHARGE, REFUNDABLE_STATUSES, REFUNDED, Payment

from .conftest import suite_env
from .fault_proxy import FaultProxy

LEASE_SECONDS = 1  # the server's HOTEL_IDEMPOTENCY_LEASE_SECONDS: a dead request's key frees
PATIENCE = 30.0  # seconds a client keeps retrying before the test fails
PAYMENT_EVENTS = ["payment_intent.succeeded", "payment_intent.payment_failed"]


class Rig:
    """One app server on a fixed port behind a fault proxy; `kill_at` arms a SIGKILL of its
    whole process group (master and workers) at a DynamoDB request, `restart` starts a
    fresh one on the same port. `statuses` lists every answer the clients got."""

    def __init__(self, log: Path) -> None:
        self.proxy = FaultProxy(os.environ["DYNAMODB_ENDPOINT"]).start()
        self.port, self.log = free_port(), log
        self.env = suite_env(
            DYNAMODB_ENDPOINT=self.proxy.url, HOTEL_IDEMPOTENCY_LEASE_SECONDS=str(LEASE_SECONDS)
        )
        self.server: Service | None = None
        self.url = f"http://127.0.0.1:{self.port}"
        self.answers: list[tuple[str, int]] = []
        self.kills = 0

    def start(self) -> Rig:
        self.server = start_gunicorn(
            port=self.port, env=self.env, workers=1, threads=4, log_path=self.log
        )
        return self

    restart = start

    def kill(self) -> None:
        assert self.server is not None
        os.killpg(self.server.process.pid, signal.SIGKILL)
        self.server.process.wait()
        self.kills += 1

    def kill_at(
        self, operation: str, *, matching: str, after: bool = False, nth: int = 1
    ) -> threading.Event:
        """SIGKILL the server at its `nth` next `operation` whose body holds `matching`:
        before DynamoDB sees it, or (`after`) once DynamoDB has done it, before the answer."""
        return self.proxy.on_request(operation, self.kill, matching=matching, after=after, nth=nth)

    def close(self) -> None:
        if self.server is not None:
            self.server.stop()
        self.proxy.stop()

    def send(self, method: str, path: str, **kwargs) -> requests.Response:
        """One request; its answer is noted (a transport error raises)."""
        response = requests.request(method, f"{self.url}{path}", timeout=60, **kwargs)
        self.answers.append((f"{method} {path}", response.status_code))
        return response

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        """What a well-behaved client does: retry, with the same body and Idempotency-Key,
        while the server is restarting, busy (503) or still holding the key of a request
        that died with it (409 IDEMPOTENCY_IN_PROGRESS, until the key's lease ends)."""
        deadline = time.monotonic() + PATIENCE
        while True:
            try:
                response = self.send(method, path, **kwargs)
            except requests.ConnectionError:
                response = None
            busy = response is None or response.status_code == 503
            busy |= response is not None and "IDEMPOTENCY_IN_PROGRESS" in response.text
            if not busy:
                return response
            assert time.monotonic() < deadline, f"{method} {path} never settled"
            time.sleep(0.25)

    def server_errors(self) -> list[tuple[str, int]]:
        return [(path, code) for path, code in self.answers if code >= 500]


def run_killed(rig: Rig, armed: threading.Event, request: Callable[[], object]) -> None:
    """Run `request` (the client's call the kill interrupts) until the armed kill fires; the
    client sees its connection drop."""
    failure: list[BaseException] = []

    def client() -> None:
        try:
            request()
        except requests.ConnectionError:
            return
        except BaseException as exc:  # noqa: BLE001 - reported below
            failure.append(exc)
        else:
            failure.append(AssertionError("the request was answered: the kill never came"))

    thread = threading.Thread(target=client, daemon=True)
    thread.start()
    assert armed.wait(PATIENCE), "the server was never killed at the chosen point"
    thread.join(PATIENCE)
    assert not failure, failure


@dataclass
class Delivery:
    event_id: str
    type: str
    booking_id: str | None
    status: int | None  # the app's answer; None: the app was down (the event is lost)
    body: bytes = field(repr=False)
    signature: str = field(repr=False)


class WebhookRelay:
    """localstripe's webhooks go through here to the app: it notes each delivery and can send
    a failed one again, as Stripe retries a webhook that got no 2xx (localstripe does not)."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.deliveries: list[Delivery] = []
        self.lock = threading.Lock()
        relay = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = relay.deliver(body, self.headers.get("Stripe-Signature", ""))
                self.send_response(status or 502)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhooks/stripe"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.name = f"crash-points-{os.getpid()}"
        self._register(PAYMENT_EVENTS)

    def _register(self, events: list[str]) -> None:
        localstripe_webhook_register(
            settings.STRIPE_API_BASE,
            name=self.name,
            url=self.url,
            secret=settings.STRIPE_WEBHOOK_SECRET,
            events=events,
        )

    def deliver(self, body: bytes, signature: str, *, note: bool = True) -> int | None:
        event = json.loads(body)
        try:
            status = requests.post(
                self.target,
                data=body,
                headers={"Stripe-Signature": signature, "Content-Type": "application/json"},
                timeout=60,
            ).status_code
        except requests.ConnectionError:
            status = None
        if note:
            metadata = event.get("data", {}).get("object", {}).get("metadata") or {}
            booking = metadata.get("bookingId")
            delivery = Delivery(event["id"], event["type"], booking, status, body, signature)
            with self.lock:
                self.deliveries.append(delivery)
        return status

    def wait_for(self, booking_id: str, event_type: str = PAYMENT_EVENTS[0]) -> Delivery:
        """The first delivery (or attempt) of `event_type` about `booking_id`'s payment."""
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline:
            with self.lock:
                for d in self.deliveries:
                    if d.booking_id == booking_id and d.type == event_type:
                        return d
            time.sleep(0.05)
        raise AssertionError(f"localstripe sent no {event_type} for {booking_id}")

    def redeliver(self, delivery: Delivery) -> int | None:
        """Stripe's retry of a delivery that failed: the same event, signed as before."""
        return self.deliver(delivery.body, delivery.signature, note=False)

    def close(self) -> None:
        self._register([])  # localstripe is shared by the whole run: mute this registration
        self.server.shutdown()
        self.server.server_close()


def stripe_card(number: str) -> str:
    """A PaymentMethod at localstripe (what Stripe.js makes in the guest's browser)."""
    card = {"number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123"}
    data = {"type": "card", **{f"card[{k}]": v for k, v in card.items()}}
    return _stripe("POST", "/v1/payment_methods", data=data)["id"]


def stripe_authenticate(intent_id: str, client_secret: str) -> None:
    """The guest passes 3-D Secure (what Stripe.js confirmCardPayment does)."""
    data = {"client_secret": client_secret, "success": "true"}
    _stripe("POST", f"/v1/payment_intents/{intent_id}/_authenticate", data=data, public=True)


def _stripe(method: str, path: str, *, public: bool = False, **kwargs) -> dict:
    key = settings.STRIPE_PUBLISHABLE_KEY if public else settings.STRIPE_SECRET_KEY
    if public:
        kwargs["data"] = {**kwargs["data"], "key": key}
    response = requests.request(
        method, f"{settings.STRIPE_API_BASE}{path}", auth=(key, ""), timeout=30, **kwargs
    )
    assert response.status_code == 200, response.text
    return response.json()


def manager_headers() -> dict[str, str]:
    user = staff_create(
        email=f"crash-manager-{time.monotonic_ns()}@staff.test",
        password="correct-horse-battery-9",
        role=roles.MANAGER,
        now=datetime.now(UTC),
    )
    token = api_token_issue(user=user, now=datetime.now(UTC)).token
    return {"Authorization": f"Bearer {token}"}


@dataclass(frozen=True)
class Money:
    """A booking's card money (minor units): taken and refunded, as one place records it."""

    taken: int
    refunded: int


def money_at_stripe(booking_id: str) -> Money:
    """Succeeded PaymentIntents of the booking at localstripe and their refunds."""
    base, auth = settings.STRIPE_API_BASE, (settings.STRIPE_SECRET_KEY, "")
    listed = requests.get(
        f"{base}/v1/payment_intents", params={"limit": 100000}, auth=auth, timeout=30
    ).json()
    taken = refunded = 0
    for intent in listed["data"]:
        if intent["metadata"].get("bookingId") != booking_id or intent["status"] != "succeeded":
            continue
        taken += intent["amount"]
        refunds = requests.get(
            f"{base}/v1/refunds",
            params={"payment_intent": intent["id"], "limit": 100},
            auth=auth,
            timeout=30,
        ).json()["data"]
        refunded += sum(r["amount"] for r in refunds if r["status"] in ("succeeded", "pending"))
    return Money(taken, refunded)


def money_in_dynamodb(booking_id: str) -> Money:
    """The booking's Payment items that took money, and what they record as refunded."""
    paid = [
        p
        for p in Payment.by_booking.query(booking_id)
        if (p.kind or CHARGE) == CHARGE and p.status in (*REFUNDABLE_STATUSES, REFUNDED)
    ]
    return Money(sum(p.amount for p in paid), sum(p.refundedAmount for p in paid))


def money_on_bill(rig: Rig, booking_id: str, headers: dict[str, str]) -> Money:
    """The card payment and refund lines of the booking's bill (GET …/folio as a manager),
    reversals netted out."""
    bill = rig.call("GET", f"/api/bookings/{booking_id}/folio", headers=headers)
    assert bill.status_code == 200, bill.text
    lines = [line for folio in bill.json()["folios"] for line in folio["lines"]]
    live = [line for line in lines if not line["reversed"] and line["kind"] != "reversal"]
    card = [line for line in live if line["method"] in ("card", "card_on_file")]
    return Money(
        sum(line["amount"] for line in card if line["kind"] == "payment"),
        sum(line["amount"] for line in card if line["kind"] == "refund"),
    )
