"""A stay validated and priced but not written yet: what booking_create and a reservation's
stays (bookings.reservations) share, so a stay is priced and held the same alone or with
others. `stay_draft` validates and prices, `draft_booking` builds the pending Booking,
`draft_take` adds what it holds to the caller's transaction.

A stay picked from a group block (`block_code`) is priced at the block's rate and takes a unit
of the block (bookings.blocks) instead of one of its type's general units.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pynamodb.transactions import TransactWrite

from hotel.errors import NotFound, ValidationFailed
from hotel.languages import guest_language
from rooms.models import Room, RoomType

from ..blocks.models import Block
from ..blocks.services import block_for_stay, block_quote
from ..clock import hotel_today
from ..extras.booking import extras_apply, extras_choose
from ..extras.stock import extras_stock_take
from ..inventory import InventoryChange
from ..models import PENDING, Booking, PromoCode
from ..offers import guests_field_errors, guests_from, promo_refusal
from ..pricing import Quote
from ..promo_uses import promo_take
from ..rate_reads import DEFAULT_PLAN, promo_get
from ..stay_pricing import booking_price_fields, quote_request
from .common import room_bookable, room_read
from .stay import stay_take, type_bookable, type_read
from .validation import guest_fields_validate, stay_validate

DEAD_BOOKING_RETENTION = timedelta(days=400)


@dataclass
class StayDraft:
    """A stay validated and priced, not written yet: what `draft_booking` builds the Booking
    from and `draft_take` takes for it in the transaction (booking_create and
    bookings.reservations share it, so a stay is priced the same alone or in a reservation)."""

    kind: RoomType
    room: Room | None
    quote: Quote
    priced: dict
    promo: PromoCode | None  # applied (it changed the price), its use counted by draft_take
    nights: list[date]
    chosen: list[dict]
    stocks: dict[str, int]
    guest_fields: dict
    guests: int
    block: Block | None = None  # picked from this group block


def stay_draft(
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
    now: datetime,
    rate_plan: str | None = None,
    adults: int | None = None,
    children_ages: list[int] | tuple[int, ...] | None = None,
    promo_code: str | None = None,
    channel: str | None = None,
    extras: list[dict] | None = None,
    block_code: str | None = None,
) -> StayDraft:
    """Validate and price one stay (booking_create's parameters); nothing is written.

    Raises ValidationFailed (every field's problem at once), StayTooLong, NotFound (room),
    TooManyGuests, StayRuleViolation, RoomUnavailable (a pinned room out of service),
    BlockReleased / NotFound (the block)."""
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
    return StayDraft(
        kind=kind,
        room=room,
        quote=quote,
        priced=priced,
        promo=promo if priced["promoCode"] else None,
        nights=[n.night for n in quote.nightly],
        chosen=chosen,
        stocks=stocks,
        guest_fields=guest_fields,
        guests=party.count,
        block=block,
    )


def draft_booking(
    draft: StayDraft,
    *,
    booking_id: str,
    token_hash: str,
    source: str,
    notes: str,
    now: datetime,
    hold_until: datetime,
    guest: bool,
    slot: str | None,
    language: str | None = None,
) -> Booking:
    """The pending Booking of a drafted stay (not saved), written to the guest in `language`
    (a code of settings.LANGUAGES; anything else is the default)."""
    booking = Booking(
        bookingId=booking_id,
        roomId=draft.room.roomId if draft.room else None,
        roomPinned=True if draft.room else None,
        roomType=draft.kind.roomType,
        checkIn=draft.quote.check_in.isoformat(),
        checkOut=draft.quote.check_out.isoformat(),
        status=PENDING,
        guests=draft.guests,
        source=source,
        notes=notes or "",
        guestTokenHash=token_hash,
        createdAt=now,
        updatedAt=now,
        expiresAt=hold_until,
        purgeAt=hold_until + DEAD_BOOKING_RETENTION,
        guestHold=True if guest else None,
        holdSlot=slot,
        blockCode=draft.block.code if draft.block else None,
        language=guest_language(language),
        **draft.priced,
        **draft.guest_fields,
    )
    if draft.chosen:
        extras_apply(booking, draft.chosen)
    return booking


def draft_take(
    tx: TransactWrite,
    draft: StayDraft,
    booking: Booking,
    *,
    hold_until: datetime,
    now: datetime,
    change: InventoryChange | None = None,
    promo: bool = True,
) -> None:
    """In the booking's transaction: everything a drafted stay holds — its promo use (unless
    `promo` is False: the caller counts the uses of several stays at once), its extras'
    stock, its type's units (into `change` when given) and its pinned room's nights."""
    if promo and draft.promo:
        promo_take(tx, promo=draft.promo, guest_email=booking.guestEmail)
    if draft.chosen:
        extras_stock_take(tx, items=draft.chosen, stocks=draft.stocks)
    stay_take(
        tx,
        room_type=draft.kind.roomType,
        unit_nights=draft.nights,
        room_id=booking.roomId,
        room_nights=draft.nights,
        booking_id=booking.bookingId,
        hold_until=hold_until,
        now=now,
        change=change,
        block=booking.blockCode,
    )
