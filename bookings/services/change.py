"""Changing a stay: new dates and/or room, re-priced; the old nights released and the new
ones taken in one transaction, so the booking never holds both or neither."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from hotel import events
from hotel.dynamo import commit

from .. import room_state, stats
from ..clock import hotel_today
from ..exceptions import HoldExpired, InvalidTransition, PaymentOpen, RoomUnavailable
from ..lifecycle import can_change, hold_has_lapsed
from ..models import PENDING, Booking
from ..selectors import booking_nights, booking_quote, booking_stay_nights
from .common import (
    booking_audit,
    booking_read,
    booking_snapshot,
    event_detail,
    lost_nights,
    release_night,
    room_bookable,
    room_read,
    take_night,
)
from .validation import stay_validate


def booking_change(
    *,
    booking_id: str,
    actor: str,
    now: datetime,
    check_in: date | None = None,
    check_out: date | None = None,
    room_id: str | None = None,
    request_id: str | None = None,
    rule: Callable[[Booking], None] | None = None,
) -> Booking:
    """New dates and/or room, re-priced; old nights released and new ones taken atomically.

    `rule(booking)` is a caller's own condition (a guest's online change: payments' rules on
    price and policy), raising to refuse. It is asked of every read the write is conditioned
    on, so a booking paid or changed meanwhile is judged again, never on a stale read.

    While a payment is open (booking.openPayments) the price cannot change: PaymentOpen.
    The write is conditional on the version read, and opening a payment bumps it, so a
    payment opened meanwhile makes the change re-read and refuse inside DynamoDB.
    Raises BookingNotFound, InvalidTransition (not pending/confirmed), HoldExpired,
    ValidationFailed, StayTooLong, NotFound (room), TooManyGuests, RoomUnavailable,
    PaymentOpen.
    """
    for attempt in range(3):
        booking = booking_read(booking_id)
        try:
            return _booking_change_once(
                booking,
                actor=actor,
                now=now,
                check_in=check_in,
                check_out=check_out,
                room_id=room_id,
                request_id=request_id,
                rule=rule,
            )
        except _BookingMoved:
            if attempt == 2:
                raise InvalidTransition("The booking changed meanwhile; reload it.") from None
    raise InvalidTransition("The booking changed meanwhile; reload it.")  # pragma: no cover


class _BookingMoved(Exception):
    """The booking item changed between the read and the write: read it again."""


def _booking_change_once(
    booking: Booking, *, actor, now, check_in, check_out, room_id, request_id, rule
) -> Booking:
    if not can_change(booking):
        raise InvalidTransition(f"A {booking.status} booking cannot be changed.")
    if hold_has_lapsed(booking, now):
        raise HoldExpired()
    if rule is not None:
        rule(booking)
    new_in = check_in or date.fromisoformat(booking.checkIn)
    new_out = check_out or date.fromisoformat(booking.checkOut)
    new_room_id = room_id or booking.roomId
    if (new_in.isoformat(), new_out.isoformat(), new_room_id) == (
        booking.checkIn,
        booking.checkOut,
        booking.roomId,
    ):
        return booking
    stay_validate(check_in=new_in, check_out=new_out, today=hotel_today(now))
    room = room_read(new_room_id)
    room_bookable(room, booking.guests)
    quote = booking_quote(room=room, check_in=new_in, check_out=new_out)
    reprice = quote.total != booking.totalPrice
    if reprice and booking.openPayments:
        raise PaymentOpen(details={"transactionIds": sorted(booking.openPayments)})

    old_nights = {(n.roomId, n.night): n for n in booking_nights(booking=booking)}
    if len(old_nights) != len(booking_stay_nights(booking)):
        raise lost_nights(booking)
    new_keys = {(room.roomId, n.night.isoformat()) for n in quote.nightly}
    read_version = booking.version
    before = booking_snapshot(booking)
    booking.roomId, booking.roomType = room.roomId, room.roomType
    booking.checkIn, booking.checkOut = new_in.isoformat(), new_out.isoformat()
    booking.totalPrice, booking.subtotal, booking.tax = quote.total, quote.subtotal, quote.tax
    booking.nightly = quote.nightly_dicts()
    booking.updatedAt = now
    hold_until = booking.expiresAt if booking.status == PENDING else None
    entry = booking_audit(booking, "change", before, actor, now, request_id)
    # The version condition (PynamoDB adds it) already fails on a payment opened meanwhile;
    # a re-price also states the rule itself: no open payment.
    no_open_payment = (
        Booking.openPayments.does_not_exist() if reprice else Booking.bookingId.exists()
    )

    def build(tx):
        tx.save(booking, condition=(Booking.status == before["status"]) & no_open_payment)
        for key, night in old_nights.items():
            if key not in new_keys:
                release_night(tx, night)
        if new_keys - set(old_nights):
            room_state.room_sellable_check(tx, room_id=room.roomId, now=now)
        for room_key, night in sorted(new_keys - set(old_nights)):
            take_night(
                tx,
                room_id=room_key,
                night=date.fromisoformat(night),
                booking_id=booking.bookingId,
                hold_until=hold_until,
                now=now,
            )
        tx.save(entry)

    def refused() -> Exception:
        if booking_read(booking.bookingId).version != read_version:
            return _BookingMoved()
        return RoomUnavailable(
            f"Room {room.roomId} is not free for all of the new nights; nothing was changed."
        )

    commit(build, refused=refused)
    stats.booking_stats_project_safely(booking_id=booking.bookingId, now=now)
    events.publish(events.BookingChanged, **event_detail(booking), previous=before)
    return booking
