"""Changing a stay: new dates, room or room type, re-priced; the units and room nights no
longer needed released and the new ones taken in one transaction, so the booking never
holds both or neither."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime

from hotel import events
from hotel.dynamo import commit
from hotel.errors import NotFound, ValidationFailed

from .. import stats
from ..blocks.errors import BlockBookingChange
from ..checkin.invitation import invitation_forget, invitation_read
from ..clock import hotel_today
from ..exceptions import HoldExpired, InvalidTransition, PaymentOpen, RoomUnavailable
from ..extras.moves import ExtrasMove
from ..extras.pricing import due_now_with_extras
from ..inventory import InventoryChange
from ..lifecycle import can_change, hold_has_lapsed
from ..models import PENDING, Booking
from ..pricing import Quote, stay_nights
from ..selectors import booking_nights, booking_stay_nights
from ..stay_pricing import booking_price_fields, quote_booking
from .common import (
    booking_audit,
    booking_read,
    booking_snapshot,
    event_detail,
    lost_nights,
    room_bookable,
    room_read,
)
from .stay import stay_prepare, stay_release, stay_take, type_bookable, type_read
from .validation import stay_validate


def booking_change(
    *,
    booking_id: str,
    actor: str,
    now: datetime,
    check_in: date | None = None,
    check_out: date | None = None,
    room_id: str | None = None,
    room_type: str | None = None,
    keep_rate: bool = False,
    request_id: str | None = None,
    rule: Callable[[Booking], None] | None = None,
) -> Booking:
    """New dates, room (pinned) and/or room type, re-priced (or, for a new room or type on
    the same dates with `keep_rate`, at the rate booked: an upgrade); the units and room
    nights no longer needed released and the new ones taken in one transaction.

    `rule(booking)` is a caller's own condition (a guest's online change: payments' rules on
    price and policy), raising to refuse. It is asked of every read the write is conditioned
    on, so a booking paid or changed meanwhile is judged again, never on a stale read.

    While a payment is open (booking.openPayments) the price cannot change: PaymentOpen.
    The write is conditional on the version read, and opening a payment bumps it, so a
    payment opened meanwhile makes the change re-read and refuse inside DynamoDB.
    The booking's extras follow new dates, their stock with them (bookings.extras.moves).
    Raises BookingNotFound, InvalidTransition (not pending/confirmed), HoldExpired,
    ValidationFailed, StayTooLong, NotFound (room), TooManyGuests, RoomUnavailable,
    PaymentOpen, ExtraSoldOut.
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
                room_type=room_type,
                keep_rate=keep_rate,
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
    booking: Booking,
    *,
    actor,
    now,
    check_in,
    check_out,
    room_id,
    room_type,
    keep_rate,
    request_id,
    rule,
) -> Booking:
    if not can_change(booking):
        raise InvalidTransition(f"A {booking.status} booking cannot be changed.")
    if hold_has_lapsed(booking, now):
        raise HoldExpired()
    if rule is not None:
        rule(booking)
    plan = _change_plan(
        booking,
        check_in=check_in,
        check_out=check_out,
        room_id=room_id,
        room_type=room_type,
        keep_rate=keep_rate,
        now=now,
    )
    if plan is None:
        return booking
    new_in, new_out, new_type = plan.check_in, plan.check_out, plan.room_type
    if booking.blockCode and (
        new_in.isoformat() != booking.checkIn
        or new_out.isoformat() != booking.checkOut
        or new_type != booking.roomType
    ):
        raise BlockBookingChange()  # its units are the block's: cancel and book again
    target, pinned, kind, quote = plan.target, plan.pinned, plan.kind, plan.quote
    reprice = quote is not None and quote.total != booking.totalPrice
    if reprice and booking.openPayments:
        raise PaymentOpen(details={"transactionIds": sorted(booking.openPayments)})

    old_nights = booking_stay_nights(booking)
    new_nights = stay_nights(new_in, new_out)
    old_units = {(booking.roomType, n) for n in old_nights}
    new_units = {(new_type, n) for n in new_nights}
    stay_prepare(room_type=new_type, nights=sorted(n for _, n in new_units - old_units))
    old_room_nights = {(n.roomId, n.night): n for n in booking_nights(booking=booking)}
    if booking.roomId and len(old_room_nights) != len(old_nights):
        raise lost_nights(booking)
    # The extras follow the dates (their stock too, in the same transaction).
    extras = ExtrasMove(booking.extras, check_in=new_in, check_out=new_out)
    read_version = booking.version
    before = booking_snapshot(booking)
    # A new arrival day: the pre-arrival email sent for the old one is forgotten in the same
    # write, so the job sends it again before the new one (bookings.checkin.invitation).
    moved_in = new_in.isoformat() != booking.checkIn
    invited = invitation_read(booking.bookingId) if moved_in else None
    old_type = booking.roomType
    hold_until = booking.expiresAt if booking.status == PENDING else None
    # Keep the room the product chose if it is free for the new nights, else give it up
    # (the assigner finds one: the type has a unit every night). A pinned room is kept or
    # the change is refused.
    targets = [target] + ([None] if target and not pinned else [])
    # The version condition (PynamoDB adds it) already fails on a payment opened meanwhile;
    # a re-price also states the rule itself: no open payment.
    no_open_payment = (
        Booking.openPayments.does_not_exist() if reprice else Booking.bookingId.exists()
    )
    for attempt in targets:
        booking.roomId, booking.roomType = attempt, new_type
        booking.roomPinned = True if (attempt and pinned) else None
        booking.checkIn, booking.checkOut = new_in.isoformat(), new_out.isoformat()
        if booking.extras:
            booking.extras, booking.extrasTotal = extras.items, extras.total
        if quote is not None:
            priced = booking_price_fields(quote)
            priced["terms"] = {**(booking.terms or {}), **priced["terms"]}
            for name, value in priced.items():
                setattr(booking, name, value)
        if booking.extras and booking.status == PENDING:  # due now: rooms and extras
            booking.dueNow = due_now_with_extras(
                total=booking.totalPrice, extras=booking.extrasTotal or 0, terms=booking.terms
            )
        booking.updatedAt = now
        new_keys = {(attempt, n.isoformat()) for n in new_nights} if attempt else set()
        note = {"keptRate": True, "priceBefore": before["totalPrice"]} if keep_rate else None
        action = "change:keep-rate" if keep_rate else "change"
        entry = booking_audit(booking, action, before, actor, now, request_id, note)

        def build(tx, entry=entry, new_keys=new_keys, attempt=attempt):
            tx.save(booking, condition=(Booking.status == before["status"]) & no_open_payment)
            change = InventoryChange()
            change.release(old_type, [n for _, n in old_units - new_units])
            stay_release(
                tx,
                room_type=old_type,
                unit_nights=[],
                room_nights=[n for key, n in old_room_nights.items() if key not in new_keys],
                change=change,
            )
            fresh = sorted(new_keys - set(old_room_nights))
            stay_take(
                tx,
                room_type=new_type,
                unit_nights=[n for _, n in new_units - old_units],
                room_id=attempt,
                room_nights=[date.fromisoformat(night) for _, night in fresh],
                booking_id=booking.bookingId,
                hold_until=hold_until,
                now=now,
                change=change,
            )
            change.write(tx)
            extras.apply(tx)
            if moved_in:
                invitation_forget(tx, booking_id=booking.bookingId, invited_at=invited)
            tx.save(entry)

        if commit(build):
            stats.booking_stats_project_safely(booking_id=booking.bookingId, now=now)
            events.publish(
                events.BookingChanged,
                **event_detail(booking),
                previous=before,
                roomType=booking.roomType,
                previousRoomType=old_type,
            )
            return booking
        if booking_read(booking.bookingId).version != read_version or (
            moved_in and invitation_read(booking.bookingId) != invited
        ):
            raise _BookingMoved()  # or the pre-arrival email went out meanwhile
        if (sold_out := extras.sold_out()) is not None:
            raise sold_out
    if target:
        raise RoomUnavailable(
            f"Room {target} is not free for all of the new nights; nothing was changed."
        )
    raise RoomUnavailable(
        f"No {kind.name} is left for every one of the new nights; nothing was changed.",
        details={"roomType": new_type},
    )


@dataclass(frozen=True)
class _ChangePlan:
    check_in: date
    check_out: date
    room_type: str
    target: str | None  # the room wanted (None: the assigner finds one)
    pinned: bool | None
    kind: object  # the RoomType
    quote: Quote | None  # None: priced as booked (an upgrade at the rate booked)


def _change_plan(
    booking: Booking, *, check_in, check_out, room_id, room_type, keep_rate, now
) -> _ChangePlan | None:
    """What the change asks for, validated and priced; None when it changes nothing.
    Raises ValidationFailed, StayTooLong, NotFound (room), TooManyGuests, StayRuleViolation."""
    new_in = check_in or date.fromisoformat(booking.checkIn)
    new_out = check_out or date.fromisoformat(booking.checkOut)
    room = room_read(room_id) if room_id else None
    if room is not None:  # a room chosen by hand: pinned
        new_type, target, pinned = room.roomType, room.roomId, True
    elif room_type and room_type != booking.roomType:  # another type: a room comes later
        new_type, target, pinned = room_type, None, None
    else:
        new_type, target, pinned = booking.roomType, booking.roomId, booking.roomPinned
    same_dates = (new_in.isoformat(), new_out.isoformat()) == (booking.checkIn, booking.checkOut)
    if same_dates and (new_type, target) == (booking.roomType, booking.roomId):
        return None
    stay_validate(check_in=new_in, check_out=new_out, today=hotel_today(now))
    try:
        kind = type_read(new_type)
    except NotFound:
        raise ValidationFailed(
            details={"fields": {"roomType": [f"No room type {str(new_type)[:40]} exists."]}}
        ) from None
    if room is not None:
        room_bookable(room, booking.guests)
    else:
        type_bookable(kind, booking.guests)
    if keep_rate and same_dates:
        quote = None  # an upgrade at the rate the guest booked
    else:  # re-priced under the terms it was sold with (bookings.stay_pricing)
        quote = quote_booking(
            booking=booking,
            kind=kind,
            check_in=new_in,
            check_out=new_out,
            now=now,
            room=(room or room_read(target)) if target and pinned else None,
        )
        if keep_rate:
            quote = kept_rate_quote(quote, booking)
    return _ChangePlan(new_in, new_out, new_type, target, pinned, kind, quote)


def kept_rate_quote(quote: Quote, booking: Booking) -> Quote:
    """`quote` for the new stay re-priced to cost what the booking costs now ("keep the
    rate"): the booked room subtotal spread over the new nights in proportion to their own
    prices, the booked tax and city tax kept, so the total is the old total exactly."""
    subtotal, tax, city_tax = booking.subtotal or 0, booking.tax or 0, booking.cityTax or 0
    shares = _spread(subtotal, [night.amount for night in quote.nightly])
    nightly = tuple(
        replace(night, amount=share) for night, share in zip(quote.nightly, shares, strict=True)
    )
    return replace(
        quote,
        nightly=nightly,
        subtotal=subtotal,
        tax=tax,
        city_tax=city_tax,
        total=booking.totalPrice,
        discount=0,
        lines=(
            {"kind": "room", "label": "Room (rate kept)", "amount": subtotal},
            {"kind": "tax", "label": "Tax", "amount": tax},
            *([{"kind": "city_tax", "label": "City tax", "amount": city_tax}] if city_tax else []),
        ),
    )


def _spread(total: int, weights: list[int]) -> list[int]:
    """`total` shared in proportion to `weights` (evenly if they are all 0), summing exactly."""
    if not weights:
        return []
    whole = sum(weights)
    weights = weights if whole > 0 else [1] * len(weights)
    whole = sum(weights)
    shares = [total * w // whole for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (total * weights[i]) % whole, reverse=True)
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


@dataclass(frozen=True)
class ChangePrice:
    """What a change would cost, computed without writing."""

    booking: Booking
    current_total: int
    new_total: int
    currency: str

    @property
    def difference(self) -> int:
        return self.new_total - self.current_total


def booking_change_price(
    *,
    booking_id: str,
    now: datetime,
    check_in: date | None = None,
    check_out: date | None = None,
    room_id: str | None = None,
    room_type: str | None = None,
    keep_rate: bool = False,
) -> ChangePrice:
    """The price of the booking after the change booking_change would make, writing nothing
    (availability is the change's to check). Raises what booking_change raises before it
    writes."""
    booking = booking_read(booking_id)
    if not can_change(booking):
        raise InvalidTransition(f"A {booking.status} booking cannot be changed.")
    plan = _change_plan(
        booking,
        check_in=check_in,
        check_out=check_out,
        room_id=room_id,
        room_type=room_type,
        keep_rate=keep_rate,
        now=now,
    )
    new_total = booking.totalPrice if plan is None or plan.quote is None else plan.quote.total
    return ChangePrice(booking, booking.totalPrice, new_total, booking.currency)
