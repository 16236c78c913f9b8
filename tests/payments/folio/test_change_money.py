"""Changes that move money (DynamoDB Local and localstripe, no mocks): the change-quote
shows the difference before a change; a longer stay leaves the difference owed on the bill;
a shorter one refunds through the provider by the cancellation policy (or keeps it, for a
non-refundable plan); staff may keep the rate (audited); the bill's nights follow the
change; the guest gets an email for every change."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail

from hotel.accounts import roles
from hotel.audit.selectors import audit_for_object
from hotel.events import Event
from hotel.templatetags.dates import format_day
from payments.folio.changes import settle_changed_booking
from payments.models import COMPLETED, PARTIALLY_REFUNDED, Payment

from ..conftest import TOTAL, now
from ..test_payment_terms import book, fresh, pay, plan  # noqa: F401 (fixtures)

NIGHT = TOTAL // 2  # 10000 + 12 % tax


@pytest.fixture
def paid(book):  # noqa: F811
    """A prepaid, confirmed two-night booking 30 days ahead (flexible: 7:100 applies)."""

    def make(rate_plan=None):
        booking = book(rate_plan)
        payment = pay(booking, booking.totalPrice).payment
        assert payment.status == COMPLETED
        mail.outbox.clear()
        return fresh(booking), payment

    return make


def day(booking, offset: int) -> str:
    return (date.fromisoformat(booking.checkIn) + timedelta(days=offset)).isoformat()


def bill(desk, booking_id):
    return desk.get(f"/api/bookings/{booking_id}/folio").json()


def live_nights(body):
    lines = body["folios"][0]["lines"]
    return sorted(
        x["serviceDate"]
        for x in lines
        if x["category"] == "room" and x["kind"] == "charge" and not x["reversed"]
    )


def changed_emails(booking_id):
    return [m for m in mail.outbox if f"Your booking {booking_id} changed" in m.subject]


def test_a_longer_stay_is_quoted_first_and_leaves_the_difference_owed(api, paid):
    booking, _ = paid()
    desk = api.as_role(roles.FRONT_DESK)
    url = f"/api/bookings/{booking.bookingId}"
    new_out = day(booking, 3)
    quote = desk.post(f"{url}/change-quote", {"checkOut": new_out}, format="json")
    assert quote.status_code == 200, quote.content
    assert quote.json() | {} == {
        "bookingId": booking.bookingId,
        "currentTotal": TOTAL,
        "newTotal": TOTAL + NIGHT,
        "difference": NIGHT,
        "currency": "INR",
        "balance": 0,
        "balanceAfter": NIGHT,
        "keepRate": False,
    }
    assert fresh(booking).totalPrice == TOTAL  # the quote wrote nothing

    changed = desk.post(f"{url}/change", {"checkOut": new_out}, format="json")
    assert changed.status_code == 200, changed.content
    after = bill(desk, booking.bookingId)
    assert after["balance"] == NIGHT
    assert live_nights(after) == [day(booking, 0), day(booking, 1), day(booking, 2)]
    [email] = changed_emails(booking.bookingId)
    assert format_day(new_out) in email.body and "Left to pay: ₹112.00" in email.body
    assert new_out not in email.body  # the day as a guest reads it, not the ISO string
    assert "(was ₹224.00)" in email.body


def test_a_shorter_stay_refunds_the_dropped_night_through_the_provider(api, paid, stripe_side):
    booking, payment = paid()
    desk = api.as_role(roles.FRONT_DESK)
    url = f"/api/bookings/{booking.bookingId}"
    quote = desk.post(f"{url}/change-quote", {"checkOut": day(booking, 1)}, format="json").json()
    assert (quote["difference"], quote["balanceAfter"]) == (-NIGHT, -NIGHT)

    moved = desk.post(f"{url}/change", {"checkOut": day(booking, 1)}, format="json")
    assert moved.status_code == 200, moved.content
    refunded = Payment.get(payment.transactionId)
    assert (refunded.status, refunded.refundedAmount) == (PARTIALLY_REFUNDED, NIGHT)
    [refund] = stripe_side.refunds_for(payment.stripePaymentIntentId)
    assert refund.amount == NIGHT
    after = bill(desk, booking.bookingId)
    assert after["balance"] == 0
    refunds = [x for x in after["folios"][0]["lines"] if x["kind"] == "refund"]
    assert [(x["amount"], x["method"]) for x in refunds] == [(NIGHT, "card")]
    assert live_nights(after) == [day(booking, 0)]
    [email] = changed_emails(booking.bookingId)
    assert "Refunded: ₹112.00 to your card" in email.body
    assert "Left to pay: nothing" in email.body

    # The event again (a retried delivery): nothing more is refunded, one more email at most.
    again = Event(
        name="BookingChanged",
        detail={"bookingId": booking.bookingId, "previous": {"totalPrice": TOTAL}},
    )
    settle_changed_booking(again)
    assert Payment.get(payment.transactionId).refundedAmount == NIGHT
    assert len(stripe_side.refunds_for(payment.stripePaymentIntentId)) == 1


def test_a_non_refundable_booking_keeps_the_dropped_night_as_a_change_fee(api, paid, stripe_side):
    plan("NONREF", cancellation="0:0")
    booking, payment = paid("NONREF")
    desk = api.as_role(roles.FRONT_DESK)
    night = booking.totalPrice // 2
    moved = desk.post(
        f"/api/bookings/{booking.bookingId}/change", {"checkOut": day(booking, 1)}, format="json"
    )
    assert moved.status_code == 200, moved.content
    assert stripe_side.refunds_for(payment.stripePaymentIntentId) == []
    after = bill(desk, booking.bookingId)
    assert after["balance"] == 0
    fees = [x for x in after["folios"][0]["lines"] if x["category"] == "cancellation"]
    assert [(x["kind"], x["amount"]) for x in fees] == [("charge", night)]
    [email] = changed_emails(booking.bookingId)
    assert "Kept under the cancellation policy" in email.body


def test_staff_may_keep_the_rate_for_new_dates_and_it_is_audited(api, paid):
    booking, _ = paid()
    desk = api.as_role(roles.FRONT_DESK)
    url = f"/api/bookings/{booking.bookingId}"
    change = {"checkIn": day(booking, 1), "checkOut": day(booking, 4), "keepRate": True}
    quote = desk.post(f"{url}/change-quote", change, format="json").json()
    assert (quote["newTotal"], quote["difference"], quote["balanceAfter"]) == (TOTAL, 0, 0)
    moved = desk.post(f"{url}/change", change, format="json")
    assert moved.status_code == 200, moved.content
    kept = fresh(booking)
    assert kept.totalPrice == TOTAL and len(kept.nightly) == 3
    assert sum(n["amount"] for n in kept.nightly) == booking.subtotal
    entries = audit_for_object(object_type="bookings.booking", object_id=booking.bookingId)
    [entry] = [e for e in entries if e.action == "change:keep-rate"]
    assert entry.actor and entry.after["keptRate"] is True
    assert entry.after["priceBefore"] == TOTAL
    after = bill(desk, booking.bookingId)
    assert after["balance"] == 0
    assert live_nights(after) == [day(booking, 1), day(booking, 2), day(booking, 3)]
    assert len(changed_emails(booking.bookingId)) == 1


def test_guests_cannot_keep_the_rate_or_quote_a_change(api, paid):
    booking, _ = paid()
    anonymous = api.post(
        f"/api/bookings/{booking.bookingId}/change-quote",
        {"checkOut": day(booking, 3)},
        format="json",
    )
    assert anonymous.status_code in (401, 403)


def test_a_room_number_the_hotel_gives_or_takes_sends_no_email(paid):
    from bookings.services import booking_room_set

    booking, _ = paid()
    assert booking.roomId
    booking_room_set(
        booking_id=booking.bookingId,
        room_id=None,
        pinned=False,
        actor="desk",
        now=now(),
    )
    assert fresh(booking).roomId is None
    assert changed_emails(booking.bookingId) == []
