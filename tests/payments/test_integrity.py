"""The integrity checks (payments.integrity, `manage.py check_integrity`) pass on healthy
data and see each kind of money damage planted in it: the oracle the storms and the
restore drill rely on can fail."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from bookings.models import Booking
from payments import services
from payments.folio.models import Folio, FolioLine
from payments.folio.services import folio_sync
from payments.integrity import integrity_problems
from payments.models import Payment

from .conftest import TOTAL, now

MONEY_CHECKS = (
    "refunds never exceed payments",
    "what was paid is what the folio says",
    "every bill's balance is the sum of its lines",
    "no confirmed booking underpaid",
)


@pytest.fixture
def paid(make_booking):
    """A confirmed booking paid online, partly refunded, with its bill synced."""
    booking = make_booking().booking
    payment = services.payment_create(
        booking_id=booking.bookingId,
        amount=TOTAL,
        currency="INR",
        payment_method_id="pm_card_visa",
        actor="guest",
        now=now(),
    ).payment
    services.payment_refund(
        transaction_id=payment.transactionId, amount=1000, actor="manager", now=now()
    )
    folio_sync(booking_id=booking.bookingId, now=now())
    return booking.bookingId, payment.transactionId


def wrong(check: str) -> list[str]:
    return integrity_problems()[check]


def test_healthy_data_passes_every_check(paid, capsys):
    found = integrity_problems()
    assert {check: p for check, p in found.items() if p} == {}
    assert set(MONEY_CHECKS) <= set(found)
    call_command("check_integrity")
    assert f"all {len(found)} checks passed" in capsys.readouterr().out


def test_a_refund_beyond_the_payment_is_seen(paid):
    _booking_id, transaction_id = paid
    payment = Payment.get(transaction_id)
    payment.refundedAmount = TOTAL + 1
    payment.save()
    problems = "\n".join(wrong("refunds never exceed payments"))
    assert f"{transaction_id}: refunded {TOTAL + 1} > paid {TOTAL}" in problems
    assert "refund records 1000" in problems


def test_a_payment_missing_from_the_bill_is_seen(paid):
    booking_id, transaction_id = paid
    line = next(x for x in FolioLine.query(booking_id) if x.source == f"pay:{transaction_id}")
    line.delete()
    assert wrong("what was paid is what the folio says") == [
        f"{booking_id}: payments not on the bill [(('pay:{transaction_id}', {TOTAL}), 1)], "
        "on the bill without a payment []"
    ]
    # and the bill's balance no longer adds up either
    assert wrong("every bill's balance is the sum of its lines")


def test_a_balance_that_does_not_add_up_is_seen(paid):
    booking_id, _ = paid
    header = Folio.get(booking_id)
    header.balance += 5
    header.save()
    assert wrong("every bill's balance is the sum of its lines") == [
        f"{booking_id}: balance {header.balance}, lines {header.balance - 5}"
    ]


def test_a_booking_confirmed_for_less_than_its_terms_ask_is_seen(paid):
    booking_id, transaction_id = paid
    payment = Payment.get(transaction_id)
    payment.amount = TOTAL - 100  # as if a smaller charge had confirmed it
    payment.save()
    problems = wrong("no confirmed booking underpaid")
    assert problems == [f"{booking_id}: confirmed, took {TOTAL - 100} of the {TOTAL} its terms "
                        "ask at booking"]  # fmt: skip


def test_the_command_fails_and_lists_what_is_wrong(paid, capsys):
    booking_id, _ = paid
    booking = Booking.get(booking_id)
    booking.checkIn = "2001-01-01"  # its nights no longer match its counters and room nights
    booking.save()
    with pytest.raises(CommandError, match="problem"):
        call_command("check_integrity", show=1)
    out = capsys.readouterr().out
    assert "inventory counters = live bookings per type and night:" in out
    assert "problem(s)" in out and "  - " in out
