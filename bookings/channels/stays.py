"""External stays: what an event of an OTA's calendar becomes here.

A reservation on a channel is a **confirmed booking** of the channel's room type (source
"channel", no price — the OTA collected it —, no guest data beyond the feed's summary) that
takes a unit of each night exactly like any other booking, in one transaction with the
ChannelEvent item that remembers its UID (conditional on the UID being new: a sync run twice,
or by two workers, imports it once).

The stay is already sold elsewhere, so the hotel cannot refuse it: when the type has no unit
left on some night, it is taken beyond the inventory's ceiling (InventoryChange
`beyond_ceiling`), flagged "overbooked" on the booking and on the event, and counted on the
channel for the dashboard; staff resolve it (move a guest, cancel the other booking). The
nightly counter then shows sold > ceiling, which only such a flagged stay can cause.

A moved event moves the stay (its units, and its room's nights unless the room no longer
fits: the room is then unassigned for the assigner to place again); a vanished one is
cancelled and gives everything back. Each is one transaction with the event item; an event
too long for one (bookings.channels.limits) is flagged for staff instead (too_long).
"""

from __future__ import annotations

import secrets
from datetime import date, datetime

from django.conf import settings

from hotel import events
from hotel.dynamo import commit

from .. import stats
from ..clock import hotel_today
from ..exceptions import BookingNotFound, InvalidTransition
from ..inventory import InventoryChange, inventory_read
from ..lifecycle import holds_nights
from ..models import (
    CANCELLED,
    CHANNEL_SOURCE,
    CHECKED_IN,
    CONFIRMED,
    EXPIRED,
    PENDING,
    Booking,
)
from ..pricing import stay_nights
from ..selectors import booking_nights
from ..services.common import (
    booking_audit,
    booking_read,
    booking_snapshot,
    event_detail,
    hash_token,
)
from ..services.create import new_booking_id
from ..services.stay import stay_prepare, stay_release, stay_take
from .feed import FeedEvent
from .limits import TRANSACTION_LIMIT, StayTooLong, move_items
from .models import Channel, ChannelEvent

OVERBOOKED = "overbooked"
# Channels whose calendars write stays and closures alike (bookings.channels.feed.classify).
BLIND_CHANNELS = ("booking",)


class StayUnderWay(InvalidTransition):
    """The channel dropped a stay whose guest is in the house (or left): kept, reported."""


ACTOR = "system:channel-sync"


def _flag(channel: Channel, now: datetime) -> dict:
    return {
        "flag": OVERBOOKED,
        "detail": f"Sold on {channel.name} while no unit was left here: resolve by hand.",
        "at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "by": ACTOR,
    }


def _guest_name(channel: Channel, event: FeedEvent) -> str:
    return f"{channel.name}: {event.summary or 'reserved'}"[:100]


def external_stay_create(
    *, channel: Channel, event: FeedEvent, now: datetime
) -> tuple[ChannelEvent, Booking | None] | None:
    """Import `event`: a confirmed stay that takes its units (beyond the ceiling if need
    be, flagged), or, for a closure the channel does not import, only the event item.
    None when the UID was imported meanwhile (another sync)."""
    stay = event.kind == "reservation" or channel.importClosures
    nights = stay_nights(event.check_in, event.check_out)
    if stay:
        stay_prepare(room_type=channel.roomType, nights=nights)
    for forced in (False, True):
        item = ChannelEvent(
            channelId=channel.channelId,
            uid=event.uid,
            kind=event.kind,
            checkIn=event.check_in.isoformat(),
            checkOut=event.check_out.isoformat(),
            summary=event.summary,
            createdAt=now,
            updatedAt=now,
        )
        booking = _new_booking(channel, event, now) if stay else None
        if booking is not None:
            item.bookingId = booking.bookingId
            if forced:
                item.overbooked = True
                booking.flags = [_flag(channel, now)]
        entry = booking_audit(booking, "create", None, ACTOR, now, None) if booking else None

        def build(tx, item=item, booking=booking, entry=entry, forced=forced):
            tx.save(item, condition=ChannelEvent.uid.does_not_exist())
            if booking is not None:
                tx.save(booking, condition=Booking.bookingId.does_not_exist())
                change = InventoryChange().take(channel.roomType, nights, beyond_ceiling=forced)
                change.write(tx)
                tx.save(entry)

        if commit(build):
            if booking is not None:
                _published(booking, now, events.BookingCreated, events.BookingConfirmed)
            return item, booking
        if _event_get(channel.channelId, event.uid) is not None or not stay:
            return None
        if not forced and channel.kind in BLIND_CHANNELS and _all_full(channel.roomType, nights):
            return _echo_record(channel, event, now)
    raise InvalidTransition(f"Could not import {event.uid}: the nights' counters are missing.")


def _stay_of(held: ChannelEvent) -> Booking | None:
    """The booking the event became, or None (a closure, or a booking deleted since)."""
    if not held.bookingId:
        return None
    try:
        return booking_read(held.bookingId)
    except BookingNotFound:
        return None


def _all_full(room_type: str, nights: list[date]) -> bool:
    """No unit left on any of the nights (consistent read of their counters)."""
    counters = inventory_read(
        first=nights[0], last=nights[-1], room_type=room_type, consistent=True
    )
    return all(
        (item := counters.get((room_type, night))) is not None and item.sold >= item.ceiling
        for night in nights
    )


def _echo_record(channel: Channel, event: FeedEvent, now: datetime):
    """Keep the event without taking a unit, marked `echo` (see ChannelEvent.echo)."""
    item = ChannelEvent(
        channelId=channel.channelId,
        uid=event.uid,
        kind=event.kind,
        checkIn=event.check_in.isoformat(),
        checkOut=event.check_out.isoformat(),
        summary=event.summary,
        echo=True,
        createdAt=now,
        updatedAt=now,
    )

    def build(tx):
        tx.save(item, condition=ChannelEvent.uid.does_not_exist())

    return (item, None) if commit(build) else None


def external_stay_adopt(*, channel: Channel, held: ChannelEvent, now: datetime) -> Booking | None:
    """An event kept as a likely echo, still listed: import it as a stay now if a unit is
    free on each of its nights (then it was a real stay); None while none is."""
    event = FeedEvent(
        uid=held.uid,
        check_in=date.fromisoformat(held.checkIn),
        check_out=date.fromisoformat(held.checkOut),
        kind=held.kind,
        summary=held.summary,
    )
    nights = stay_nights(event.check_in, event.check_out)
    stay_prepare(room_type=channel.roomType, nights=nights)
    booking = _new_booking(channel, event, now)
    held.bookingId, held.echo, held.updatedAt = booking.bookingId, None, now
    entry = booking_audit(booking, "create", None, ACTOR, now, None)

    def build(tx):
        tx.save(held)  # conditional on the event's version
        tx.save(booking, condition=Booking.bookingId.does_not_exist())
        InventoryChange().take(channel.roomType, nights).write(tx)
        tx.save(entry)

    if not commit(build):
        return None
    _published(booking, now, events.BookingCreated, events.BookingConfirmed)
    return booking


def external_stay_move(
    *, channel: Channel, held: ChannelEvent, event: FeedEvent, now: datetime
) -> Booking | None:
    """Move the stay of `held` to the event's dates: its units, and its room's nights while
    the room is free for the new ones (otherwise the room is unassigned, for the assigner to
    place again), beyond the ceiling (flagged) when no unit is left. None when there was no
    live stay (the event item alone moves) or the event changed meanwhile (another sync).
    Raises StayTooLong when no way of moving it fits one transaction (limits.move_items)."""
    booking = _stay_of(held)
    if booking is None or not holds_nights(booking):
        _event_update(held, event, now)
        return None
    new_nights = stay_nights(event.check_in, event.check_out)
    stay_prepare(room_type=booking.roomType, nights=new_nights)
    # A guest in the house keeps the room (beyond the ceiling if need be); otherwise a room
    # taken for the new nights is given up before the type is overbooked.
    if booking.status == CHECKED_IN:
        attempts = [(False, True), (True, True)]
    elif booking.roomId:
        attempts = [(False, True), (False, False), (True, True), (True, False)]
    else:
        attempts = [(False, False), (True, False)]
    tried = False
    for forced, keep_room in attempts:
        booking = booking_read(booking.bookingId)  # the version this attempt writes over
        if not holds_nights(booking):
            return None
        before = booking_snapshot(booking)
        old_nights = stay_nights(
            date.fromisoformat(booking.checkIn), date.fromisoformat(booking.checkOut)
        )
        owned = booking_nights(booking=booking)
        room = booking.roomId if keep_room else None
        # One operation per item: a kept room gives back only the nights it leaves and
        # takes only those it did not hold.
        give_back = [n for n in owned if not room or date.fromisoformat(n.night) not in new_nights]
        kept = {date.fromisoformat(n.night) for n in owned} if room else set()
        taken = [n for n in new_nights if n not in kept] if room else []
        if move_items(old=old_nights, new=new_nights, room_nights_left=len(give_back),
                      room_nights_taken=len(taken)) > TRANSACTION_LIMIT:  # fmt: skip
            continue  # DynamoDB would refuse it outright: the next way, or flagged
        tried = True
        booking.checkIn, booking.checkOut = event.check_in.isoformat(), event.check_out.isoformat()
        booking.updatedAt = now
        if not room:
            booking.roomId, booking.roomPinned = None, None
        if forced and not any(f.get("flag") == OVERBOOKED for f in booking.flags or []):
            booking.flags = [*(booking.flags or []), _flag(channel, now)]
        entry = booking_audit(booking, "change", before, ACTOR, now, None)
        held.checkIn, held.checkOut = booking.checkIn, booking.checkOut
        held.summary, held.updatedAt, held.tooLong = _summary(held, event), now, None
        if forced:
            held.overbooked = True

        def build(tx, booking=booking, entry=entry, forced=forced, room=room, old=old_nights,
                  give_back=give_back, taken=taken):  # fmt: skip
            change = InventoryChange()
            stay_release(
                tx, room_type=booking.roomType, unit_nights=old, room_nights=give_back,
                change=change,
            )  # fmt: skip
            change.take(booking.roomType, new_nights, beyond_ceiling=forced)
            stay_take(
                tx,
                room_type=booking.roomType,
                unit_nights=[],
                room_id=room,
                room_nights=taken,
                booking_id=booking.bookingId,
                hold_until=None,
                now=now,
                change=change,
            )
            change.write(tx)
            tx.save(held)  # conditional on the event's version, as the booking on its own
            tx.save(booking)
            tx.save(entry)

        if commit(build):
            stats.booking_stats_project_safely(booking_id=booking.bookingId, now=now)
            events.publish(
                events.BookingChanged,
                **event_detail(booking),
                previous=before,
                roomType=booking.roomType,
                previousRoomType=booking.roomType,
            )
            return booking
        current = _event_get(held.channelId, held.uid)
        if current is None or current.version != held.version:
            return None  # Another sync moved or released it.
    if not tried:
        raise StayTooLong(f"Moving {booking.bookingId} needs more than one transaction.")
    raise InvalidTransition(f"Could not move {booking.bookingId}; the next sync tries again.")


def external_stay_release(*, held: ChannelEvent, now: datetime) -> Booking | None:
    """The event left the feed: cancel its stay (its units and room nights given back) and
    forget the event, in one transaction. None when there was no live stay to cancel (a
    stay staff cancelled already: the event is forgotten). Raises StayUnderWay for a stay
    that is under way or over: staff decide."""
    booking = _stay_of(held)
    if booking is not None and booking.status not in (CONFIRMED, PENDING, CANCELLED, EXPIRED):
        raise StayUnderWay(
            f"{booking.bookingId} is {booking.status}: the channel dropped it; staff decide."
        )
    if booking is None or not holds_nights(booking):

        def forget(tx):
            tx.delete(held)

        commit(forget)
        return None
    before = booking_snapshot(booking)
    room_nights = booking_nights(booking=booking)
    booking.status, booking.updatedAt, booking.cancelledAt = CANCELLED, now, now
    entry = booking_audit(booking, "cancel", before, ACTOR, now, None)
    nights = stay_nights(date.fromisoformat(booking.checkIn), date.fromisoformat(booking.checkOut))

    def build(tx):
        tx.delete(held)  # conditional on the event's version
        tx.save(booking)  # conditional on its version: a check-in meanwhile fails it
        stay_release(tx, room_type=booking.roomType, unit_nights=nights, room_nights=room_nights)
        tx.save(entry)

    if not commit(build):
        return None  # Changed meanwhile (checked in, moved): the next sync looks again.
    _published(booking, now, events.BookingCancelled)
    return booking


def _summary(held: ChannelEvent, event: FeedEvent) -> str:
    """The feed's summary, unless the guest was erased: it may carry their name (VRBO)."""
    return "" if held.erasedAt else event.summary


def _new_booking(channel: Channel, event: FeedEvent, now: datetime) -> Booking:
    return Booking(
        bookingId=new_booking_id(hotel_today(now)),
        roomType=channel.roomType,
        checkIn=event.check_in.isoformat(),
        checkOut=event.check_out.isoformat(),
        status=CONFIRMED,
        guestName=_guest_name(channel, event),
        guests=1,
        adults=1,
        totalPrice=0,
        subtotal=0,
        tax=0,
        currency=settings.HOTEL_CURRENCY,
        nightly=[],
        source=CHANNEL_SOURCE,
        channelId=channel.channelId,
        notes=f"Imported from {channel.name} (event {event.uid[:80]}).",
        guestTokenHash=hash_token(secrets.token_urlsafe(24)),
        createdAt=now,
        updatedAt=now,
    )


def _event_update(held: ChannelEvent, event: FeedEvent, now: datetime) -> None:
    """An event without a live stay (a closure kept as a record): new dates only."""
    held.checkIn, held.checkOut = event.check_in.isoformat(), event.check_out.isoformat()
    held.summary, held.updatedAt = _summary(held, event), now

    def build(tx):
        tx.save(held)  # conditional on the event's version

    commit(build)


def _event_get(channel_id: str, uid: str, *, consistent: bool = True) -> ChannelEvent | None:
    try:
        return ChannelEvent.get(channel_id, uid, consistent_read=consistent)
    except ChannelEvent.DoesNotExist:
        return None


def _published(booking: Booking, now: datetime, *names: str) -> None:
    stats.booking_stats_project_safely(booking_id=booking.bookingId, now=now)
    for name in names:
        events.publish(name, **event_detail(booking))
