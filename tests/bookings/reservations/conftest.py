import pytest

from bookings.reservations.services import reservation_create
from tests.bookings.conftest import day
from tests.conftest import NOW

BOOKER = {"name": "Ada Booker", "email": "ada@guest.test", "phone": "+44 20 7946 0000"}


def stay(room_type="Deluxe", start=0, nights=2, adults=2, **kw):
    return {
        "roomType": room_type,
        "adults": adults,
        "checkIn": day(start),
        "checkOut": day(start + nights),
        **kw,
    }


@pytest.fixture
def hotel(make_room):
    """Three Deluxe (2 guests, 100.00) and two Suite (4 guests, 180.00) rooms."""
    for n in range(3):
        make_room(roomId=f"D-{n}", roomType="Deluxe", capacity=2, pricePerNight=10000)
    for n in range(2):
        make_room(roomId=f"F-{n}", roomType="Suite", capacity=4, pricePerNight=18000)


@pytest.fixture
def reserve():
    def make(*stays, booker=BOOKER, now=NOW, **kw):
        return reservation_create(booker=booker, stays=list(stays), actor="test", now=now, **kw)

    return make
