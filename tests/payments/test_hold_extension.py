"""A guest's short hold is extended when a payment is opened on it, so 3-D Secure or a slow
bank does not lose the room halfway (booking, nights and hold slot move together)."""

from datetime import timedelta

import pytest

from bookings.exceptions import HoldExpired
from bookings.holds import booking_hold_extend
from bookings.models import Booking, RoomNight
from bookings.services import booking_create
from hotel.idempotency import IdempotencyKey
from tests.payments.test_api import body

from .conftest import THREE_D_SECURE, now, stay_start


def guest_hold(*, minutes_ago: int, start: int = 0):
    check_in = stay_start() + timedelta(days=start)
    return booking_create(
        room_id="R-1",
        check_in=check_in,
        check_out=check_in + timedelta(days=2),
        guests=2,
        guest_name="Ada Guest",
        guest_email="ada@guest.test",
        actor="guest",
        now=now() - timedelta(minutes=minutes_ago),
        guest_client="192.0.2.9",
    )


def test_opening_a_payment_extends_a_guests_hold_that_was_about_to_end(api, room, stripe_side):
    created = guest_hold(minutes_ago=18)  # two minutes of the 20 left
    before = created.booking.expiresAt

    response = api.post(
        "/api/payments",
        body(created.booking, paymentMethodId=stripe_side.card(THREE_D_SECURE)),
        format="json",
        HTTP_X_BOOKING_TOKEN=created.guest_token,
    )

    assert response.status_code == 202, response.json()  # waiting for 3-D Secure
    booking = Booking.get(created.booking.bookingId, consistent_read=True)
    assert booking.status == "pending"
    assert booking.expiresAt >= before + timedelta(minutes=17)  # now + 20 minutes at least
    epoch = int(booking.expiresAt.timestamp())
    nights = list(RoomNight.query("R-1"))
    assert len(nights) == 2 and {n.holdExpiresAt for n in nights} == {epoch}
    slot = IdempotencyKey.get(booking.holdSlot)
    assert int(slot.expiresAt.timestamp()) == epoch


def test_a_longer_hold_is_left_alone_and_an_ended_one_is_not_revived(room, make_booking):
    phone = make_booking(start=10)  # staff's 48-hour hold
    assert booking_hold_extend(booking_id=phone.booking.bookingId, now=now()).expiresAt == (
        phone.booking.expiresAt
    )
    assert Booking.get(phone.booking.bookingId).version == phone.booking.version

    ended = guest_hold(minutes_ago=0, start=5)
    later = ended.booking.expiresAt + timedelta(seconds=1)
    with pytest.raises(HoldExpired):
        booking_hold_extend(booking_id=ended.booking.bookingId, now=later)
    assert Booking.get(ended.booking.bookingId).expiresAt == ended.booking.expiresAt
