"""The dashboard's arrivals show what each still owes at check-in, from the bills' headers in
one BatchGet (hotel/backoffice/balances.py); a booking whose bill was never opened is computed
from the booking."""

from __future__ import annotations

import pytest

from hotel.accounts import roles
from hotel.backoffice import balances
from payments.folio.desk import folio_payment
from payments.folio.models import Folio

DASHBOARD = "/admin/dashboard/"


@pytest.fixture
def spy(monkeypatch):
    """Every Folio.batch_get call's keys, and every Folio.get."""
    calls = {"batch_get": [], "get": []}
    batch_get, get = Folio.batch_get, Folio.get

    def batch(keys, *args, **kwargs):
        calls["batch_get"].append(list(keys))
        return batch_get(keys, *args, **kwargs)

    def one(key, *args, **kwargs):
        calls["get"].append(key)
        return get(key, *args, **kwargs)

    monkeypatch.setattr(Folio, "batch_get", batch)
    monkeypatch.setattr(Folio, "get", one)
    return calls


def arrivals_of(client) -> str:
    return client.get(DASHBOARD).content.decode().split('id="arrivals"')[1].split("</table>")[0]


def test_arrivals_read_their_balances_in_one_batch_get(client_for, rooms, book, spy):
    owing = book("101", start=0, status="confirmed", guest_name="Owes All")
    paid = book("102", start=0, status="confirmed", guest_name="Paid Up")
    part = book("103", start=0, status="confirmed", guest_name="Paid Part")
    now = owing.createdAt
    folio_payment(
        booking_id=paid.bookingId,
        amount=paid.totalPrice,
        method="cash",
        reference=None,
        actor="t",
        now=now,
    )
    folio_payment(
        booking_id=part.bookingId,
        amount=10000,
        method="cash",
        reference=None,
        actor="t",
        now=now,
    )
    spy["batch_get"].clear(), spy["get"].clear()

    arrivals = arrivals_of(client_for(roles.FRONT_DESK))

    assert len(spy["batch_get"]) == 1 and spy["get"] == []
    assert sorted(spy["batch_get"][0]) == sorted([owing.bookingId, paid.bookingId, part.bookingId])
    rows = {name: arrivals.split(name)[1].split("</tr>")[0] for name in ("Owes", "Paid Up", "Part")}
    assert "Due at check-in: ₹224.00" in rows["Owes"]
    assert "Due at check-in" not in rows["Paid Up"]
    assert "Due at check-in: ₹124.00" in rows["Part"]


def test_a_booking_without_a_bill_is_computed_from_the_booking(rooms, book):
    booking = book("101", start=0, status="confirmed")
    Folio.get(booking.bookingId).delete()  # as if the sync after its confirm had failed

    assert balances.folio_balances([booking.bookingId]) == {}
    assert balances.arrival_balances([booking]) == {booking.bookingId: "₹224.00"}


def test_no_bookings_read_nothing(spy):
    assert balances.folio_balances([]) == {}
    assert spy["batch_get"] == []
