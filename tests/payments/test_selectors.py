"""payments.selectors called directly, on payments made and refunded through the services
against localstripe: a booking's payments, what they add up to, and the quotes built on them
(a cancellation's refund, whether a guest may move a paid booking online)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bench.capacity import CapacityMeter
from bookings.models import Booking
from payments import selectors, services
from payments.exceptions import PaymentDeclined, PaymentNotFound
from payments.models import Payment

from .conftest import DECLINED, TOTAL, VISA, now, stay_start


def pay(booking, method="pm_card_visa"):
    return services.payment_create(
        booking_id=booking.bookingId,
        amount=TOTAL,
        currency="INR",
        payment_method_id=method,
        actor="guest",
        now=now(),
    ).payment


def refund(payment, amount=None):
    return services.payment_refund(
        transaction_id=payment.transactionId, amount=amount, actor="acc@staff.test", now=now()
    )


def summary(booking) -> dict:
    return selectors.booking_payment_summary(booking=booking)


def prepaid(paid: int) -> dict:
    """The terms part of a FLEX (prepay) booking's summary after `paid`."""
    return {"dueNow": TOTAL, "balanceDue": TOTAL - paid, "terms": "prepay", "guaranteed": False}


def test_an_unpaid_booking_sums_to_nothing(make_booking):
    booking = make_booking().booking

    assert summary(booking) == {
        "paid": 0,
        "refunded": 0,
        "currency": "INR",
        "status": "unpaid",
        **prepaid(0),
    }
    assert selectors.booking_amount_paid(booking_id=booking.bookingId) == 0


def test_settling_a_payment_writes_neither_the_payments_nor_the_guests_index(make_booking):
    """Both are keys only: the settling Put keeps the payment's booking and creation time,
    confirming the booking keeps its email and creation time (DynamoDB writes no entry)."""
    booking = make_booking().booking
    with CapacityMeter() as meter:
        payment = pay(booking)
    payments_index = f"{Payment.Meta.table_name}/bookingId-keys-index"
    guests_index = f"{Booking.Meta.table_name}/guestEmail-createdAt-keys-index"
    assert meter.write_by_target[payments_index] == 2  # the pending payment's entry (in a
    assert meter.write_by_target[guests_index] == 0  # transaction: 2 units), nothing more
    assert meter.write_by_target[Payment.Meta.table_name] >= 4  # the two Puts of the payment
    [read] = selectors.payments_for_booking(booking_id=booking.bookingId)
    assert (read.status, read.amount, read.stripePaymentIntentId) == (
        "completed",
        TOTAL,
        payment.stripePaymentIntentId,
    )


def test_a_declined_attempt_counts_for_nothing_and_payments_come_oldest_first(
    make_booking, stripe_side
):
    booking = make_booking().booking
    with pytest.raises(PaymentDeclined):
        pay(booking, stripe_side.card(DECLINED))
    assert summary(booking)["status"] == "unpaid"

    pay(booking, stripe_side.card(VISA))

    payments = selectors.payments_for_booking(booking_id=booking.bookingId)
    assert [(p.attempt, p.status) for p in payments] == [(1, "failed"), (2, "completed")]
    assert summary(booking) == {
        "paid": TOTAL,
        "refunded": 0,
        "currency": "INR",
        "status": "paid",
        **prepaid(TOTAL),
    }


def test_summaries_count_partial_and_full_refunds(make_booking):
    booking = make_booking().booking
    payment = pay(booking)

    refund(payment, 2400)
    partly = summary(booking)
    partly_paid = selectors.booking_amount_paid(booking_id=booking.bookingId)
    refund(payment)

    assert (partly["paid"], partly["refunded"], partly["status"]) == (
        TOTAL - 2400,
        2400,
        "partially_refunded",
    )
    assert partly_paid == TOTAL - 2400
    assert summary(booking) == {
        "paid": 0,
        "refunded": TOTAL,
        "currency": "INR",
        "status": "refunded",
        **prepaid(0),
    }
    assert selectors.booking_amount_paid(booking_id=booking.bookingId) == 0


def test_payment_get_finds_a_payment_and_refuses_unknown_ids(make_booking):
    payment = pay(make_booking().booking)

    assert selectors.payment_get(transaction_id=payment.transactionId).amount == TOTAL
    for missing in ("TXN-NOPE", "T" * 65):
        with pytest.raises(PaymentNotFound):
            selectors.payment_get(transaction_id=missing)


def test_cancellation_quote_refunds_in_full_a_month_ahead_and_half_three_days_ahead(
    make_booking,
):
    """The default policy: 7+ days before arrival 100 %, 2+ days 50 %, then nothing."""
    far = make_booking().booking  # arrives in 30 days
    near = make_booking(start=-27).booking  # arrives in 3 days
    pay(far)
    pay(near)

    far_quote = selectors.booking_cancellation_quote(booking=far, now=now())
    near_quote = selectors.booking_cancellation_quote(booking=near, now=now())

    assert (far_quote.rule.refund_percent, far_quote.refund) == (100, TOTAL)
    assert (near_quote.rule.refund_percent, near_quote.refund) == (50, TOTAL // 2)


def test_a_paid_booking_moves_online_only_at_the_same_price_inside_the_free_window(
    make_booking,
):
    far = make_booking().booking
    near = make_booking(start=-27).booking
    pay(far)
    pay(near)
    start = stay_start()

    def change(booking, first, nights):
        return selectors.booking_change_quote(
            booking=Booking.get(booking.bookingId),
            check_in=start + timedelta(days=first),
            check_out=start + timedelta(days=first + nights),
            now=now(),
        )

    same_price = change(far, 5, 2)
    longer = change(far, 5, 3)
    too_late = change(near, 5, 2)

    assert same_price.allowed and same_price.quote.total == TOTAL
    assert (longer.reason, longer.quote.total) == (selectors.CHANGE_PRICE_DIFFERS, TOTAL * 3 // 2)
    assert too_late.reason == selectors.CHANGE_POLICY_WINDOW
