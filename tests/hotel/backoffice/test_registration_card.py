"""The desk's side of online check-in: the arrivals list marks who checked in online (from
the booking itself, no extra reads), the booking page links the registration card, and the
card (PDF) shows the ID number masked, never whole."""

from __future__ import annotations

import io

from django.utils import timezone
from pypdf import PdfReader

from bookings.checkin.services import registration_submit
from hotel.accounts import roles
from tests.bookings.checkin.conftest import FORM, signature_png

DASHBOARD = "/admin/dashboard/"


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def checked_in_online(booking, **data):
    registration_submit(
        booking_id=booking.bookingId, data={**FORM, **data}, actor="guest", now=timezone.now()
    )


def test_the_arrivals_list_marks_guests_who_checked_in_online(client_for, rooms, book):
    online = book("101", start=0, status="confirmed", guest_name="Ada Online")
    book("102", start=0, status="confirmed", guest_name="Bo Desk")
    checked_in_online(online)

    text = client_for(roles.FRONT_DESK).get(DASHBOARD).content.decode()

    arrivals = text.split('id="arrivals"')[1].split("</table>")[0]
    rows = {row.split("</a>")[0].rsplit(">", 1)[1]: row for row in arrivals.split("<tr>")[2:]}
    assert 'data-testid="checked-in-online"' in rows["Ada Online"]
    assert 'data-testid="checked-in-online"' not in rows["Bo Desk"]


def test_the_registration_card_shows_the_id_masked_and_the_drawn_signature(client_for, rooms, book):
    booking = book("101", start=1, status="confirmed", guest_name="Ada Online")
    checked_in_online(booking, signatureKind="drawn", signature=signature_png(), typedName="")
    client = client_for(roles.FRONT_DESK)

    page = client.get(f"/admin/bookings/booking/{booking.bookingId}/change/").content.decode()
    assert 'data-testid="registration-card"' in page
    assert "•••• 1234" in page and "67891234" not in page

    response = client.get(f"/admin/bookings/booking/{booking.bookingId}/registration-card/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in (
        "Registration card",
        booking.bookingId,
        "Ada Online",
        "12 Rue des Fleurs",
        "France",
        "Passport",
        "•••• 1234",
        "15:30",
        "Signed online (drawn)",
    ):
        assert expected in text, expected
    assert "18AB67891234" not in text and "67891234" not in text
    assert PdfReader(io.BytesIO(response.content)).pages[0].images  # the signature


def test_a_guest_who_did_not_check_in_online_gets_blank_lines_to_sign(client_for, rooms, book):
    booking = book("101", start=1, status="confirmed", guest_name="Bo Desk")

    response = client_for(roles.ACCOUNTANT).get(
        f"/admin/bookings/booking/{booking.bookingId}/registration-card/"
    )

    text = pdf_text(response.content)
    assert "Bo Desk" in text and "Sign at the desk" in text and "_____" in text


def test_housekeeping_cannot_print_a_registration_card(client_for, rooms, book):
    booking = book("101", start=1, status="confirmed")
    response = client_for(roles.HOUSEKEEPING).get(
        f"/admin/bookings/booking/{booking.bookingId}/registration-card/"
    )
    assert response.status_code in (403, 404)
