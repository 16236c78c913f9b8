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
from pynamodb.transactions import TransactWrite

from hotel import events
from hotel.dynamo import commit
from hotel.errors import NotFound, ValidationFailed
from rooms.models import Room, RoomType

from .. import holds, stats
from ..clock import hotel_today
from ..exceptions import RoomUnavailable
from ..extras.booking import extras_apply, extras_choose
from ..extras.stock import extras_sold_out, extras_stock_take
from ..inventory import InventoryChange
from ..models import PENDING, Booking, PromoCode
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
    Raises ValidationFailed, StayTooLong, NotFound (room), TooManyGuests,
    StayRuleViolation, RoomUnavailable, TooManyHolds, PromoUsedUp, ExtraSoldOut.
    """
    draft = stay_draft(
        room_id=room_id,
        room_type=room_type,
        check_in=check_in,
        check_out=check_out,
        guests=guests,
        guest_name=guest_name,
        guest_email=guest_email,
        guest_phone=guest_phone,
        notes=notes,
        source=source,
        now=now,
        rate_plan=rate_plan,
        adults=adults,
        children_ages=children_ages,
        promo_code=promo_code,
        channel=channel,
        extras=extras,
    )
    kind, room, nights = draft.kind, draft.room, draft.nights
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
        booking = draft_booking(
            draft,
            booking_id=new_booking_id(hotel_today(now)),
            token_hash=hash_token(token),
            source=source,
            notes=notes,
            now=now,
            hold_until=hold_until,
            guest=guest,
            slot=slot,
        )
        entry = booking_audit(booking, "create", None, actor, now, request_id)

        def build(tx, booking=booking, entry=entry, slot=slot):
            tx.save(booking, condition=Booking.bookingId.does_not_exist())
            if slot:
                holds.slot_claim(
                    tx, slot=slot, booking_id=booking.bookingId, until=hold_until, now=now
                )
            draft_take(tx, draft, booking, hold_until=hold_until, now=now)
            tx.save(entry)

        if not commit(build):
            if _booking_exists(booking.bookingId):
                continue
            if slot and slots.lost(slot, booking_id=booking.bookingId):
                continue
            if draft.promo and (used_up := promo_refused_why(draft.promo, booking.guestEmail)):
                raise used_up
            if draft.chosen and (sold_out := extras_sold_out(draft.chosen, draft.stocks)):
                raise sold_out
            if not reclaimed:  # Lapsed holds may still count: expire them, try once more.
                reclaimed = True
                if lapsed_holds_reclaim(room_type=kind.roomType, nights=nights, now=now):
                    continue
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
        return CreatedBooking(booking=booking, guest_token=token, quote=draft.quote)
    if slots:
        raise slots.too_many()  # Every try lost its slot to this client's other holds.
    raise RuntimeError("Could not allocate a booking id")  # pragma: no cover


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
) -> StayDraft:
    """Validate and price one stay (booking_create's parameters); nothing is written.

    Raises ValidationFailed (every field's problem at once), StayTooLong, NotFound (room),
    TooManyGuests, StayRuleViolation, RoomUnavailable (a pinned room out of service)."""
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
    quote = quote_request(
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
) -> Booking:
    """The pending Booking of a drafted stay (not saved)."""
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
    )


def _booking_exists(booking_id: str) -> bool:
    try:
        Booking.get(booking_id, attributes_to_get=["bookingId"])
    except DoesNotExist:
        return False
    return True
