"""The bill follows the booking and its money (DynamoDB Local, localstripe): an online
payment and its refund become lines once, a date change reverses the old nights and posts
the new ones, a cancel leaves a fee of what was kept and a zero balance, a no-show its fee,
an expired hold nothing; a sync run again writes nothing."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from bookings.services import booking_change, booking_transition
from payments import services
from payments.folio.models import Folio, FolioLine
from payments.folio.services import folio_sync
from payments.folio.stay_lines import live_lines

from ..conftest import TOTAL, now


def bill(booking_id):
    return folio_sync(booking_id=booking_id, now=timezone.now())


def pay(booking):
    return services.payment_create(
        booking_id=booking.bookingId,
        amount=booking.totalPrice,
        currency="INR",
        payment_method_id="pm_card_visa",
        actor="guest",
        now=now(),
    )


def test_an_online_payment_and_its_refund_are_lines_once(make_booking):
    booking = make_booking().booking
    attempt = pay(booking)
    state = bill(booking.bookingId)
    payments = [x for x in state.lines if x.kind == "payment"]
    assert [(x.amount, x.method, x.transactionId) for x in payments] == [
        (TOTAL, "card", attempt.payment.transactionId)
    ]
    assert state.balance == 0
    revision = state.header.revision
    assert bill(booking.bookingId).header.revision == revision  # in line: nothing written

    services.payment_refund(
        transaction_id=attempt.payment.transactionId, amount=5000, actor="boss", now=now()
    )
    state = bill(booking.bookingId)
    refunds = [x for x in state.lines if x.kind == "refund"]
    assert [(x.amount, x.method) for x in refunds] == [(5000, "card")]
    assert state.balance == 5000


def test_a_date_change_reverses_the_old_nights_and_posts_the_new(make_booking):
    booking = make_booking(nights=2).booking
    booking_transition(booking_id=booking.bookingId, to_status="confirmed", actor="t", now=now())
    before = bill(booking.bookingId)
    assert before.balance == TOTAL
    check_in = date.fromisoformat(booking.checkIn)
    changed = booking_change(
        booking_id=booking.bookingId,
        check_in=check_in,
        check_out=check_in + timedelta(days=3),
        actor="t",
        now=now(),
    )
    after = bill(booking.bookingId)
    assert after.balance == changed.totalPrice == TOTAL // 2 * 3
    nights = [x for x in live_lines(after.lines) if x.category == "room"]
    assert sorted(x.serviceDate for x in nights) == [n["date"] for n in changed.nightly]
    # Unchanged nights are left as they were; only what changed moved.
    assert len([x for x in after.lines if x.kind == "reversal"]) == 0
    shorter = booking_change(
        booking_id=booking.bookingId,
        check_in=check_in + timedelta(days=1),
        check_out=check_in + timedelta(days=3),
        actor="t",
        now=now(),
    )
    state = bill(booking.bookingId)
    assert state.balance == shorter.totalPrice
    assert [x.serviceDate for x in state.lines if x.kind == "reversal"] == [check_in.isoformat()]


def test_a_cancel_with_a_refund_leaves_the_fee_kept_and_nothing_owed(make_booking):
    booking = make_booking(start=0).booking  # 30 days ahead: the policy refunds in full
    pay(booking)
    services.booking_cancel_with_refund(booking_id=booking.bookingId, actor="guest", now=now())
    state = bill(booking.bookingId)
    assert state.balance == 0
    live = live_lines(state.lines)
    assert not [x for x in live if x.category == "room"]
    refunded = sum(x.amount for x in live if x.kind == "refund")
    fee = sum(x.amount for x in live if x.category == "cancellation")
    assert refunded + fee == TOTAL


def test_a_no_show_leaves_its_fee(make_booking):
    booking = make_booking().booking
    booking_transition(booking_id=booking.bookingId, to_status="confirmed", actor="t", now=now())
    booking_transition(booking_id=booking.bookingId, to_status="no-show", actor="t", now=now())
    state = bill(booking.bookingId)
    live = live_lines(state.lines)
    assert [(x.category, x.amount) for x in live] == [("no_show", TOTAL)]  # FLEX: 100 %
    assert state.balance == TOTAL


def test_an_expired_hold_that_was_never_billed_writes_nothing(make_booking):
    booking = make_booking().booking
    booking_transition(
        booking_id=booking.bookingId, to_status="expired", actor="system", now=now(), system=True
    )
    state = bill(booking.bookingId)
    assert state.header is None and state.balance == 0
    assert Folio.count(booking.bookingId) == 0 and FolioLine.count(booking.bookingId) == 0


def test_a_cancel_after_a_desk_charge_was_paid_still_settles_at_zero(make_booking):
    from payments.folio.desk import folio_charge, folio_payment

    booking = make_booking(start=0).booking
    pay(booking)
    folio_charge(
        booking_id=booking.bookingId,
        description="Change fee",
        amount=1000,
        category="fee",
        actor="t",
        now=now(),
    )
    folio_payment(
        booking_id=booking.bookingId,
        amount=1000,
        method="cash",
        reference=None,
        actor="t",
        now=now(),
    )
    services.booking_cancel_with_refund(booking_id=booking.bookingId, actor="guest", now=now())
    state = bill(booking.bookingId)
    assert state.balance == 0
    fee = sum(x.amount for x in live_lines(state.lines) if x.category == "cancellation")
    refunded = sum(x.amount for x in live_lines(state.lines) if x.kind == "refund")
    assert fee + refunded == TOTAL  # the desk's own charge was paid apart


def test_a_line_on_an_invoiced_folio_cannot_be_moved(make_booking):
    import pytest

    from hotel.errors import Conflict
    from payments.folio.desk import folio_payment, folio_split
    from payments.invoices.services import invoice_issue

    booking = make_booking().booking
    booking_transition(booking_id=booking.bookingId, to_status="confirmed", actor="t", now=now())
    folio_payment(
        booking_id=booking.bookingId,
        amount=TOTAL,
        method="cash",
        reference=None,
        actor="t",
        now=now(),
    )
    invoice_issue(booking_id=booking.bookingId, actor="t", now=now())
    night = next(x for x in bill(booking.bookingId).lines if x.category == "room")
    with pytest.raises(Conflict) as refused:
        folio_split(
            booking_id=booking.bookingId,
            line_ids=[night.lineId],
            payer={"name": "Acme"},
            actor="t",
            now=now(),
        )
    assert refused.value.code == "FOLIO_INVOICED"
