"""The mixed storm's clients: guests and staff doing everything a hotel's day holds, at once,
over HTTP, on a hotel small enough that most operations contend.

Each operation picks its target among the stays the clients know (under a lock, as a
guest's phone or a clerk's screen would), sends one request (two for a check-out: the cash
for the balance, then the status) and records the answer and what a 2xx promised (`Ledger`
.effects), which the test then finds in the data. A 5xx, an answer outside the error shape,
or a connection failure is a problem; any 4xx in the error shape is a legitimate refusal.
"""

from __future__ import annotations

import json
import random
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

import requests

from .helpers import _session

VISA = "pm_card_visa"


@dataclass
class Stay:
    """A booking as its guest and the desk know it."""

    booking_id: str
    token: str
    room_type: str
    reservation_id: str | None = None
    status: str = "pending"  # what the clients last saw
    transactions: list[str] = field(default_factory=list)


@dataclass
class Ledger:
    answers: Counter = field(default_factory=Counter)  # (operation, status) -> count
    refusals: Counter = field(default_factory=Counter)  # (operation, error code) -> count
    problems: list[str] = field(default_factory=list)
    stays: dict[str, Stay] = field(default_factory=dict)
    effects: list[tuple] = field(default_factory=list)  # what each 2xx promised
    three_ds: list[tuple[str, str]] = field(default_factory=list)  # (intent, client secret)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def pick(self, rng: random.Random, *statuses: str) -> Stay | None:
        with self.lock:
            found = [s for s in self.stays.values() if not statuses or s.status in statuses]
        return rng.choice(found) if found else None

    def promise(self, *effect) -> None:
        with self.lock:
            self.effects.append(effect)


@dataclass
class Hotel:
    """What the clients need to know: the server, the staff's token, the rooms and dates."""

    url: str
    staff_token: str
    rooms: dict[str, list[str]]  # room type -> room ids
    first: date
    days: int
    stripe_base: str
    publishable_key: str
    secret_key: str  # what the test uses to stand in for Stripe.js's card collection

    @property
    def staff(self) -> dict:
        return {"Authorization": f"Bearer {self.staff_token}"}


def _send(ledger: Ledger, operation: str, method: str, url: str, **kwargs):
    try:
        response = _session().request(method, url, timeout=60, **kwargs)
    except requests.RequestException as exc:
        with ledger.lock:
            ledger.problems.append(f"{operation}: {exc!r}")
        return None
    problem, code = None, None
    if response.status_code >= 500:
        problem = f"{response.status_code} {response.text[:300]}"
    elif response.status_code >= 400:
        try:
            code = response.json()["error"]["code"]
        except (ValueError, KeyError, TypeError):
            problem = f"{response.status_code} outside the error shape: {response.text[:300]}"
    with ledger.lock:
        ledger.answers[(operation, response.status_code)] += 1
        if code:
            ledger.refusals[(operation, code)] += 1
        if problem:
            ledger.problems.append(f"{operation}: {problem}")
    return response


def _dates(hotel: Hotel, rng: random.Random) -> tuple[str, str]:
    start = hotel.first + timedelta(days=rng.randrange(hotel.days - 1))
    nights = rng.randint(1, min(3, (hotel.first + timedelta(days=hotel.days) - start).days))
    return start.isoformat(), (start + timedelta(days=nights)).isoformat()


def _guest(n: int) -> dict:
    return {"guestName": f"Storm Guest {n}", "guestEmail": f"storm{n}@guest.test"}


def book(hotel: Hotel, ledger: Ledger, rng: random.Random, n: int, *, pinned: bool) -> None:
    room_type = rng.choice(sorted(hotel.rooms))
    check_in, check_out = _dates(hotel, rng)
    where = {"roomId": rng.choice(hotel.rooms[room_type])} if pinned else {"roomType": room_type}
    body = {**where, "checkIn": check_in, "checkOut": check_out, "guests": 1, **_guest(n)}
    operation = "book room" if pinned else "book type"
    response = _send(
        ledger, operation, "POST", f"{hotel.url}/api/bookings", json=body,
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )  # fmt: skip
    if response is not None and response.status_code == 201:
        made = response.json()
        with ledger.lock:
            ledger.stays[made["bookingId"]] = Stay(made["bookingId"], made["guestToken"], room_type)
        ledger.promise("booked", made["bookingId"], where, check_in, check_out)


def reserve(hotel: Hotel, ledger: Ledger, rng: random.Random, n: int) -> None:
    check_in, check_out = _dates(hotel, rng)
    types = [rng.choice(sorted(hotel.rooms)) for _ in range(2)]
    body = {
        "booker": {"name": f"Storm Booker {n}", "email": f"booker{n}@guest.test"},
        "stays": [
            {"roomType": t, "adults": 1, "checkIn": check_in, "checkOut": check_out} for t in types
        ],
    }
    response = _send(ledger, "reserve 2 rooms", "POST", f"{hotel.url}/api/reservations", json=body)
    if response is not None and response.status_code == 201:
        made = response.json()
        with ledger.lock:
            for stay in made["stays"]:
                ledger.stays[stay["bookingId"]] = Stay(
                    stay["bookingId"], made["guestToken"], stay["roomType"],
                    reservation_id=made["reservationId"],
                )  # fmt: skip
        for stay in made["stays"]:
            ledger.promise("booked", stay["bookingId"], None, check_in, check_out)


def pay(hotel: Hotel, ledger: Ledger, rng: random.Random, n: int) -> None:
    """The guest reads the booking (its dueNow now), then pays it: a plain card, or one that
    asks for 3-D Secure (202: the guest authenticates, the webhook confirms)."""
    stay = ledger.pick(rng, "pending")
    if stay is None:
        return
    headers = {"X-Booking-Token": stay.token}
    read = _send(
        ledger, "read booking", "GET", f"{hotel.url}/api/bookings/{stay.booking_id}",
        headers=headers,
    )  # fmt: skip
    if read is None or read.status_code != 200:
        return
    booking = read.json()
    with ledger.lock:
        stay.status = booking["status"]
    if booking["status"] != "pending":
        return  # paid by a 3-D Secure webhook, expired or cancelled meanwhile
    three_ds = rng.random() < 0.2
    method = _three_ds_method(hotel) if three_ds else VISA
    body = {
        "bookingId": stay.booking_id,
        "amount": booking["payment"]["dueNow"],
        "currency": booking["currency"],
        "paymentMethodId": method,
    }
    operation = "pay (3-D Secure)" if three_ds else "pay"
    response = _send(
        ledger, operation, "POST", f"{hotel.url}/api/payments", json=body,
        headers={**headers, "Idempotency-Key": uuid.uuid4().hex},
    )  # fmt: skip
    if response is None or response.status_code not in (201, 202):
        return
    paid = response.json()
    with ledger.lock:
        stay.transactions.append(paid["transactionId"])
        if response.status_code == 201:
            stay.status = "confirmed"
    if response.status_code == 201:
        ledger.promise("paid", paid["transactionId"])
    else:
        intent, secret = paid["stripePaymentIntentId"], paid["clientSecret"]
        if _authenticate(hotel, intent, secret):
            with ledger.lock:
                ledger.three_ds.append((intent, paid["transactionId"]))


def _stripe_post(url: str, **kwargs) -> requests.Response:
    """A call to localstripe (the guest's browser, not the app): a fresh connection each time,
    so no kept-alive socket that aiohttp closed after 75 idle seconds is reused (a reset
    failed two CI runs), and one retry if the connection drops all the same."""
    for attempt in range(3):
        try:
            return requests.post(url, timeout=30, headers={"Connection": "close"}, **kwargs)
        except requests.ConnectionError:
            if attempt == 2:
                raise
            time.sleep(0.5)
    raise AssertionError("unreachable")


def _three_ds_method(hotel: Hotel) -> str:
    response = _stripe_post(
        f"{hotel.stripe_base}/v1/payment_methods",
        data={
            "type": "card",
            "card[number]": "4000002760003184",
            "card[exp_month]": "12",
            "card[exp_year]": "2034",
            "card[cvc]": "123",
        },
        auth=(hotel.secret_key, ""),
    )
    return response.json()["id"]


def _authenticate(hotel: Hotel, intent: str, secret: str) -> bool:
    """What Stripe.js confirmCardPayment does once the guest passes 3-D Secure."""
    response = _stripe_post(
        f"{hotel.stripe_base}/v1/payment_intents/{intent}/_authenticate",
        data={"client_secret": secret, "success": "true", "key": hotel.publishable_key},
    )
    return response.status_code == 200


def cancel(hotel: Hotel, ledger: Ledger, rng: random.Random, n: int) -> None:
    stay = ledger.pick(rng, "pending", "confirmed")
    if stay is None:
        return
    response = _send(
        ledger, "cancel (guest)", "POST", f"{hotel.url}/api/bookings/{stay.booking_id}/cancel",
        headers={"X-Booking-Token": stay.token},
    )  # fmt: skip
    if response is not None and response.status_code == 200:
        with ledger.lock:
            stay.status = "cancelled"
        ledger.promise("status", stay.booking_id, {"cancelled"})


def change(hotel: Hotel, ledger: Ledger, rng: random.Random, n: int) -> None:
    stay = ledger.pick(rng, "pending", "confirmed")
    if stay is None:
        return
    check_in, check_out = _dates(hotel, rng)
    response = _send(
        ledger, "change dates (desk)", "POST",
        f"{hotel.url}/api/bookings/{stay.booking_id}/change",
        json={"checkIn": check_in, "checkOut": check_out}, headers=hotel.staff,
    )  # fmt: skip
    if response is not None and response.status_code == 200:
        ledger.promise("changed", stay.booking_id, check_in, check_out)


def move(hotel: Hotel, ledger: Ledger, rng: random.Random, n: int) -> None:
    stay = ledger.pick(rng, "pending", "confirmed", "checked-in")
    if stay is None:
        return
    room = rng.choice(hotel.rooms[stay.room_type])
    response = _send(
        ledger, "move room (desk)", "PUT", f"{hotel.url}/api/bookings/{stay.booking_id}/room",
        json={"roomId": room}, headers=hotel.staff,
    )  # fmt: skip
    if response is not None and response.status_code == 200:
        ledger.promise("moved", stay.booking_id, room)


def refund(hotel: Hotel, ledger: Ledger, rng: random.Random, n: int) -> None:
    stay = ledger.pick(rng, "confirmed", "checked-in", "checked-out", "cancelled")
    if stay is None or not stay.transactions:
        return
    txn = rng.choice(stay.transactions)
    response = _send(
        ledger, "refund part (manager)", "POST", f"{hotel.url}/api/payments/{txn}/refund",
        json={"amount": rng.choice((100, 500, 1000))}, headers=hotel.staff,
    )  # fmt: skip
    if response is not None and response.status_code in (200, 201):
        ledger.promise("refunded", txn, response.json()["refundedAmount"])


def post_charge(hotel: Hotel, ledger: Ledger, rng: random.Random, n: int) -> None:
    stay = ledger.pick(rng, "confirmed", "checked-in")
    if stay is None:
        return
    body = {"description": "Minibar", "amount": rng.choice((350, 800)), "category": "minibar"}
    response = _send(
        ledger, "folio charge (desk)", "POST",
        f"{hotel.url}/api/bookings/{stay.booking_id}/folio/charges", json=body,
        headers={**hotel.staff, "Idempotency-Key": uuid.uuid4().hex},
    )  # fmt: skip
    if response is not None and response.status_code == 201:
        ledger.promise("line", stay.booking_id, response.json()["lineId"])


def post_cash(hotel: Hotel, ledger: Ledger, rng: random.Random, n: int, amount=None) -> bool:
    stay = ledger.pick(rng, "confirmed", "checked-in")
    if stay is None:
        return False
    return _cash(hotel, ledger, stay, amount or rng.choice((500, 1000)))


def _cash(hotel: Hotel, ledger: Ledger, stay: Stay, amount: int) -> bool:
    response = _send(
        ledger, "folio cash (desk)", "POST",
        f"{hotel.url}/api/bookings/{stay.booking_id}/folio/payments",
        json={"amount": amount, "method": "cash"},
        headers={**hotel.staff, "Idempotency-Key": uuid.uuid4().hex},
    )  # fmt: skip
    if response is not None and response.status_code == 201:
        ledger.promise("line", stay.booking_id, response.json()["lineId"])
        return True
    return False


def assign(hotel: Hotel, ledger: Ledger, rng: random.Random, n: int) -> None:
    start = hotel.first + timedelta(days=rng.randrange(hotel.days))
    body = {"from": start.isoformat(), "to": (start + timedelta(days=3)).isoformat()}
    response = _send(
        ledger, "assign rooms (desk)", "POST", f"{hotel.url}/api/room-assignments", json=body,
        headers=hotel.staff,
    )  # fmt: skip
    if response is not None and response.status_code == 200:
        for placed in response.json()["assigned"]:
            ledger.promise("assigned", placed["bookingId"], placed["roomId"])


def _status(hotel: Hotel, ledger: Ledger, stay: Stay, status: str, operation: str, **extra) -> bool:
    response = _send(
        ledger, operation, "PUT", f"{hotel.url}/api/bookings/{stay.booking_id}/status",
        json={"status": status, **extra}, headers=hotel.staff,
    )  # fmt: skip
    if response is not None and response.status_code == 200:
        with ledger.lock:
            stay.status = status
        later = {"checked-in": {"checked-in", "checked-out"}, "checked-out": {"checked-out"}}
        ledger.promise("status", stay.booking_id, later[status])
        return True
    return False


def check_in(hotel: Hotel, ledger: Ledger, rng: random.Random, n: int) -> None:
    stay = ledger.pick(rng, "confirmed")
    if stay is not None:  # half the time the clerk has seen the room and takes it dirty
        override = {"overrideHousekeeping": True} if rng.random() < 0.5 else {}
        _status(hotel, ledger, stay, "checked-in", "check in (desk)", **override)


def check_out(hotel: Hotel, ledger: Ledger, rng: random.Random, n: int) -> None:
    """Read the bill, take its balance in cash, check the guest out."""
    stay = ledger.pick(rng, "checked-in")
    if stay is None:
        return
    bill = _send(
        ledger, "read bill (desk)", "GET", f"{hotel.url}/api/bookings/{stay.booking_id}/folio",
        headers=hotel.staff,
    )  # fmt: skip
    if bill is None or bill.status_code != 200:
        return
    balance = bill.json()["balance"]
    if balance > 0:
        _cash(hotel, ledger, stay, balance)
    _status(hotel, ledger, stay, "checked-out", "check out (desk)")


def search(hotel: Hotel, ledger: Ledger, rng: random.Random, n: int) -> None:
    check_in, check_out = _dates(hotel, rng)
    _send(
        ledger, "search", "POST", f"{hotel.url}/api/rooms/availability",
        json={"checkIn": check_in, "checkOut": check_out},
    )  # fmt: skip


OPERATIONS = {  # name -> (weight, client)
    "book type": (12, lambda h, led, r, n: book(h, led, r, n, pinned=False)),
    "book room": (7, lambda h, led, r, n: book(h, led, r, n, pinned=True)),
    "reserve": (3, reserve),
    "pay": (16, pay),
    "cancel": (6, cancel),
    "change": (8, change),
    "move": (6, move),
    "refund": (4, refund),
    "folio charge": (8, post_charge),
    "folio cash": (4, post_cash),
    "assign": (3, assign),
    "check in": (6, check_in),
    "check out": (5, check_out),
    "search": (12, search),
}


_NAMES = list(OPERATIONS)
_WEIGHTS = [OPERATIONS[name][0] for name in _NAMES]
# The answers' labels (Ledger.answers): every one of them must succeed at least once.
OPERATION_LABELS = (
    "book type", "book room", "reserve 2 rooms", "read booking", "pay", "pay (3-D Secure)",
    "cancel (guest)", "change dates (desk)", "move room (desk)", "refund part (manager)",
    "folio charge (desk)", "folio cash (desk)", "assign rooms (desk)", "check in (desk)",
    "read bill (desk)", "check out (desk)", "search",
)  # fmt: skip


def run(hotel: Hotel, ledger: Ledger, seed: int, n: int) -> None:
    """The storm's operation number `n`: drawn from the weights, with its own seeded rng."""
    rng = random.Random(seed * 1_000_003 + n)
    name = rng.choices(_NAMES, weights=_WEIGHTS)[0]
    OPERATIONS[name][1](hotel, ledger, rng, n)


def requests_sent(ledger: Ledger) -> int:
    return sum(ledger.answers.values())


def dump(ledger: Ledger) -> str:
    return json.dumps({f"{op} {status}": n for (op, status), n in sorted(ledger.answers.items())})
