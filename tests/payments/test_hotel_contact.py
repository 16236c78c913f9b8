"""How a guest reaches the hotel (HOTEL_PHONE, HOTEL_ADDRESS, HOTEL_EMAIL): in the site's
footer, in every email, and in the pay page's note for browsers without JavaScript."""

from __future__ import annotations

import pytest
from django.core import mail

from bookings.links import manage_path
from payments.services import booking_cancel_with_refund

from .conftest import now
from .test_services import pay

PHONE = "+91 (484) 266-8000"
ADDRESS = "7 Calvetty Road, Fort Kochi 682001"
EMAIL = "desk@harbour.example"


@pytest.fixture
def contact(settings):
    settings.HOTEL_PHONE = PHONE
    settings.HOTEL_ADDRESS = ADDRESS
    settings.HOTEL_EMAIL = EMAIL


def test_every_guest_page_footer_shows_the_address_phone_and_email(client, contact):
    for path in ("/", "/search", "/booking/find", "/no-such-page"):
        page = client.get(path).content.decode()
        footer = page.split('class="site-footer"')[1]
        assert ADDRESS in footer, path
        assert f'<a href="tel:+914842668000">{PHONE}</a>' in footer, path
        assert f'<a href="mailto:{EMAIL}">{EMAIL}</a>' in footer, path


def test_the_no_javascript_note_on_the_pay_page_gives_the_phone_number(
    client, contact, make_booking
):
    booking = make_booking().booking
    page = client.get(f"{manage_path(booking_id=booking.bookingId)}pay").content.decode()
    note = page.split("<noscript>")[1].split("</noscript>")[0]
    assert f"call us on {PHONE} to pay by phone" in note


def test_the_no_javascript_note_falls_back_to_the_email_without_a_phone(
    client, contact, settings, make_booking
):
    settings.HOTEL_PHONE = ""
    booking = make_booking().booking
    page = client.get(f"{manage_path(booking_id=booking.bookingId)}pay").content.decode()
    note = page.split("<noscript>")[1].split("</noscript>")[0]
    assert f"write to {EMAIL}" in note and "call us" not in note


def test_every_email_carries_the_hotel_s_contact_details(contact, make_booking):
    booking = make_booking().booking
    pay(booking)  # confirmation
    booking_cancel_with_refund(booking_id=booking.bookingId, actor="guest", now=now())
    assert {m.subject.split()[0] for m in mail.outbox} >= {"Booking", "Refund"}
    assert len(mail.outbox) == 3  # confirmed, cancelled, refund issued
    for message in mail.outbox:
        for text in (ADDRESS, f"Phone: {PHONE}", f"Email: {EMAIL}"):
            assert text in message.body, (message.subject, text)
        html, _ = message.alternatives[0]
        assert ADDRESS in html and f'href="tel:+914842668000">{PHONE}</a>' in html
        assert f'href="mailto:{EMAIL}"' in html
