"""Guest emails from events: confirmed, cancelled (with the refund), refund issued; a failed
send is queued in the email-outbox table and sent later by `send_pending_emails`."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.utils import translation

from bookings.models import Booking
from bookings.services import booking_create
from hotel.mail import MAX_ATTEMPTS, OutboxEmail, emails_send_pending
from hotel.templatetags.dates import format_day
from payments.services import booking_cancel_with_refund, payment_create, payment_refund
from rooms.room_type_services import room_type_update

from .conftest import TOTAL, now, stay_start


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionError("SES is down")


def pay(booking_id):
    return payment_create(
        booking_id=booking_id,
        amount=TOTAL,
        currency="INR",
        payment_method_id="pm_card_visa",
        actor="guest",
        now=now(),
    ).payment


@pytest.fixture
def created(make_booking):
    return make_booking()


def test_a_successful_payment_sends_the_confirmation(created):
    booking = created.booking
    room_type_update(code=booking.roomType, data={"name": "Harbour Double"}, actor="t", now=now())
    pay(booking.bookingId)
    [message] = mail.outbox
    assert message.to == ["ada@guest.test"]
    assert booking.bookingId in message.subject and "confirmed" in message.subject
    # Days as a guest reads them (the locale's DATE_FORMAT), never the stored ISO string.
    check_in, check_out = format_day(booking.checkIn), format_day(booking.checkOut)
    assert f"{check_in} to {check_out}" in message.subject
    for text in (check_in, check_out, "Harbour Double", "₹224.00", "Ada Guest"):
        assert text in message.body
    assert booking.checkIn not in message.body and booking.checkOut not in message.body
    # The room type's name: never the room's id, nor the type's code.
    assert "R-1" not in message.body and booking.roomType not in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and booking.bookingId in html and "₹224.00" in html
    assert "Harbour Double" in html and booking.roomType not in html
    assert '<html lang="en">' in html and "Dear Ada Guest," in html


def test_the_confirmation_is_written_in_the_guests_language(created):
    booking = created.booking
    booking.update(actions=[Booking.language.set("de")])
    pay(booking.bookingId)
    [message] = mail.outbox
    with translation.override("de"):
        check_in = format_day(booking.checkIn)
    assert check_in in message.subject and check_in in message.body
    assert "/de/booking/" in message.body  # the manage link opens the German page
    html, _ = message.alternatives[0]
    assert '<html lang="de">' in html and check_in in html and 'href="http' in html
    assert translation.get_language() == "en"  # the email's language does not leak


def test_no_email_before_payment(created):
    assert mail.outbox == []


def test_the_cancellation_email_names_the_refund(created):
    booking_id = created.booking.bookingId
    pay(booking_id)
    mail.outbox.clear()
    booking_cancel_with_refund(booking_id=booking_id, actor="guest", now=now())
    cancelled = [m for m in mail.outbox if "cancelled" in m.subject]
    assert len(cancelled) == 1 and booking_id in cancelled[0].subject
    assert "we refund ₹224.00" in cancelled[0].body
    refunds = [m for m in mail.outbox if m.subject.startswith("Refund")]
    assert len(refunds) == 1


def test_an_unpaid_cancellation_says_nothing_is_refunded(created):
    booking_cancel_with_refund(booking_id=created.booking.bookingId, actor="guest", now=now())
    [message] = mail.outbox
    assert "Nothing is refunded" in message.body


def test_a_refund_sends_the_refund_email_with_its_amount(created):
    payment = pay(created.booking.bookingId)
    mail.outbox.clear()
    payment_refund(transaction_id=payment.transactionId, amount=5000, actor="acc", now=now())
    [message] = mail.outbox
    assert created.booking.bookingId in message.subject
    assert "refunded ₹50.00" in message.body


def test_a_walk_in_without_email_gets_none(room):
    check_in = stay_start()
    walk_in = booking_create(
        room_id="R-1",
        check_in=check_in,
        check_out=check_in + timedelta(days=2),
        guests=1,
        guest_name="Walk In",
        guest_email=None,
        source="front_desk",
        actor="desk@staff.test",
        now=now(),
    )
    pay(walk_in.booking.bookingId)
    assert Booking.get(walk_in.booking.bookingId).status == "confirmed"
    assert mail.outbox == [] and list(OutboxEmail.scan()) == []


def test_a_failed_send_keeps_the_booking_and_is_sent_later(created, settings):
    settings.EMAIL_BACKEND = "tests.payments.test_emails.BrokenBackend"
    payment = pay(created.booking.bookingId)
    assert payment.status == "completed"
    assert Booking.get(created.booking.bookingId).status == "confirmed"
    [queued] = OutboxEmail.scan()
    assert queued.to == ["ada@guest.test"] and "SES is down" in queued.lastError
    assert created.booking.bookingId in queued.subject and queued.expiresAt > now()

    assert emails_send_pending(now=now()) == 0  # still down: counted, kept
    assert OutboxEmail.get(queued.messageId).attempts == 2

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_pending_emails", stdout=open("/dev/null", "w"))  # noqa: SIM115
    [message] = mail.outbox
    assert message.subject == queued.subject and message.alternatives
    assert list(OutboxEmail.scan()) == []


def test_an_email_given_up_on_is_not_retried(created, settings):
    settings.EMAIL_BACKEND = "tests.payments.test_emails.BrokenBackend"
    pay(created.booking.bookingId)
    [queued] = OutboxEmail.scan()
    queued.update(actions=[OutboxEmail.attempts.set(MAX_ATTEMPTS)])
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert emails_send_pending(now=now()) == 0 and mail.outbox == []
