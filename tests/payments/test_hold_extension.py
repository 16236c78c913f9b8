"""A guest's short hold is extended when a payment is opened on it, so 3-D Secure or a slow
bank does not lose the room halfway (booking, nights and hold slot move together)."""

from datetime import timedelta

import pytest

from bench.capacity import CapacityMeter
from bookings.exceptions import HoldExpired, PriceChanged
from bookings.holds import booking_hold_extend
from bookings.models import Booking, RoomNight
from bookings.services import booking_create
from hotel.idempotency import IdempotencyKey
from payments.exceptions import AmountMismatch
from payments.models import Payment
from payments.services import charge
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


def test_the_extension_is_written_with_the_payment_or_not_at_all(room):
    """Opening a payment and extending its hold are one transaction: a payment refused at
    the last moment (the stay was re-priced meanwhile) leaves the hold as it was."""
    created = guest_hold(minutes_ago=18)
    stale = Booking.get(created.booking.bookingId, consistent_read=True)
    Booking.get(stale.bookingId).update(  # re-priced meanwhile: it takes 1.00 more now
        actions=[Booking.totalPrice.add(100), Booking.dueNow.set(stale.dueNow + 100)]
    )

    with pytest.raises(AmountMismatch):
        charge._payment_open(stale, actor="guest", now=now(), request_id=None, extend_hold=True)

    booking = Booking.get(stale.bookingId, consistent_read=True)
    assert booking.expiresAt == stale.expiresAt and not booking.openPayments
    assert {n.holdExpiresAt for n in RoomNight.query("R-1")} == {int(stale.expiresAt.timestamp())}
    assert Payment.count() == 0


def test_a_payment_opened_on_a_short_hold_costs_one_transaction(room):
    created = guest_hold(minutes_ago=18)
    booking = Booking.get(created.booking.bookingId, consistent_read=True)
    with CapacityMeter() as meter:
        payment = charge._payment_open(
            booking, actor="guest", now=now(), request_id=None, extend_hold=True
        )
    assert meter.calls["TransactWriteItems"] == 1
    after = Booking.get(booking.bookingId, consistent_read=True)
    assert after.openPayments == {payment.transactionId} and after.expiresAt > booking.expiresAt


def test_a_stay_re_priced_meanwhile_is_not_paid_even_when_the_amount_due_is_the_same(room):
    """The total changed between the read and the write (what it takes now did not): the
    payment is refused (BOOKING_PRICE_CHANGED), not opened on a price the guest never saw."""
    created = guest_hold(minutes_ago=18)
    stale = Booking.get(created.booking.bookingId, consistent_read=True)
    Booking.get(stale.bookingId).update(actions=[Booking.totalPrice.add(100)])

    with pytest.raises(PriceChanged):
        charge._payment_open(stale, actor="guest", now=now(), request_id=None, extend_hold=True)

    after = Booking.get(stale.bookingId, consistent_read=True)
    assert not after.openPayments and after.expiresAt == stale.expiresAt
    assert Payment.count() == 0


def test_a_race_lost_to_the_nights_moving_is_tried_again_from_a_fresh_read(room, monkeypatch):
    """The hold's nights changed between the read and the write (here one of them is let
    go, as a move to another room does): the opening is tried once more from a fresh read,
    and succeeds when the booking still costs what it did."""
    created = guest_hold(minutes_ago=18)
    stale = Booking.get(created.booking.bookingId, consistent_read=True)
    read_nights = charge.hold_extension

    def then_a_night_moves(booking, *, now):
        extension = read_nights(booking, now=now)
        if extension and len(extension.nights) == 2:
            extension.nights[0].delete()
        return extension

    monkeypatch.setattr(charge, "hold_extension", then_a_night_moves)

    with CapacityMeter() as meter:
        payment = charge._payment_open(
            stale, actor="guest", now=now(), request_id=None, extend_hold=True
        )

    assert meter.calls["TransactWriteItems"] == 2  # refused, then written
    after = Booking.get(stale.bookingId, consistent_read=True)
    assert after.openPayments == {payment.transactionId} and after.expiresAt > stale.expiresAt
    assert payment.attempt == 1 and Payment.count() == 1


def test_extending_a_hold_and_confirming_it_leave_the_night_index_alone(room):
    """The night index (bookings.free_rooms) projects only `bookingId`: a hold extended and
    then confirmed rewrites its nights' `holdExpiresAt` each time, and the index not at all;
    the free-rooms view still counts the nights as taken throughout."""
    from bookings.free_rooms import rooms_taken_by_others
    from bookings.services import booking_transition

    created = guest_hold(minutes_ago=18)
    booking = Booking.get(created.booking.bookingId, consistent_read=True)
    nights = f"{RoomNight.Meta.table_name}/{RoomNight.by_night.Meta.index_name}"
    first = stay_start()
    with CapacityMeter() as meter:
        charge._payment_open(booking, actor="guest", now=now(), request_id=None, extend_hold=True)
        extended = {n.holdExpiresAt for n in RoomNight.query("R-1", consistent_read=True)}
        booking_transition(
            booking_id=booking.bookingId, to_status="confirmed", actor="t", now=now()
        )
    assert extended != {int(booking.expiresAt.timestamp())}  # the extension moved them
    assert {n.holdExpiresAt for n in RoomNight.query("R-1", consistent_read=True)} == {None}
    assert meter.by_target[RoomNight.Meta.table_name] > 0
    assert meter.by_target[nights] == 0
    assert rooms_taken_by_others(first=first, last=first + timedelta(days=1)) == {"R-1"}
