"""A reservation's own bill in the books (DynamoDB Local): its lines count in the business
day they were posted in, like any stay's, the night audit's report includes them, and once
the day is closed nothing lands in it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bookings.reservations.models import Reservation
from payments.folio.business_day import DayClosed
from payments.folio.desk import folio_charge, folio_payment
from payments.night_audit.services import night_audit_run

from .conftest import DESK, at

RESERVATION = "RS-20260101-PARTY001"


@pytest.fixture
def party_bill(hotel_day):
    """The reservation of A and B (the booker pays a dinner for both) with its own bill."""
    created = at(hotel_day.day - timedelta(days=5), 9)
    Reservation(
        reservationId=RESERVATION,
        bookerName="Ada Booker",
        bookerEmail="ada@guest.test",
        bookingIds=[hotel_day.a.bookingId, hotel_day.b.bookingId],
        guestTokenHash="0" * 64,
        totalPrice=hotel_day.a.totalPrice + hotel_day.b.totalPrice,
        currency=hotel_day.a.currency,
        createdAt=created,
        updatedAt=created,
    ).save()
    dinner = folio_charge(
        booking_id=RESERVATION,
        description="Welcome dinner",
        amount=24000,
        category="restaurant",
        actor=DESK,
        now=at(hotel_day.day, 20),
    )
    paid = folio_payment(
        booking_id=RESERVATION,
        amount=10000,
        method="transfer",
        reference="deposit",
        actor=DESK,
        now=at(hotel_day.day, 21),
    )
    return dinner, paid


def test_the_reservation_bill_is_in_the_day_report_and_its_day_closes(hotel_day, party_bill):
    dinner, paid = party_bill
    assert dinner.accountDate == paid.accountDate == hotel_day.day.isoformat()
    report = night_audit_run(
        day=hotel_day.day, actor="manager@staff.test", now=hotel_day.audit_now
    ).report
    rows = {(r["category"], r["taxRate"]): r for r in report["revenue"]}
    assert rows[("restaurant", "12")]["gross"] == 24000
    assert {"method": "transfer", "amount": 10000} in report["payments"]

    later = hotel_day.audit_now + timedelta(hours=1)
    with pytest.raises(DayClosed):
        folio_charge(booking_id=RESERVATION, description="Late wine", amount=3000,
                     service_date=hotel_day.day, actor=DESK, now=later)  # fmt: skip
    late = folio_charge(booking_id=RESERVATION, description="Late wine", amount=3000,
                        actor=DESK, now=at(hotel_day.day, 23, 59))  # fmt: skip
    assert late.accountDate == (hotel_day.day + timedelta(days=1)).isoformat()
