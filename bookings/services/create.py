"""Creating a booking: a pending hold on a unit of a room type (and, for a pinned room, that
room's nights) for a stay, in one transaction.

Nothing sold twice under any load: each night's unit is conditional on the type's counter
having one left (bookings.inventory), each pinned room night on being free (or held by an
expired hold); a guest's online hold also claims one of its client's hold slots in the same
transaction (bookings.holds). Events and the stats projection follow the write.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pynamodb.exceptions import DoesNotExist

from hotel import events
from hotel.dynamo import commit
from hotel.errors import NotFound, ValidationFailed

from .. import holds, stats
from ..blocks.services import block_for_stay, block_quote, block_refusal
from ..clock import hotel_today
from ..exceptions import RoomUnavailable
from ..extras.booking import extras_apply, extras_choose
from ..extras.stock import extras_sold_out, extras_stock_take
from ..models import PENDING, Booking
from ..offers import guests_field_errors, guests_from, promo_refusal
from ..pricing import Quote
from ..promo_uses import promo_refused_why, promo_take
from ..rate_reads import DEFAULT_PLAN, promo_get
from ..stay_pricing import booking_price_fields, quote_request
from .common import booking_audit, event_detail, hash_token, room_bookable, room_read
from .expiry import lapsed_holds_reclaim
from .stay import stay_prepare, stay_take, type_bookable, type_read
from .validation import guest_fields_validate, stay_validate

ID_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read out over the phone
DEAD_BOOKING_RETENTION = timedelta(days=400)


def new_reference(prefix: str, day: date) -> str:
    """A reference a clerk can read out: `PREFIX-YYYYMMDD-` and 8 unambiguous characters
    (bookings BK-…, payments TXN-…)."""
    suffix = "".join(secrets.choice(ID_ALPHABET) for _ in range(8))
    return f"{prefix}-{day:%Y%m%d}-{suffix}"


def new_booking_id(today: date) -> str:
    return new_reference("BK", today)


@dataclass(frozen=True)
class CreatedBooking:
    booking: Booking
    guest_token: str
    quote: Quote


def booking_create(
    *,
    room_id: str | None = None,
    room_type: str | None = None,
    check_in: date,
    check_out: date,
    guests: int,
    guest_name: str,
    guest_email: str | None,
    guest_phone: str | None = None,
    notes: str = "",
    source: str = "api",
    actor: str,
    now: datetime,
    request_id: str | None = None,
    guest_client: str | None = None,
    rate_plan: str | None = None,
    adults: int | None = None,
    children_ages: list[int] | tuple[int, ...] | None = None,
    promo_code: str | None = None,
    channel: str | None = None,
    extras: list[dict] | None = None,
    block_code: str | None = None,
) -> CreatedBooking:
    """Hold a unit of `room_type` for a stay (`roomId` None: the product assigns a room
    later), or pin `room_id` (a unit of its type and that room's nights): a pending booking
    and everything it holds in one transaction.

    `guest_client` (the client address) makes it a guest's online hold: short, and capped
    per client by a slot claimed in the same transaction (bookings.holds); without it the
    hold is staff's (HOTEL_HOLD_MINUTES).

    Priced under `rate_plan` (default FLEX; offered to `channel`: "web", "api", "staff",
    None for any) for `adults` and `children_ages` (without them, `guests` adults), less
    `promo_code`, whose use is counted in the same transaction (bookings.promo_uses); the
    booking keeps the quote and a snapshot of its terms (bookings.stay_pricing).
    `extras` ([{"code", "quantity"}]) are sold with the stay, their daily stock taken in the
    same transaction (bookings.extras; staff — channel None or "staff" — may sell extras
    not bookable online).
    With `block_code`, a unit of that group block is picked instead (bookings.blocks: the
    block's type and nights, at its rate, no promo).
    Raises ValidationFailed, StayTooLong, NotFound (room), TooManyGuests,
    StayRuleViolation, RoomUnavailable, TooManyHolds, PromoUsedUp, ExtraSoldOut,
    BlockFull, BlockReleased.
    """
    block = None
    if block_code:
        block = block_for_stay(
            code=block_code, room_type=room_type, check_in=check_in, check_out=check_out
        )
        room_type = room_type or (None if room_id else block.roomType)
    if not room_id and not room_type:
        raise ValidationFailed(
            details={"fields": {"roomType": ["Give a roomType (or a roomId to pin a room)."]}}
        )
    errors: dict[str, list[str]] = {}  # every field's problem in one answer
    for check in (
        lambda: stay_validate(check_in=check_in, check_out=check_out, today=hotel_today(now)),
        lambda: guest_fields_validate(
            guest_name=guest_name, guest_email=guest_email, guest_phone=guest_phone, source=source
        ),
    ):
        try:
            check()
        except ValidationFailed as exc:
            errors.update(exc.details.get("fields") or {})
    if len(notes or "") > 2000:
        errors["notes"] = ["At most 2000 characters."]
    errors.update(guests_field_errors(adults, children_ages))
    promo = None
    if promo_code:
        promo = promo_get(promo_code)
        refusal = (
            promo_refusal(promo, today=hotel_today(now), check_in=check_in, check_out=check_out)
            if "checkIn" not in errors and "checkOut" not in errors
            else None
        )
        if refusal:
            errors["promoCode"] = [refusal]
    chosen: list[dict] = []
    stocks: dict[str, int] = {}
    if extras and "checkIn" not in errors and "checkOut" not in errors:
        chosen, stocks, extra_errors = extras_choose(
            extras,
            plan=(rate_plan or DEFAULT_PLAN).strip().upper(),
            check_in=check_in,
            check_out=check_out,
            persons=(adults or guests or 1) + len(children_ages or ()),
            staff=channel in (None, "staff"),
        )
        errors.update(extra_errors)
    if errors:
        dates_only = set(errors) <= {"checkIn", "checkOut"}
        message = "These dates cannot be booked." if dates_only else None
        raise ValidationFailed(message, details={"fields": errors})
    guest_fields = guest_fields_validate(
        guest_name=guest_name, guest_email=guest_email, guest_phone=guest_phone, source=source
    )
    party = guests_from(adults=adults, children_ages=children_ages, guest_count=guests)
    room = None
    if room_id:
        room = room_read(room_id)
        if room_type and room_type != room.roomType:
            raise ValidationFailed(
                details={"fields": {"roomType": [f"Room {room_id} is a {room.roomType}."]}}
            )
        room_bookable(room, party.count)
        kind = type_read(room.roomType)
    else:
        try:
            kind = type_read(room_type)
        except NotFound:
            raise ValidationFailed(
                details={"fields": {"roomType": [f"No room type {str(room_type)[:40]} exists."]}}
            ) from None
        type_bookable(kind, party.count)
    if block and kind.roomType != block.roomType:
        raise ValidationFailed(
            details={"fields": {"roomId": [f"Block {block.code} holds {block.roomType} rooms."]}}
        )
    quote = (
        block_quote(
            block=block,
            check_in=check_in,
            check_out=check_out,
            adults=party.adults,
            children_ages=party.children_ages,
        )
        if block
        else quote_request(
            kind=kind,
            check_in=check_in,
            check_out=check_out,
            now=now,
            guests=party,
            plan_code=rate_plan,
            promo=promo,
            channel=channel,
            room=room,
        )
    )
    priced = booking_price_fields(quote)
    if priced["promoCode"] and promo.perGuest:
        priced["terms"]["promoPerGuest"] = True
    applied = promo if priced["promoCode"] else None
    nights = [n.night for n in quote.nightly]
    stay_prepare(room_type=kind.roomType, nights=nights)
    reclaimed = False
    guest = guest_client is not None
    hold_until = holds.guest_hold_until(now) if guest else holds.staff_hold_until(now)
    slots = holds.SlotPicker(client=guest_client, now=now) if guest else None
    token = secrets.token_urlsafe(24)
    # A new id on the (astronomically rare) id collision; another slot when a concurrent
    # hold of the same client took the one tried.
    for _attempt in range(3 + (slots.cap if slots else 0)):
        slot = slots.pick() if slots else None
        booking = Booking(
            bookingId=new_booking_id(hotel_today(now)),
            roomId=room.roomId if room else None,
            roomPinned=True if room else None,
            roomType=kind.roomType,
            checkIn=check_in.isoformat(),
            checkOut=check_out.isoformat(),
            status=PENDING,
            guests=party.count,
            source=source,
            notes=notes or "",
            guestTokenHash=hash_token(token),
            createdAt=now,
            updatedAt=now,
            expiresAt=hold_until,
            purgeAt=hold_until + DEAD_BOOKING_RETENTION,
            guestHold=True if guest else None,
            holdSlot=slot,
            blockCode=block.code if block else None,
            **priced,
            **guest_fields,
        )
        if chosen:
            extras_apply(booking, chosen)
        entry = booking_audit(booking, "create", None, actor, now, request_id)

        def build(tx, booking=booking, entry=entry, slot=slot):
            tx.save(booking, condition=Booking.bookingId.does_not_exist())
            if applied:
                promo_take(tx, promo=applied, guest_email=booking.guestEmail)
            if chosen:
                extras_stock_take(tx, items=chosen, stocks=stocks)
            if slot:
                holds.slot_claim(
                    tx, slot=slot, booking_id=booking.bookingId, until=hold_until, now=now
                )
            stay_take(
                tx,
                room_type=kind.roomType,
                unit_nights=nights,
                room_id=booking.roomId,
                room_nights=nights,
                booking_id=booking.bookingId,
                hold_until=hold_until,
                now=now,
                block=booking.blockCode,
            )
            tx.save(entry)

        if not commit(build):
            if _booking_exists(booking.bookingId):
                continue
            if slot and slots.lost(slot, booking_id=booking.bookingId):
                continue
            if applied and (used_up := promo_refused_why(applied, booking.guestEmail)):
                raise used_up
            if chosen and (sold_out := extras_sold_out(chosen, stocks)):
                raise sold_out
            if not reclaimed:  # Lapsed holds may still count: expire them, try once more.
                reclaimed = True
                if lapsed_holds_reclaim(room_type=kind.roomType, nights=nights, now=now):
                    continue
            if block:
                raise block_refusal(block, nights)
            if room:
                raise RoomUnavailable(
                    f"Room {room.roomId} is already booked for some of these nights."
                )
            raise RoomUnavailable(
                f"No {kind.name} is left for every night of this stay.",
                details={"roomType": kind.roomType},
            )
        stats.booking_stats_project_safely(booking_id=booking.bookingId, now=now)
        events.publish(events.BookingCreated, **event_detail(booking))
        return CreatedBooking(booking=booking, guest_token=token, quote=quote)
    if slots:
        raise slots.too_many()  # Every try lost its slot to this client's other holds.
    raise RuntimeError("Could not allocate a booking id")  # pragma: no cover


def _booking_exists(booking_id: str) -> bool:
    try:
        Booking.get(booking_id, attributes_to_get=["bookingId"])
    except DoesNotExist:
        return False
    return True
