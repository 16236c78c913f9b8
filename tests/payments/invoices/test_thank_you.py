"""After check-out the guest is thanked, in their language, with the stay's invoice attached
(or told how to ask for one)."""

from __future__ import annotations

from django.core import mail
from django.utils import timezone, translation

from bookings.models import Booking
from bookings.services import booking_transition
from hotel.accounts import roles

from .conftest import DESK, pdf_text, settle


def check_out(booking_id: str) -> None:
    booking_transition(
        booking_id=booking_id, to_status="checked-out", actor=DESK, now=timezone.now()
    )


def thanks() -> list:
    return [m for m in mail.outbox if m.subject.startswith("Thank you for staying")]


def test_the_guest_is_thanked_with_the_invoice_attached(api, stay):
    settle(stay.bookingId)
    number = (
        api.as_role(roles.FRONT_DESK)
        .post(f"/api/bookings/{stay.bookingId}/invoices", {}, format="json")
        .json()["number"]
    )
    mail.outbox.clear()
    check_out(stay.bookingId)
    (sent,) = thanks()
    assert sent.to == ["walk@in.test"]
    assert f"Your invoice {number} is attached." in sent.body and stay.bookingId in sent.body
    ((name, content, mimetype),) = sent.attachments
    assert (name, mimetype) == (f"{number}.pdf", "application/pdf")
    assert number in pdf_text(content)
    html = sent.alternatives[0][0]
    assert '<html lang="en">' in html and "http://" in html  # the way back to book again


def test_without_an_invoice_the_email_says_how_to_ask_for_one(stay):
    settle(stay.bookingId)
    mail.outbox.clear()
    check_out(stay.bookingId)
    (sent,) = thanks()
    assert "Need an invoice?" in sent.body and not sent.attachments


def test_the_thanks_are_in_the_guests_language(stay):
    settle(stay.bookingId)
    Booking.get(stay.bookingId).update(actions=[Booking.language.set("de")])
    mail.outbox.clear()
    check_out(stay.bookingId)
    assert thanks() == []  # not the English subject…
    (sent,) = [m for m in mail.outbox if "walk@in.test" in m.to and not m.attachments]
    with translation.override("de"):
        expected = translation.gettext("Need an invoice? Reply to this email and we will send it.")
    assert expected != "Need an invoice? Reply to this email and we will send it."
    assert expected in sent.body and '<html lang="de">' in sent.alternatives[0][0]
    assert "/de/" in sent.body  # the link back is the German site


def test_a_reservations_booker_is_thanked_once_when_the_last_stay_leaves(make_room):
    from datetime import timedelta

    from bookings.clock import hotel_today
    from bookings.reservations.create import reservation_create

    make_room(roomId="R-1", pricePerNight=5000)
    make_room(roomId="R-2", pricePerNight=5000)
    now = timezone.now()
    today = hotel_today(now)
    stay_body = {"roomType": "Deluxe", "adults": 1, "checkIn": today,
                 "checkOut": today + timedelta(days=2)}  # fmt: skip
    created = reservation_create(
        booker={"name": "Ana Booker", "email": "ana@guest.test"},
        stays=[dict(stay_body), dict(stay_body)],
        actor=DESK,
        now=now,
        language="es",
    )
    ids = [b.bookingId for b in created.bookings]
    for booking_id in ids:
        for status in ("confirmed", "checked-in"):
            booking_transition(booking_id=booking_id, to_status=status, actor=DESK, now=now)
        settle(booking_id)
    mail.outbox.clear()
    check_out(ids[0])
    assert [m for m in mail.outbox if "ana@guest.test" in m.to] == []  # one stay still in
    check_out(ids[1])
    (sent,) = [m for m in mail.outbox if "ana@guest.test" in m.to]
    assert '<html lang="es">' in sent.alternatives[0][0]
    check_out_again = [m for m in mail.outbox if "ana@guest.test" in m.to]
    assert len(check_out_again) == 1
