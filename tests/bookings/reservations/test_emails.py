"""A reservation's emails (bookings/reservations/emails.py): one hold email listing every
stay with one pay link, one confirmation for one payment, none repeated when events are
delivered twice; a booking alone keeps its own emails. Through the API, the real clock."""

from __future__ import annotations

import re
from datetime import timedelta

from django.core import mail
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from bookings.models import Booking
from bookings.policy_words import booking_terms
from bookings.services.expiry import holds_expire
from hotel import events
from hotel.accounts import roles
from hotel.events import Event

from .test_api import body, create, pay, rooms, stay  # noqa: F401  (rooms: the fixture)


def redeliver(name: str, booking_ids: list[str]) -> None:
    for booking_id in booking_ids:
        events.dispatch(Event(name=name, detail={"bookingId": booking_id}))


def test_a_reservation_sends_one_hold_email_listing_every_stay(api):
    _, data = create(api)
    ids = [s["bookingId"] for s in data["stays"]]
    [message] = mail.outbox
    assert message.to == ["ada@guest.test"]
    assert data["reservationId"] in message.subject and "2 rooms held" in message.subject
    for stay_body in data["stays"]:
        assert stay_body["bookingId"] in message.body
    assert "Ada Booker" in message.body and "Bo Booker" in message.body
    link = re.search(r"https?://\S+/reservation/\S+/", message.body).group(0)
    assert "/pay" not in message.body  # one link: the reservation's page pays every room
    assert link in message.alternatives[0][0]
    page = Client().get("/" + link.split("://", 1)[1].split("/", 1)[1])
    assert page.status_code == 200 and 'id="pay-form"' in page.content.decode()
    redeliver(events.BookingCreated, ids)  # events can come twice: no second email
    assert len(mail.outbox) == 1


def test_one_payment_sends_one_confirmation_for_every_room(api):
    _, data = create(api)
    mail.outbox.clear()
    token = {"HTTP_X_BOOKING_TOKEN": data["guestToken"]}
    path = f"/api/reservations/{data['reservationId']}/payments"
    due = data["dueNow"]
    pay_body = {"amount": due, "currency": data["currency"], "paymentMethodId": "pm_card_visa"}
    assert api.post(path, pay_body, format="json", **token).status_code == 201
    confirmations = [m for m in mail.outbox if "confirmed" in m.subject]
    [message] = confirmations  # not one per stay
    assert data["reservationId"] in message.subject and "2 rooms" in message.subject
    assert all(s["bookingId"] in message.body for s in data["stays"])
    assert "/booking/" in message.body  # each room's manage link
    assert "Not confirmed" not in message.body
    ids = [s["bookingId"] for s in data["stays"]]
    redeliver(events.BookingConfirmed, ids)
    assert len([m for m in mail.outbox if "confirmed" in m.subject]) == 1


def test_when_the_last_held_room_lapses_the_paid_one_gets_its_confirmation(api):
    _, data = create(api)
    first, second = data["stays"]
    pay(first["bookingId"], first["dueNow"])
    assert not [m for m in mail.outbox if "confirmed" in m.subject]  # the other is held
    expiry = Booking.get(second["bookingId"]).expiresAt
    assert holds_expire(now=expiry + timedelta(minutes=1)) == 1
    [message] = [m for m in mail.outbox if "confirmed" in m.subject]
    assert "1 room" in message.subject and first["bookingId"] in message.body
    assert "Not confirmed" in message.body and second["bookingId"] in message.body
    redeliver(events.BookingConfirmed, [first["bookingId"]])
    redeliver(events.BookingExpired, [second["bookingId"]])
    assert len([m for m in mail.outbox if "confirmed" in m.subject]) == 1


def test_staff_reservations_send_no_hold_email(api):
    desk = api.as_role(roles.FRONT_DESK)
    assert desk.post("/api/reservations", body(), format="json").status_code == 201
    assert mail.outbox == []


def test_a_booking_alone_keeps_its_own_hold_and_confirmation_emails(api):
    one = {**stay(), "guestName": "Ada Booker", "guestEmail": "ada@guest.test"}
    response = api.post("/api/bookings", one, format="json")
    assert response.status_code == 201, response.json()
    booking = response.json()
    [held] = mail.outbox
    assert booking["bookingId"] in held.subject and "/pay" in held.body
    pay(booking["bookingId"], booking["dueNow"])
    assert [m.subject for m in mail.outbox][1].startswith(
        f"Booking {booking['bookingId']} confirmed"
    )


def test_the_hold_and_confirmation_emails_state_each_stays_dated_terms(api):
    _, data = create(api, body(stay(), stay("Suite", start=12, guestName="Bo Booker")))
    first, second = (Booking.get(s["bookingId"]) for s in data["stays"])
    terms = [booking_terms(b, now=timezone.now()) for b in (first, second)]
    assert terms[0] != terms[1]  # another arrival: other deadlines
    [held] = mail.outbox
    pay(first.bookingId, data["stays"][0]["dueNow"])
    pay(second.bookingId, data["stays"][1]["dueNow"])
    [confirmed] = [m for m in mail.outbox if "confirmed" in m.subject]
    for message in (held, confirmed):
        text, html = message.body, message.alternatives[0][0]
        parts = text.split(f"(booking {second.bookingId})")
        assert len(parts) == 2 and "Cancellation and payment:" in parts[0]
        for n, lines in enumerate(terms):  # each stay's own, under its room
            assert lines and all(f"  - {line}\n" in parts[n] for line in lines), message.subject
        assert "Cancellation and payment</h2>" in html
        section = html.split("Cancellation and payment</h2>")[1].split(second.bookingId)
        for n, lines in enumerate(terms):
            assert all(f"<li>{escape(line)}</li>" in section[n] for line in lines)
