"""The back office's reservations (hotel/backoffice/reservations.py): a stay's booking page
names its reservation and the sibling stays; the reservation page lists the booker, every
stay and the total; "Cancel every stay" asks first, then cancels each stay through the
refunding cancel; RS-… in the booking list's search opens it. Front desk may view and
cancel; housekeeping may not. Admin client, DynamoDB Local, localstripe."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from bookings.models import Booking
from bookings.reservations.services import reservation_create
from hotel.accounts import roles
from payments.models import Payment
from payments.services import payment_create

PAGE = "/admin/reservations/{}/"


@pytest.fixture
def reservation(make_room):
    make_room(roomId="101", roomType="Deluxe", capacity=2, pricePerNight=10000)
    make_room(roomId="201", roomType="Suite", capacity=4, pricePerNight=20000)
    start = timezone.now().date() + timedelta(days=30)
    stays = [
        {"roomType": kind, "adults": 2, "checkIn": start, "checkOut": start + timedelta(days=2),
         **extra}
        for kind, extra in (("Deluxe", {}), ("Suite", {"guestName": "Bo Booker"}))
    ]  # fmt: skip
    created = reservation_create(
        booker={"name": "Ada Booker", "email": "ada@guest.test"},
        stays=stays,
        actor="test",
        now=timezone.now(),
    )
    ids = created.reservation.bookingIds
    first = Booking.get(ids[0])
    payment_create(
        booking_id=first.bookingId,
        amount=first.totalPrice,
        currency=first.currency,
        payment_method_id="pm_card_visa",
        actor="guest",
        now=timezone.now(),
    )
    return created.reservation.reservationId, ids


def test_a_stay_s_page_names_its_reservation_and_the_other_stays(client_for, reservation):
    reference, (first, second) = reservation
    text = client_for(roles.FRONT_DESK).get(f"/admin/bookings/booking/{first}/change/")
    text = text.content.decode()
    assert f'Part of reservation <a href="{PAGE.format(reference)}">{reference}</a>' in text
    assert "2 rooms" in text and f"/admin/bookings/booking/{second}/change/" in text


def test_the_reservation_page_lists_the_booker_every_stay_and_the_total(client_for, reservation):
    reference, ids = reservation
    response = client_for(roles.FRONT_DESK).get(PAGE.format(reference))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Ada Booker" in text and "ada@guest.test" in text
    assert text.count('data-testid="reservation-stay"') == 2
    assert all(booking_id in text for booking_id in ids)
    assert "Bo Booker" in text and "Confirmed" in text and "Pending" in text
    total = sum(Booking.get(b).totalPrice for b in ids)
    assert f"₹{total // 100:,}.{total % 100:02d}" in text
    assert "Cancel every stay" in text


def test_searching_rs_in_the_booking_list_opens_the_reservation(client_for, reservation):
    reference, _ = reservation
    response = client_for(roles.FRONT_DESK).get(
        "/admin/bookings/booking/", {"q": reference.lower()}
    )
    assert response.status_code == 302 and response["Location"] == PAGE.format(reference)
    assert client_for(roles.FRONT_DESK).get(PAGE.format("RS-20260101-NOPENOPE")).status_code == 404


def test_cancel_every_stay_asks_first_then_refunds_each_by_its_policy(client_for, reservation):
    reference, ids = reservation
    desk = client_for(roles.FRONT_DESK)
    ask = desk.post(f"{PAGE.format(reference)}cancel/")
    assert ask.status_code == 200
    text = ask.content.decode()
    assert text.count('data-testid="cancel-stay"') == 2 and "Yes, cancel every stay" in text
    assert {Booking.get(b, consistent_read=True).status for b in ids} == {"confirmed", "pending"}
    done = desk.post(f"{PAGE.format(reference)}cancel/", {"post": "yes"})
    assert done.status_code == 302 and done["Location"] == PAGE.format(reference)
    assert {Booking.get(b, consistent_read=True).status for b in ids} == {"cancelled"}
    (payment,) = Payment.by_booking.query(ids[0])
    assert payment.refundedAmount == payment.amount  # 30 days ahead: all of it back
    page = desk.get(PAGE.format(reference)).content.decode()
    assert "Cancel every stay" not in page


def test_housekeeping_may_neither_view_nor_cancel(client_for, reservation):
    reference, ids = reservation
    housekeeping = client_for(roles.HOUSEKEEPING)
    assert housekeeping.get(PAGE.format(reference)).status_code in (302, 403)
    assert housekeeping.post(f"{PAGE.format(reference)}cancel/", {"post": "yes"}).status_code in (
        302,
        403,
    )
    assert {Booking.get(b, consistent_read=True).status for b in ids} == {"confirmed", "pending"}
