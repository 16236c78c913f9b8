"""Confirm (paid at desk) records the money: the booking page's confirm asks the amount and
the method, and a walk-in ticked "paid at the desk" is confirmed with its payment on the bill
(hotel/backoffice/desk_confirm.py, payments/folio/desk_confirm.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from bookings.models import Booking
from bookings.services import hotel_today
from hotel.accounts import roles
from hotel.errors import ValidationFailed
from payments.folio.desk_confirm import booking_confirm_paid_at_desk
from payments.folio.models import Folio, FolioLine

LIST = "/admin/bookings/booking/"
ADD = LIST + "add/"


def actions(booking_id: str) -> str:
    return f"{LIST}{booking_id}/actions/"


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def payments_of(booking_id: str) -> list[FolioLine]:
    return [x for x in FolioLine.query(booking_id, consistent_read=True) if x.kind == "payment"]


@pytest.fixture
def rooms(make_room):
    make_room(roomId="101", roomType="Deluxe", capacity=2, pricePerNight=10000)
    make_room(roomId="102", roomType="Deluxe", capacity=2, pricePerNight=10000)


@pytest.fixture
def desk(client_for):
    return client_for(roles.FRONT_DESK)


def walk_in(**overrides) -> dict:
    today = hotel_today(timezone.now())
    return {
        "roomId": "101",
        "checkIn": today.isoformat(),
        "checkOut": (today + timedelta(days=2)).isoformat(),
        "ratePlan": "FLEX",
        "guests": "2",
        "guestName": "Walk In",
        **overrides,
    }


def test_confirm_first_asks_what_was_taken_and_changes_nothing(desk, rooms, book):
    booking = book("101", start=0)

    response = desk.post(actions(booking.bookingId), {"action": "confirm"})

    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="confirm-paid-form"' in text and "₹224.00" in text
    assert (
        f'name="amount-{booking.bookingId}" id="amount-{booking.bookingId}" value="224.00"' in text
    )
    assert 'name="paid_method"' in text
    assert Booking.get(booking.bookingId).status == "pending"


def test_confirm_paid_at_desk_posts_the_payment_to_the_bill(desk, rooms, book):
    booking = book("101", start=0)

    response = desk.post(
        actions(booking.bookingId),
        {
            "action": "confirm",
            "post": "yes",
            f"amount-{booking.bookingId}": "224.00",
            "paid_method": "terminal",
            "paid_reference": "slip 0042",
        },
    )

    assert response.status_code == 302
    [message] = messages_of(response)
    assert message == f"Confirmed: {booking.bookingId}: ₹224.00 taken (card terminal)."
    assert Booking.get(booking.bookingId).status == "confirmed"
    [line] = payments_of(booking.bookingId)
    assert (line.amount, line.method, line.reference, line.createdBy) == (
        22400,
        "terminal",
        "slip 0042",
        desk.user.email,
    )
    assert Folio.get(booking.bookingId, consistent_read=True).balance == 0


def test_a_blank_amount_takes_the_whole_bill_and_zero_takes_nothing(desk, rooms, book):
    first, second = book("101", start=0), book("102", start=0)

    response = desk.post(
        LIST,
        {
            "action": "confirm",
            "post": "yes",
            "paid_method": "cash",
            "_selected_action": [first.bookingId, second.bookingId],
            f"amount-{second.bookingId}": "0",
        },
    )

    [message] = messages_of(response)
    assert f"{first.bookingId}: ₹224.00 taken (cash)." in message
    assert f"{second.bookingId}: nothing taken." in message
    assert [x.amount for x in payments_of(first.bookingId)] == [22400]
    assert payments_of(second.bookingId) == []
    assert Folio.get(second.bookingId, consistent_read=True).balance == 22400


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ({"paid_method": "iou"}, "Paid by: Select a valid choice"),
        ({"paid_method": "cash", "amount-{id}": "lots"}, "Enter a number"),
        ({"paid_method": "cash", "amount-{id}": "-5"}, "greater than or equal to 0"),
    ],
)
def test_a_bad_amount_or_method_shows_the_page_again_and_confirms_nothing(
    desk, rooms, book, data, text
):
    booking = book("101", start=0)
    data = {k.replace("{id}", booking.bookingId): v for k, v in data.items()}

    response = desk.post(actions(booking.bookingId), {"action": "confirm", "post": "yes", **data})

    assert response.status_code == 200 and text in response.content.decode()
    assert Booking.get(booking.bookingId).status == "pending"
    assert FolioLine.count(booking.bookingId) == 0


def test_the_service_refuses_an_unknown_method_before_confirming(rooms, book):
    booking = book("101", start=0)

    with pytest.raises(ValidationFailed):
        booking_confirm_paid_at_desk(
            booking_id=booking.bookingId,
            amount=100,
            method="card",  # online card payments come from the provider, not the desk
            actor="desk@staff.test",
            now=timezone.now(),
        )

    assert Booking.get(booking.bookingId).status == "pending"


# --- walk-ins -------------------------------------------------------------------------------------


def test_a_walk_in_paid_at_the_desk_has_its_cash_on_the_bill(desk, rooms):
    response = desk.post(
        ADD, walk_in(confirm_now="on", paid_method="cash", paid_reference="till 1")
    )

    [booking] = list(Booking.scan())
    assert response.status_code == 302
    assert booking.status == "confirmed"
    [line] = payments_of(booking.bookingId)
    assert (line.amount, line.method, line.reference) == (booking.totalPrice, "cash", "till 1")
    assert Folio.get(booking.bookingId, consistent_read=True).balance == 0
    text = " ".join(messages_of(desk.get(response["Location"])))
    assert f"Paid at the desk: {booking.bookingId}: ₹224.00 taken (cash)." in text


def test_a_walk_in_records_the_amount_typed(desk, rooms):
    desk.post(ADD, walk_in(confirm_now="on", paid_amount="100.00", paid_method="terminal"))

    [booking] = list(Booking.scan())
    [line] = payments_of(booking.bookingId)
    assert (line.amount, line.method) == (10000, "terminal")
    assert Folio.get(booking.bookingId, consistent_read=True).balance == 12400


def test_an_amount_without_paid_at_the_desk_is_an_error_on_the_form(desk, rooms):
    response = desk.post(ADD, walk_in(paid_amount="100.00"))

    assert response.status_code == 200
    assert "Tick “Paid at the desk”" in " ".join(response.context["form"].errors["confirm_now"])
    assert Booking.count() == 0


def test_a_payment_that_fails_after_the_confirm_says_so_and_keeps_the_booking(
    desk, rooms, book, monkeypatch
):
    from hotel.errors import Conflict
    from payments.folio import desk_confirm

    def refuse(**kwargs):
        raise Conflict("The business day is closed.", code="DAY_CLOSED")

    monkeypatch.setattr(desk_confirm, "folio_payment", refuse)
    booking = book("101", start=0)

    response = desk.post(
        actions(booking.bookingId),
        {"action": "confirm", "post": "yes", "paid_method": "cash"},
    )

    [message] = messages_of(response)
    assert "is confirmed, but the payment was not recorded" in message
    assert "take it from the bill" in message
    assert Booking.get(booking.bookingId).status == "confirmed"
    assert payments_of(booking.bookingId) == []
