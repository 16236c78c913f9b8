"""Creating a booking: a pending hold on a unit of a room type (and, for a pinned room, that
room's nights) for a stay, in one transaction.

Nothing sold twice under any load: each night's unit is conditional on the type's counter
having one left (bookings.inventory), each pinned room night on being free (or held by an
expired hold); a guest's online hold also claims one of its client's hold slots in the same
transaction (bookings.holds). Events and the stats projection follow the write.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from hotel import events
from hotel.dynamo import commit

from .. import holds, stats
from ..blocks.errors import BlockFull
from ..blocks.services import block_refusal
from ..clock import hotel_today
from ..exceptions import RoomUnavailable
from ..extras.stock import extras_sold_out
from ..models import Booking
from ..pricing import Quote
from ..promo_uses import promo_refused_why
from .common import booking_audit, event_detail, hash_token
from .draft import StayDraft, draft_booking, draft_take, stay_draft
from .expiry import lapsed_holds_reclaim
from .stay import stay_prepare

ID_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read out over the phone
# The draft is shared with bookings.reservations, which takes it from here.
__all__ = ["CreatedBooking", "StayDraft", "booking_create", "draft_booking", "draft_take"]
__all__ += ["new_booking_id", "new_reference", "stay_draft"]


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
    language: str | None = None,
    also: Callable[[TransactWrite, Booking], None] | None = None,
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
    `language`: the guest's (hotel.languages); every email about the stay is written in it.
    `also(tx, booking)` adds the caller's writes to the booking's transaction (an
    Idempotency-Key's mark, hotel.idempotency).
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
        block_code=block_code,
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
            language=language,
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
            if also is not None:
                also(tx, booking)

        try:
            written = commit(build)
        except TransactWriteError:  # unanswered, throttled: maybe written, its answer lost
            if _token_hash_of(booking.bookingId) != booking.guestTokenHash:
                raise
            written = True
        if not written:
            owner = _token_hash_of(booking.bookingId)
            if owner is not None and owner != booking.guestTokenHash:
                continue  # the id is another booking's
            # Our own write after all, its answer lost and a resend refused by its own
            # conditions (transact resends with the same token, so only a last defence).
            written = owner is not None
        if not written:
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
            if draft.block:  # the block's own reason, unless only the pinned room was taken
                refusal = block_refusal(draft.block, nights)
                if not room or not isinstance(refusal, BlockFull) or refusal.details["nights"]:
                    raise refusal
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


def _token_hash_of(booking_id: str) -> str | None:
    """The guest token hash of the booking stored under `booking_id`, None if there is none."""
    try:
        stored = Booking.get(booking_id, consistent_read=True, attributes_to_get=["guestTokenHash"])
    except DoesNotExist:
        return None
    return stored.guestTokenHash
