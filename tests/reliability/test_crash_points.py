"""kill -9 of the app server at chosen points of a booking, a payment, a webhook, a date
change, a cancel with refund and a night audit (issue 21). A fault proxy between gunicorn
and DynamoDB Local SIGKILLs the server's whole process group when the chosen DynamoDB
request arrives (before DynamoDB sees it) or once DynamoDB has done it (before the answer).
Then the server starts again on the same port and what a hotel runs anyway reconciles: the
client's retry with the same Idempotency-Key, Stripe's retry of a webhook, the
reconcile_payments job, the night audit's next run. Each point checks the inventory whole,
no 5xx after the restart, and the money the provider took (and refunded) equal to what the
payments in DynamoDB record and to the card lines of the booking's bill; it prints what
happened and what recovered it, and adds that to the run's reliability summary.
"""

from __future__ import annotations

import io
import uuid
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from bookings.clock import hotel_today
from bookings.models import CANCELLED, CHECKED_IN, CONFIRMED, NO_SHOW, Booking
from bookings.services import booking_create, booking_transition
from payments.folio.models import Folio, FolioLine
from payments.folio.stay_lines import live_lines
from payments.models import COMPLETED, Payment, ProcessedWebhookEvent
from payments.night_audit.selectors import business_day_get

from .crash_rig import (
    Rig,
    WebhookRelay,
    manager_headers,
    money_at_stripe,
    money_in_dynamodb,
    money_on_bill,
    run_killed,
    stripe_authenticate,
    stripe_card,
)
from .helpers import Attempt, inventory_violations

pytestmark = pytest.mark.reliability

SECTION = "crash points"
ROOMS = ("R-KILL-1", "R-KILL-2", "R-KILL-3")  # the same rooms in every case: one server
THREE_D_SECURE = "4000002760003184"
TX = "TransactWriteItems"


@pytest.fixture(scope="module")
def rig(_tables, tmp_path_factory):
    """One server for the module (each case kills it and starts the next one), with
    localstripe's payment webhooks relayed to it."""
    rig = Rig(tmp_path_factory.mktemp("crash-points") / "server.log").start()
    rig.relay = WebhookRelay(f"{rig.url}/webhooks/stripe")
    yield rig
    rig.relay.close()
    rig.close()


@pytest.fixture
def point(rig, make_room, reliability_report, capsys):
    """Rooms for the case; `point.done(name, happened, recovered)` checks what every case
    must hold after the restart and reports the point."""
    for room in ROOMS:
        make_room(roomId=room)
    rig.answers.clear()
    rig.proxy.unhook()  # a kill a failed case armed and never reached
    if rig.server.process.poll() is not None:
        rig.restart()  # a failed case left it dead

    class Point:
        def done(self, name: str, happened: str, recovered: str) -> None:
            assert rig.server_errors() == [], rig.server_errors()
            assert inventory_violations() == []
            reliability_report.add(SECTION, name, recovered)
            with capsys.disabled():
                print(f"\n  crash point: {name}\n    what happened: {happened}")
                print(f"    recovered by:  {recovered}")

    return Point()


def _stay(days: int = 40, nights: int = 2, room: str = ROOMS[0]) -> Attempt:
    return Attempt(room, (datetime.now(UTC) + timedelta(days=days)).date(), nights)


def _book(rig: Rig, attempt: Attempt, key: str | None = None) -> dict:
    headers = {"Idempotency-Key": key or uuid.uuid4().hex}
    made = rig.call("POST", "/api/bookings", json=attempt.body(1), headers=headers)
    assert made.status_code == 201, made.text
    return made.json()


def _pay_body(booking: dict, payment_method: str = "pm_card_visa") -> dict:
    due = booking["payment"]["dueNow"]
    return {
        "bookingId": booking["bookingId"],
        "amount": due,
        "currency": booking["currency"],
        "paymentMethodId": payment_method,
    }


def _money_agrees(rig: Rig, booking_id: str) -> str:
    """Provider = DynamoDB = bill, and money was taken; a short account of it."""
    stripe, stored = money_at_stripe(booking_id), money_in_dynamodb(booking_id)
    bill = money_on_bill(rig, booking_id, manager_headers())
    assert stripe == stored == bill, (stripe, stored, bill)
    assert stripe.taken > 0
    return f"taken {stripe.taken}, refunded {stripe.refunded} (provider = DynamoDB = bill)"


# --- 1, 2: a booking ---------------------------------------------------------------------------


@pytest.mark.parametrize("after", [False, True], ids=["before-commit", "after-commit"])
def test_booking_create(rig, point, after):
    attempt, key = _stay(), uuid.uuid4().hex
    armed = rig.kill_at(TX, matching="Storm Guest 1", after=after)
    headers = {"Idempotency-Key": key}
    run_killed(
        rig, armed, lambda: rig.send("POST", "/api/bookings", json=attempt.body(1), headers=headers)
    )
    committed = [b.bookingId for b in Booking.scan(consistent_read=True)]
    assert len(committed) == (1 if after else 0)

    rig.restart()
    made = _book(rig, attempt, key)  # the client's retry, same key and body

    assert [b.bookingId for b in Booking.scan(consistent_read=True)] == [made["bookingId"]]
    assert committed in ([], [made["bookingId"]])
    assert inventory_violations({made["bookingId"]: attempt}) == []
    if after:
        point.done(
            "booking create: committed, killed before the answer",
            "the booking was stored; the client got no answer",
            "client retry, same Idempotency-Key: the same booking (from the key's mark)",
        )
    else:
        point.done(
            "booking create: killed before its transaction",
            "nothing stored; the key stayed claimed by the dead request",
            "client retry, same Idempotency-Key: one booking (key taken over after its lease)",
        )


# --- 3, 4: a payment, its webhook --------------------------------------------------------------


def test_payment_charged_then_killed_before_its_record(rig, point):
    booking, key = _book(rig, _stay()), uuid.uuid4().hex
    pay = {
        "json": _pay_body(booking),
        "headers": {"X-Booking-Token": booking["guestToken"], "Idempotency-Key": key},
    }
    armed = rig.kill_at(TX, matching="status:completed")  # the settlement's write
    run_killed(rig, armed, lambda: rig.send("POST", "/api/payments", **pay))
    lost = rig.relay.wait_for(booking["bookingId"])  # localstripe's webhook, 1 s later
    assert lost.status is None, "the webhook reached a server that should be dead"
    rig.restart()
    booking_id = booking["bookingId"]
    taken = money_at_stripe(booking_id).taken
    assert taken > 0 and money_in_dynamodb(booking_id).taken == 0  # money taken, unrecorded

    out = io.StringIO()
    call_command("reconcile_payments", "--minutes", "0", stdout=out)  # the 10-minute job
    retried = rig.call("POST", "/api/payments", **pay)  # the client's retry, same key

    assert "completed 1" in out.getvalue(), out.getvalue()
    assert retried.status_code == 201 and retried.json()["status"] == COMPLETED, retried.text
    assert Booking.get(booking_id, consistent_read=True).status == CONFIRMED
    point.done(
        "payment: charged, killed before the DynamoDB write",
        f"{taken} taken at the provider, payment still pending; its webhook found the server "
        "dead (lost)",
        f"reconcile_payments job ({_money_agrees(rig, booking_id)}); the client's retry "
        "answers the completed payment",
    )


def test_webhook_killed_in_its_dynamodb_write(rig, point):
    booking = _book(rig, _stay())
    booking_id = booking["bookingId"]
    headers = {"X-Booking-Token": booking["guestToken"], "Idempotency-Key": uuid.uuid4().hex}
    body = _pay_body(booking, stripe_card(THREE_D_SECURE))
    waiting = rig.call("POST", "/api/payments", json=body, headers=headers)
    assert waiting.status_code == 202, waiting.text
    intent_id = waiting.json()["stripePaymentIntentId"]
    armed = rig.kill_at(TX, matching="status:completed")
    stripe_authenticate(intent_id, waiting.json()["clientSecret"])  # the guest passes 3DS
    assert armed.wait(30), "the webhook never reached its write"
    killed = rig.relay.wait_for(booking_id)
    assert killed.status is None
    record = ProcessedWebhookEvent.get(killed.event_id, consistent_read=True)
    assert record.outcome is None  # recorded as received, never handled to the end
    rig.restart()

    assert rig.relay.redeliver(killed) == 200  # Stripe retries a webhook that got no 2xx

    assert Booking.get(booking_id, consistent_read=True).status == CONFIRMED
    [payment] = Payment.by_booking.query(booking_id)
    assert payment.status == COMPLETED
    point.done(
        "payment webhook: killed in its DynamoDB write",
        "3-D Secure passed at the provider; the webhook's settlement never reached DynamoDB, "
        "its event recorded as received",
        f"Stripe's retry of the webhook, handled again ({_money_agrees(rig, booking_id)})",
    )


# --- 5: a date change -------------------------------------------------------------------------


def test_date_change_committed_then_killed(rig, point):
    before = _stay(days=50)
    booking = _book(rig, before)
    booking_id, token = booking["bookingId"], {"X-Booking-Token": booking["guestToken"]}
    after = Attempt(before.room_id, before.check_in + timedelta(days=3), before.nights)
    dates = {"checkIn": after.body(1)["checkIn"], "checkOut": after.body(1)["checkOut"]}
    armed = rig.kill_at(TX, matching=booking_id, after=True)
    run_killed(
        rig, armed, lambda: rig.send(
            "POST", f"/api/bookings/{booking_id}/change", json=dates, headers=token
        )
    )  # fmt: skip
    rig.restart()

    seen = rig.call("GET", f"/api/bookings/{booking_id}", headers=token)  # the client looks
    again = rig.call("POST", f"/api/bookings/{booking_id}/change", json=dates, headers=token)

    assert seen.status_code == 200 and seen.json()["checkIn"] == dates["checkIn"]
    assert again.status_code < 500
    assert inventory_violations({booking_id: after}) == []
    point.done(
        "booking change (dates): committed, killed before the answer",
        "the move is one transaction: the booking and its nights moved together",
        "nothing to repair; the client reads the new dates (its retry answers "
        f"{again.status_code})",
    )


# --- 6, 7: a cancel with its refund --------------------------------------------------------------


def _paid_booking(rig: Rig) -> tuple[str, dict]:
    booking = _book(rig, _stay(days=60))
    token = {"X-Booking-Token": booking["guestToken"]}
    paid = rig.call("POST", "/api/payments", json=_pay_body(booking), headers=token)
    assert paid.status_code == 201, paid.text
    return booking["bookingId"], token


def _reconcile() -> str:
    out = io.StringIO()
    call_command("reconcile_payments", "--minutes", "0", stdout=out)  # the 10-minute job
    return out.getvalue()


def test_cancel_committed_then_killed_before_the_provider_is_asked(rig, point):
    booking_id, token = _paid_booking(rig)
    armed = rig.kill_at(TX, matching="cancel:refund", after=True)  # the cancel's transaction
    run_killed(
        rig, armed, lambda: rig.send("POST", f"/api/bookings/{booking_id}/cancel", headers=token)
    )
    rig.restart()
    assert money_at_stripe(booking_id).refunded == 0  # the provider was never asked
    [owed] = Payment.by_booking.query(booking_id)
    assert owed.refundOwed == "owed" and owed.refundedAmount == owed.amount

    job = _reconcile()

    assert f"refund-sent: {owed.transactionId}" in job, job
    seen = rig.call("GET", f"/api/bookings/{booking_id}", headers=token)
    assert seen.status_code == 200 and seen.json()["status"] == CANCELLED
    assert money_at_stripe(booking_id).refunded == owed.amount
    point.done(
        "cancel with refund: committed, killed before the provider was asked",
        "booking cancelled and its refund reserved (owed) in the same transaction; nothing "
        "refunded at the provider",
        f"reconcile_payments job made the refund owed ({_money_agrees(rig, booking_id)})",
    )


def test_cancel_refunded_then_killed_before_the_refund_id_is_recorded(rig, point):
    booking_id, token = _paid_booking(rig)
    armed = rig.kill_at("UpdateItem", matching='"re_')  # the refund id, noted after Stripe's
    run_killed(
        rig, armed, lambda: rig.send("POST", f"/api/bookings/{booking_id}/cancel", headers=token)
    )
    rig.restart()

    seen = rig.call("GET", f"/api/bookings/{booking_id}", headers=token)

    assert seen.status_code == 200 and seen.json()["status"] == CANCELLED
    [payment] = Payment.by_booking.query(booking_id)
    assert payment.refundedAmount == payment.amount
    assert [r["refundId"] for r in payment.refunds] == [None]  # reserved, id never noted
    job = _reconcile()
    assert f"refund-found: {payment.transactionId}" in job, job
    [payment] = Payment.by_booking.query(booking_id)
    assert payment.refunds[0]["refundId"].startswith("re_") and payment.refundOwed is None
    point.done(
        "cancel with refund: refunded, killed before the refund's record",
        "booking cancelled, the provider refunded; the refund's id was never noted",
        "the refund was reserved before the provider was asked; reconcile_payments found it "
        f"at the provider and noted its id ({_money_agrees(rig, booking_id)})",
    )


# --- 8: the night audit -----------------------------------------------------------------------


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _past_day() -> tuple[date, list[str]]:
    """Day D, 20 days ago: A in house over D; B and C confirmed for D, never came (the audit
    makes them no-shows, and each no-show's bill gets its nights reversed and its fee)."""
    day = hotel_today(timezone.now()) - timedelta(days=20)
    created, ids = _at(day - timedelta(days=5), 9), []
    for room, start, nights, name in (
        (ROOMS[0], day - timedelta(days=1), 2, "Ada"),
        (ROOMS[1], day, 1, "Bob"),
        (ROOMS[2], day, 2, "Cy"),
    ):
        booking = booking_create(
            room_id=room,
            check_in=start,
            check_out=start + timedelta(days=nights),
            guests=1,
            guest_name=name,
            guest_email=f"{name.lower()}@guest.test",
            actor="desk@staff.test",
            now=created,
        ).booking
        booking_transition(
            booking_id=booking.bookingId, to_status=CONFIRMED, actor="desk", now=created
        )
        ids.append(booking.bookingId)
    booking_transition(
        booking_id=ids[0], to_status=CHECKED_IN, actor="desk", now=_at(day - timedelta(days=1), 15)
    )
    return day, ids


def _bill_problems(booking_id: str) -> list[str]:
    lines = list(FolioLine.query(booking_id, consistent_read=True))
    header = Folio.get(booking_id, consistent_read=True)
    twice = [s for s, n in Counter(x.source for x in live_lines(lines)).items() if n > 1]
    problems = [f"{booking_id}: {s} posted twice" for s in twice if s]
    if header.balance != sum(line.effect for line in lines) or header.lineCount != len(lines):
        problems.append(f"{booking_id}: header {header.balance}/{header.lineCount} vs lines")
    return problems


def test_night_audit_killed_midway(rig, point):
    day, ids = _past_day()
    audit = {"json": {"date": day.isoformat()}, "headers": manager_headers()}
    billed = {i: len(list(FolioLine.query(i, consistent_read=True))) for i in ids}
    # The first no-show's bill posted (committed), then the server dies before the answer.
    armed = rig.kill_at(TX, matching=FolioLine.Meta.table_name, after=True)
    run_killed(rig, armed, lambda: rig.send("POST", "/api/night-audit", **audit))
    assert business_day_get(day) is None  # not closed
    moved = [i for i in ids if len(list(FolioLine.query(i, consistent_read=True))) > billed[i]]
    no_shows = [i for i in ids if Booking.get(i, consistent_read=True).status == NO_SHOW]
    assert len(moved) == 1 and len(no_shows) in (1, 2)
    rig.restart()

    again = rig.call("POST", "/api/night-audit", **audit)  # the next scheduled run

    assert again.status_code == 201, again.text
    assert again.json()["closed"] == [day.isoformat()] and again.json()["report"]["noShows"] == 2
    closed = business_day_get(day)
    assert closed.status == "closed" and closed.report
    assert [Booking.get(i, consistent_read=True).status for i in ids] == [
        CHECKED_IN,
        NO_SHOW,
        NO_SHOW,
    ]
    assert [p for i in ids for p in _bill_problems(i)] == []
    point.done(
        "night audit: killed after its 1st no-show's bill",
        f"{len(no_shows)} of 2 no-shows marked, 1 bill posted, the day not closed",
        "night audit re-run: the other no-show and its bill, nothing posted twice, the day "
        "closed with its report",
    )
