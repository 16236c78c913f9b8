"""The reservation page's own bill (hotel/backoffice/reservations.py): the booking page's
bill template and forms on the reservation's bill (RS-…), posting to
/admin/reservations/<id>/folio/<op>/ through the same form handling; roles as on a
booking's bill; no check-out there."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from bookings.reservations.services import reservation_create
from hotel.accounts import roles
from payments.folio.models import Folio, FolioLine

PAGE = "/admin/reservations/{}/"


@pytest.fixture
def reference(make_room):
    make_room(roomId="101", roomType="Deluxe", capacity=2, pricePerNight=10000)
    make_room(roomId="102", roomType="Deluxe", capacity=2, pricePerNight=10000)
    start = timezone.now().date() + timedelta(days=30)
    stay = {"roomType": "Deluxe", "adults": 2, "checkIn": start,
            "checkOut": start + timedelta(days=2)}  # fmt: skip
    created = reservation_create(
        booker={"name": "Ada Booker", "email": "ada@guest.test"},
        stays=[stay, dict(stay)],
        actor="test",
        now=timezone.now(),
    )
    return created.reservation.reservationId


def post(client, reference, op, data):
    return client.post(f"{PAGE.format(reference)}folio/{op}/", data)


def bill_of(client, reference) -> str:
    text = client.get(PAGE.format(reference)).content.decode()
    return text.split('id="booking-bill"')[1]


def test_the_page_shows_the_reservation_bill_with_the_desk_forms(client_for, reference):
    bill = bill_of(client_for(roles.FRONT_DESK), reference)
    assert "Folio F1 · Ada Booker" in bill and "Settled" in bill
    assert "Nothing on this folio yet." in bill
    for form in ("charge-form", "payment-form", "invoice-form"):
        assert f'id="{form}"' in bill and f"/admin/reservations/{reference}/folio/" in bill
    for form in ("reverse-form", "allowance-form", "bill-check-out", "bill-check-out-anyway"):
        assert f'id="{form}"' not in bill  # not the desk's; and no check-out on this page
    manager = bill_of(client_for(roles.MANAGER), reference)
    assert 'id="reverse-form"' in manager and 'id="bill-check-out"' not in manager


def test_the_desk_posts_a_dinner_and_takes_the_payment_on_the_reservation_bill(
    client_for, reference
):
    desk = client_for(roles.FRONT_DESK)
    dinner = {"description": "Welcome dinner", "amount": "240.00", "quantity": "1",
              "category": "restaurant", "tax_category": "standard"}  # fmt: skip
    charged = post(desk, reference, "charge", dinner)
    assert charged.status_code == 302
    assert charged["Location"] == PAGE.format(reference) + "#booking-bill"
    [message] = [str(m) for m in get_messages(charged.wsgi_request)]
    assert "Welcome dinner × 1, ₹240.00" in message
    assert Folio.get(reference, consistent_read=True).balance == 24000
    bill = bill_of(desk, reference)
    assert "Welcome dinner" in bill and "Guest owes ₹240.00" in bill

    refused = post(desk, reference, "reverse", {"line": "L0001", "reason": "no"})
    assert refused.status_code == 403  # reversals: managers and accountants
    paid = post(desk, reference, "payment", {"amount": "240.00", "method": "cash"})
    assert paid.status_code == 302
    assert Folio.get(reference, consistent_read=True).balance == 0
    reversed_ = post(client_for(roles.MANAGER), reference, "reverse",
                     {"line": "L0001", "reason": "on the house"})  # fmt: skip
    assert reversed_.status_code == 302
    kinds = [x.kind for x in FolioLine.query(reference, consistent_read=True)]
    assert kinds == ["charge", "payment", "reversal"]


def test_housekeeping_gets_neither_page_nor_forms(client_for, reference):
    housekeeping = client_for(roles.HOUSEKEEPING)
    assert housekeeping.get(PAGE.format(reference)).status_code == 403
    response = post(housekeeping, reference, "charge", {"description": "x", "amount": "1.00"})
    assert response.status_code == 403
    assert Folio.count() == 0
