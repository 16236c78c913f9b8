"""Booking writes: create (a hold), the lifecycle, change/move, cancel, expire holds.

No double booking under any load: a booking and one RoomNight item per night are
written in one DynamoDB transaction, each night conditional on not existing (or on
belonging to a hold that has expired). The loser of a race fails inside DynamoDB.
Every write carries its audit entry in the same transaction; events go out after it.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from hotel import events
from hotel.audit.services import audit_entry
from hotel.dynamo import conditional_check_failed, transact
from hotel.errors import ValidationFailed
from rooms.models import HOUSEKEEPING_OUT_OF_ORDER, STATUS_MAINTENANCE, Room

from . import holds, room_state
from .exceptions import (
    BookingNotFound,
    HoldExpired,
    InvalidTransition,
    PaymentOpen,
    PriceChanged,
    RoomUnavailable,
    StayTooLong,
    TooManyGuests,
)
from .lifecycle import CHANGEABLE, STAFF_TARGETS, SYSTEM_REVIVALS, TRANSITIONS, hold_is_live
from .models import (
    CANCELLED,
    CHECKED_IN,
    CHECKED_OUT,
    CONFIRMED,
    EXPIRED,
    LIVE_STATUSES,
    NO_SHOW,
    PENDING,
    SOURCES,
    Booking,
    RoomNight,
)
from .pricing import Quote, stay_nights
from .selectors import booking_quote
from .stats import booking_stats_project_safely, stats_catch_up

logger = logging.getLogger(__name__)

EVENT_FOR_STATUS = {
    CONFIRMED: events.BookingConfirmed,
    CANCELLED: events.BookingCancelled,
    EXPIRED: events.BookingExpired,
    CHECKED_IN: events.GuestCheckedIn,
    CHECKED_OUT: events.GuestCheckedOut,
    NO_SHOW: events.BookingNoShow,
}
# A higher layer's veto on a plain cancel: payments registers one (from its AppConfig.ready)
# so that a booking with money paid is cancelled only through its refunding cancel service,
# which passes `refund_handled=True`. Bookings never import payments.
CancelGuard = Callable[[Booking], None]
_CANCEL_GUARDS: list[CancelGuard] = []
ID_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read out over the phone
PHONE_RE = re.compile(r"^\+?[0-9 ()./-]{6,25}$")
DEAD_BOOKING_RETENTION = timedelta(days=400)


# --- pure helpers -------------------------------------------------------------------------------


def hotel_today(now: datetime) -> date:
    """Today's date in the hotel's time zone."""
    return now.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def stay_validate(*, check_in: date, check_out: date, today: date) -> None:
    """Raise ValidationFailed / StayTooLong unless [check_in, check_out) is a bookable stay."""
    errors: dict[str, list[str]] = {}
    if check_in < today:
        errors["checkIn"] = ["Check-in cannot be in the past."]
    if check_out <= check_in:
        errors["checkOut"] = ["Check-out must be after check-in."]
    horizon = today + timedelta(days=settings.HOTEL_BOOKING_HORIZON_DAYS)
    if check_in > horizon:
        errors.setdefault("checkIn", []).append(
            f"Bookings open {settings.HOTEL_BOOKING_HORIZON_DAYS} days ahead."
        )
    if errors:
        raise ValidationFailed("These dates cannot be booked.", details={"fields": errors})
    nights = (check_out - check_in).days
    if nights > settings.HOTEL_MAX_STAY_NIGHTS:
        raise StayTooLong(
            f"A booking can be at most {settings.HOTEL_MAX_STAY_NIGHTS} nights "
            f"(this one is {nights}). Split longer stays into several bookings.",
            details={"maxNights": settings.HOTEL_MAX_STAY_NIGHTS, "nights": nights},
        )


def new_booking_id(today: date) -> str:
    suffix = "".join(secrets.choice(ID_ALPHABET) for _ in range(8))
    return f"BK-{today:%Y%m%d}-{suffix}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def guest_token_matches(booking: Booking, token: str | None) -> bool:
    return bool(token) and hmac.compare_digest(booking.guestTokenHash, hash_token(token))


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def booking_snapshot(booking: Booking) -> dict:
    return {
        "status": booking.status,
        "roomId": booking.roomId,
        "checkIn": booking.checkIn,
        "checkOut": booking.checkOut,
        "guests": booking.guests,
        "guestName": booking.guestName,
        "guestEmail": booking.guestEmail,
        "guestPhone": booking.guestPhone,
        "totalPrice": booking.totalPrice,
        "currency": booking.currency,
        "notes": booking.notes,
        **({"flags": booking.flags} if booking.flags else {}),
    }


def _audit(
    booking: Booking, action: str, before: dict | None, actor: str, now, request_id, note=None
):
    """The audit entry that rides in the same transaction as the booking's change."""
    return audit_entry(
        actor=actor,
        action=action,
        object_type="bookings.booking",
        object_id=booking.bookingId,
        before=before,
        after={**booking_snapshot(booking), **(note or {})},
        now=now,
        request_id=request_id,
    )


def guest_fields_validate(
    *, guest_name: str, guest_email: str | None, guest_phone: str | None, source: str
) -> dict:
    errors: dict[str, list[str]] = {}
    name = (guest_name or "").strip()
    if not 1 <= len(name) <= 120:
        errors["guestName"] = ["Enter the guest's name (at most 120 characters)."]
    email = (guest_email or "").strip().lower() or None
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["guestEmail"] = ["Enter a valid email address."]
    elif source != "front_desk":
        errors["guestEmail"] = ["An email is needed to send the confirmation."]
    phone = (guest_phone or "").strip() or None
    if phone and not PHONE_RE.match(phone):
        errors["guestPhone"] = ["Enter a phone number (digits, spaces, + and dashes)."]
    if source not in SOURCES:
        errors["source"] = [f"Choose one of: {', '.join(SOURCES)}."]
    if errors:
        raise ValidationFailed(details={"fields": errors})
    return {"guestName": name, "guestEmail": email, "guestPhone": phone}


# --- reads used by writes -----------------------------------------------------------------------


def _booking(booking_id: str) -> Booking:
    try:
        return Booking.get(booking_id, consistent_read=True)
    except DoesNotExist as exc:
        raise BookingNotFound(f"Booking {booking_id} does not exist.") from exc


def _room(room_id: str) -> Room:
    try:
        return Room.get(room_id, consistent_read=True)
    except DoesNotExist as exc:
        from hotel.errors import NotFound

        raise NotFound(f"Room {room_id} does not exist.", code="ROOM_NOT_FOUND") from exc


def _room_bookable(room: Room, guests: int) -> None:
    if room.status == STATUS_MAINTENANCE:
        raise RoomUnavailable(f"Room {room.roomId} is out of service for maintenance.")
    if room.housekeeping == HOUSEKEEPING_OUT_OF_ORDER:
        raise RoomUnavailable(f"Room {room.roomId} is out of order and cannot be sold.")
    if not 1 <= guests <= room.capacity:
        raise TooManyGuests(
            f"Room {room.roomId} takes up to {room.capacity} guests.",
            details={"fields": {"guests": [f"Between 1 and {room.capacity}."]}},
        )


def _owned_nights(booking: Booking) -> list[RoomNight]:
    """The booking's nights that it still holds (an expired hold may have lost some)."""
    keys = [(booking.roomId, n.isoformat()) for n in _nights_of(booking)]
    return [night for night in RoomNight.batch_get(keys) if night.bookingId == booking.bookingId]


def _nights_of(booking: Booking) -> list[date]:
    return stay_nights(date.fromisoformat(booking.checkIn), date.fromisoformat(booking.checkOut))


def _take_night(tx: TransactWrite, *, room_id: str, night: date, booking_id: str, hold_until, now):
    item = RoomNight(roomId=room_id, night=night.isoformat(), bookingId=booking_id)
    item.holdExpiresAt = _epoch(hold_until) if hold_until else None
    # Free, or held by a hold that has expired (even before the sweeper has run).
    tx.save(
        item,
        condition=RoomNight.roomId.does_not_exist() | (RoomNight.holdExpiresAt < _epoch(now)),
    )


def _release_night(tx: TransactWrite, night: RoomNight) -> None:
    tx.delete(night, condition=RoomNight.bookingId == night.bookingId)


# --- create ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CreatedBooking:
    booking: Booking
    guest_token: str
    quote: Quote


def booking_create(
    *,
    room_id: str,
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
) -> CreatedBooking:
    """Hold a room for a stay: a pending booking and its nights in one transaction.

    `guest_client` (the client address) makes it a guest's online hold: short, and capped
    per client by a slot claimed in the same transaction (bookings.holds); without it the
    hold is staff's (HOTEL_HOLD_MINUTES). Raises ValidationFailed, StayTooLong, NotFound
    (room), TooManyGuests, StayRuleViolation, RoomUnavailable, TooManyHolds.
    """
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
    if errors:
        dates_only = set(errors) <= {"checkIn", "checkOut"}
        message = "These dates cannot be booked." if dates_only else None
        raise ValidationFailed(message, details={"fields": errors})
    guest_fields = guest_fields_validate(
        guest_name=guest_name, guest_email=guest_email, guest_phone=guest_phone, source=source
    )
    room = _room(room_id)
    _room_bookable(room, guests)
    quote = booking_quote(room=room, check_in=check_in, check_out=check_out)
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
            roomId=room.roomId,
            roomType=room.roomType,
            checkIn=check_in.isoformat(),
            checkOut=check_out.isoformat(),
            status=PENDING,
            guests=guests,
            totalPrice=quote.total,
            subtotal=quote.subtotal,
            tax=quote.tax,
            currency=quote.currency,
            nightly=quote.nightly_dicts(),
            source=source,
            notes=notes or "",
            guestTokenHash=hash_token(token),
            createdAt=now,
            updatedAt=now,
            expiresAt=hold_until,
            purgeAt=hold_until + DEAD_BOOKING_RETENTION,
            guestHold=True if guest else None,
            holdSlot=slot,
            **guest_fields,
        )
        entry = _audit(booking, "create", None, actor, now, request_id)

        def build(tx, booking=booking, entry=entry, slot=slot):
            tx.save(booking, condition=Booking.bookingId.does_not_exist())
            room_state.room_sellable_check(tx, room_id=room.roomId, now=now)
            if slot:
                holds.slot_claim(
                    tx, slot=slot, booking_id=booking.bookingId, until=hold_until, now=now
                )
            for night in quote.nightly:
                _take_night(
                    tx,
                    room_id=room.roomId,
                    night=night.night,
                    booking_id=booking.bookingId,
                    hold_until=hold_until,
                    now=now,
                )
            tx.save(entry)

        try:
            transact(build)
        except TransactWriteError as exc:
            if not conditional_check_failed(exc):
                raise
            if _booking_exists(booking.bookingId):
                continue
            if slot and slots.lost(slot, booking_id=booking.bookingId):
                continue
            raise RoomUnavailable(
                f"Room {room.roomId} is already booked for some of these nights."
            ) from exc
        booking_stats_project_safely(booking_id=booking.bookingId, now=now)
        events.publish(events.BookingCreated, **_event_detail(booking))
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


def _event_detail(booking: Booking) -> dict:
    return {
        "bookingId": booking.bookingId,
        "status": booking.status,
        "roomId": booking.roomId,
        "checkIn": booking.checkIn,
        "checkOut": booking.checkOut,
        "totalPrice": booking.totalPrice,
        "currency": booking.currency,
    }


# --- the lifecycle --------------------------------------------------------------------------------


def booking_cancel_guard_register(guard: CancelGuard) -> CancelGuard:
    """Have `guard(booking)` run before every cancel that does not handle the refund itself;
    it raises a DomainError to refuse. Registering the same guard twice is a no-op."""
    if guard not in _CANCEL_GUARDS:
        _CANCEL_GUARDS.append(guard)
    return guard


def booking_transition(
    *,
    booking_id: str,
    to_status: str,
    actor: str,
    now: datetime,
    request_id: str | None = None,
    system: bool = False,
    also: Callable[[TransactWrite], None] | None = None,
    late_confirm: bool = False,
    refund_handled: bool = False,
    paid: int | None = None,
    override_housekeeping: bool = False,
) -> Booking:
    """Move a booking along the lifecycle (TRANSITIONS), with its side effects, atomically.

    confirmed: the hold ends (nights kept for good); cancelled / no-show / expired /
    checked-out: the nights are released; checked-in: the room becomes occupied;
    checked-out: the room becomes available and dirty. Raises BookingNotFound,
    InvalidTransition, HoldExpired, RoomOccupied and RoomNotReady (check-in: another guest
    is in house, or the room is out of order, or it is dirty / out of service and
    `override_housekeeping` — the clerk's audited "check in anyway" — is not given).

    `also(tx)` adds the caller's writes to the same transaction (a payment marked paid
    together with the booking it confirms); it may be called more than once. With
    `late_confirm`, a pending booking whose hold has expired is still confirmed as long
    as it owns every night (a payment that was started while the hold was live).
    A cancel runs the registered cancel guards (booking_cancel_guard_register) unless the
    caller says with `refund_handled` that it applies the cancellation refund itself.
    With `paid` (what a payment paid, minor units), the booking is confirmed only if it costs
    exactly that, as a condition of the same transaction; else PriceChanged and nothing is
    written. Confirming clears the booking's open-payment marks (openPayments).
    """
    for attempt in range(3):
        booking = _booking(booking_id)
        previous = booking.status
        if to_status not in TRANSITIONS.get(previous, ()) or (
            to_status not in STAFF_TARGETS and not system
        ):
            raise InvalidTransition(
                f"A {previous} booking cannot become {to_status}.",
                details={
                    "from": previous,
                    "to": to_status,
                    "allowed": sorted(TRANSITIONS.get(previous, ()) & STAFF_TARGETS),
                },
            )
        if to_status == CANCELLED and not refund_handled:
            for guard in _CANCEL_GUARDS:
                guard(booking)  # Read each attempt: a retry sees a payment made meanwhile.
        _price_check(booking, paid)
        held = previous == PENDING
        if to_status == CONFIRMED and held and booking.expiresAt <= now and not late_confirm:
            raise HoldExpired(
                f"The hold on {booking_id} expired at {booking.expiresAt:%Y-%m-%d %H:%M} UTC."
            )
        before = booking_snapshot(booking)
        booking.status = to_status
        booking.updatedAt = now
        if to_status == CONFIRMED:
            booking.expiresAt = None
            booking.purgeAt = None
            booking.openPayments = None
        if to_status == CANCELLED:
            booking.cancelledAt = now
        elif to_status == CHECKED_IN:
            booking.checkedInAt = now
        elif to_status == CHECKED_OUT:
            booking.checkedOutAt = now
        effects = _TransitionEffects(
            booking, to_status=to_status, now=now, override_housekeeping=override_housekeeping
        )
        entry = _audit(
            booking, f"status:{to_status}", before, actor, now, request_id, effects.audit_note()
        )

        def build(tx, booking=booking, entry=entry, previous=previous, effects=effects):
            tx.save(booking, condition=(Booking.status == previous) & _price_condition(paid))
            effects.apply(tx)
            tx.save(entry)
            if also is not None:
                also(tx)

        try:
            transact(build)
        except TransactWriteError as exc:
            if conditional_check_failed(exc) and attempt < 2:
                continue  # Someone changed the booking, a night or the room: re-read and retry.
            if conditional_check_failed(exc):
                if to_status == CONFIRMED:
                    raise HoldExpired(f"The nights of {booking_id} are no longer held.") from exc
                raise InvalidTransition("The booking changed meanwhile; reload it.") from exc
            raise
        if held:
            holds.slot_release(booking)  # The hold ended: its slot is free for a new one.
        booking_stats_project_safely(booking_id=booking.bookingId, now=now)
        events.publish(
            EVENT_FOR_STATUS[to_status], **_event_detail(booking), previousStatus=previous
        )
        return booking
    raise InvalidTransition("The booking changed meanwhile; reload it.")  # pragma: no cover


class _TransitionEffects:
    """What a transition does besides the status, read once before the transaction.

    confirmed: the hold ends on every night; cancelled / no-show / expired / checked-out:
    the nights the booking still owns are released; checked-in / checked-out: the room's
    state changes (conditional on the room's version; check-in also on the room being
    empty and ready, see bookings.room_state). Raises RoomOccupied, RoomNotReady.
    """

    def __init__(
        self, booking: Booking, *, to_status: str, now: datetime, override_housekeeping=False
    ):
        self.to_status = to_status
        self.now = now
        self.booking_id = booking.bookingId
        self.override_housekeeping = override_housekeeping
        self.nights = _owned_nights(booking) if to_status != CHECKED_IN else []
        if to_status == CONFIRMED and len(self.nights) != len(_nights_of(booking)):
            raise _lost_nights(booking)
        self.room = None
        self.room_before = None
        if to_status in (CHECKED_IN, CHECKED_OUT):
            self.room = room_state.room_read(booking.roomId)
        if to_status == CHECKED_IN:
            refusal = room_state.checkin_refusal(
                self.room, booking_id=booking.bookingId, override_housekeeping=override_housekeeping
            )
            if refusal is not None:
                raise refusal
            self.room_before = {"status": self.room.status, "housekeeping": self.room.housekeeping}

    def audit_note(self) -> dict | None:
        """What the audit entry adds: the room's state when the clerk checked in anyway."""
        if self.room_before and self.room_before["housekeeping"] in room_state.OVERRIDABLE:
            return {"checkedInAnyway": True, "roomHousekeeping": self.room_before["housekeeping"]}
        return None

    def apply(self, tx) -> None:
        for night in self.nights:
            if self.to_status == CONFIRMED:
                tx.update(
                    night,
                    actions=[RoomNight.holdExpiresAt.remove()],
                    condition=RoomNight.bookingId == self.booking_id,
                )
            else:
                _release_night(tx, night)
        if self.room is None:
            return
        if self.to_status == CHECKED_IN:
            room_state.checkin_room_update(
                tx,
                self.room,
                booking_id=self.booking_id,
                now=self.now,
                override_housekeeping=self.override_housekeeping,
            )
        else:
            room_state.checkout_room_update(tx, self.room, now=self.now)


def _price_check(booking: Booking, paid: int | None) -> None:
    """PriceChanged unless `paid` is None or exactly what the booking costs now."""
    if paid is not None and booking.totalPrice != paid:
        raise PriceChanged(
            f"Booking {booking.bookingId} costs {booking.totalPrice} {booking.currency} "
            f"(minor units); {paid} was paid.",
            details={"totalPrice": booking.totalPrice, "paid": paid, "currency": booking.currency},
        )


def _price_condition(paid: int | None):
    """The write's condition that the booking still costs `paid` (none without `paid`)."""
    return Booking.totalPrice == paid if paid is not None else Booking.bookingId.exists()


def _lost_nights(booking: Booking) -> HoldExpired:
    return HoldExpired(
        f"Some nights of {booking.bookingId} were sold after its hold expired; book again."
    )


def booking_revive_paid(
    *,
    booking_id: str,
    actor: str,
    now: datetime,
    request_id: str | None = None,
    also: Callable[[TransactWrite], None] | None = None,
    paid: int | None = None,
) -> Booking:
    """Confirm an expired booking that was paid after all (SYSTEM_REVIVALS; system only).

    The sweeper released its nights; they are taken again for good, each on the
    conditions a new booking meets (free, or held by an expired hold), together with the
    booking (conditional on still being expired) and `also(tx)` (the payment), in one
    transaction. With `paid`, only if the booking costs exactly that (as in
    booking_transition). Raises BookingNotFound, InvalidTransition (not expired), HoldExpired
    (the stay is over or some night was taken by someone else; nothing is written),
    PriceChanged.
    """
    booking = _booking(booking_id)
    if CONFIRMED not in SYSTEM_REVIVALS.get(booking.status, ()):
        raise InvalidTransition(
            f"A {booking.status} booking cannot be revived.",
            details={"from": booking.status, "to": CONFIRMED},
        )
    if date.fromisoformat(booking.checkOut) <= hotel_today(now):
        raise HoldExpired(f"The stay of {booking_id} is over; it cannot be confirmed.")
    _price_check(booking, paid)
    previous = booking.status
    before = booking_snapshot(booking)
    booking.status = CONFIRMED
    booking.updatedAt = now
    booking.expiresAt = None
    booking.purgeAt = None
    booking.openPayments = None
    entry = _audit(booking, "status:confirmed", before, actor, now, request_id)

    def build(tx):
        tx.save(booking, condition=(Booking.status == previous) & _price_condition(paid))
        room_state.room_sellable_check(tx, room_id=booking.roomId, now=now)
        for night in _nights_of(booking):
            _take_night(
                tx,
                room_id=booking.roomId,
                night=night,
                booking_id=booking.bookingId,
                hold_until=None,
                now=now,
            )
        tx.save(entry)
        if also is not None:
            also(tx)

    try:
        transact(build)
    except TransactWriteError as exc:
        if conditional_check_failed(exc):
            raise _lost_nights(booking) from exc
        raise
    booking_stats_project_safely(booking_id=booking.bookingId, now=now)
    events.publish(events.BookingConfirmed, **_event_detail(booking), previousStatus=previous)
    return booking


def booking_flag(
    *,
    booking_id: str,
    flag: str,
    detail: str,
    actor: str,
    now: datetime,
    also: Callable[[TransactWrite], None] | None = None,
) -> Booking:
    """Flag a booking for staff (e.g. "disputed"), audited, with `also(tx)` in the same
    transaction. A flag already set is left as it is. Raises BookingNotFound."""
    for attempt in range(3):
        booking = _booking(booking_id)
        flags = list(booking.flags or [])
        if any(f.get("flag") == flag for f in flags):
            if also is not None:
                transact(also)
            return booking
        before = booking_snapshot(booking)
        booking.flags = [
            *flags,
            {"flag": flag, "detail": detail, "at": now.strftime("%Y-%m-%dT%H:%M:%SZ"), "by": actor},
        ]
        booking.updatedAt = now
        entry = _audit(booking, f"flag:{flag}", before, actor, now, None)

        def build(tx, booking=booking, entry=entry):
            tx.save(booking)
            tx.save(entry)
            if also is not None:
                also(tx)

        try:
            transact(build)
        except TransactWriteError as exc:
            if conditional_check_failed(exc) and attempt < 2:
                continue
            raise
        return booking
    raise InvalidTransition("The booking changed meanwhile; reload it.")  # pragma: no cover


def booking_cancel(*, booking_id: str, actor: str, now: datetime, request_id=None) -> Booking:
    """Cancel a pending or confirmed booking and release its nights. Raises InvalidTransition."""
    return booking_transition(
        booking_id=booking_id, to_status=CANCELLED, actor=actor, now=now, request_id=request_id
    )


def holds_expire(*, now: datetime, log=None) -> int:
    """Expire pending bookings whose hold has passed and release their nights. Returns count.

    Reads the pending partition of the status index (the live holds only), never a Scan.
    """
    expired = 0
    for booking in Booking.by_status.query(PENDING, filter_condition=Booking.expiresAt < now):
        try:
            booking_transition(
                booking_id=booking.bookingId,
                to_status=EXPIRED,
                actor="system:hold-sweeper",
                now=now,
                system=True,
            )
            expired += 1
        except (InvalidTransition, BookingNotFound):
            continue  # Paid or cancelled meanwhile: nothing to expire.
    if log:
        log(f"expired {expired} hold(s)")
    # The same schedule retries the stats projections that failed after a booking write.
    try:
        stats_catch_up(now=now, log=log)
    except Exception:
        logger.exception("stats catch-up failed; the next sweep retries")
    return expired


# --- change dates / move room --------------------------------------------------------------------


def booking_change(
    *,
    booking_id: str,
    actor: str,
    now: datetime,
    check_in: date | None = None,
    check_out: date | None = None,
    room_id: str | None = None,
    request_id: str | None = None,
) -> Booking:
    """New dates and/or room, re-priced; old nights released and new ones taken atomically.

    While a payment is open (booking.openPayments) the price cannot change: PaymentOpen.
    The write is conditional on the version read, and opening a payment bumps it, so a
    payment opened meanwhile makes the change re-read and refuse inside DynamoDB.
    Raises BookingNotFound, InvalidTransition (not pending/confirmed), HoldExpired,
    ValidationFailed, StayTooLong, NotFound (room), TooManyGuests, RoomUnavailable,
    PaymentOpen.
    """
    for attempt in range(3):
        booking = _booking(booking_id)
        try:
            return _booking_change_once(
                booking,
                actor=actor,
                now=now,
                check_in=check_in,
                check_out=check_out,
                room_id=room_id,
                request_id=request_id,
            )
        except _BookingMoved:
            if attempt == 2:
                raise InvalidTransition("The booking changed meanwhile; reload it.") from None
    raise InvalidTransition("The booking changed meanwhile; reload it.")  # pragma: no cover


class _BookingMoved(Exception):
    """The booking item changed between the read and the write: read it again."""


def _booking_change_once(
    booking: Booking, *, actor, now, check_in, check_out, room_id, request_id
) -> Booking:
    if booking.status not in CHANGEABLE:
        raise InvalidTransition(f"A {booking.status} booking cannot be changed.")
    if booking.status == PENDING and not hold_is_live(booking, now):
        raise HoldExpired()
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
    room = _room(new_room_id)
    _room_bookable(room, booking.guests)
    quote = booking_quote(room=room, check_in=new_in, check_out=new_out)
    reprice = quote.total != booking.totalPrice
    if reprice and booking.openPayments:
        raise PaymentOpen(details={"transactionIds": sorted(booking.openPayments)})

    old_nights = {(n.roomId, n.night): n for n in _owned_nights(booking)}
    if len(old_nights) != len(_nights_of(booking)):
        raise _lost_nights(booking)
    new_keys = {(room.roomId, n.night.isoformat()) for n in quote.nightly}
    read_version = booking.version
    before = booking_snapshot(booking)
    booking.roomId, booking.roomType = room.roomId, room.roomType
    booking.checkIn, booking.checkOut = new_in.isoformat(), new_out.isoformat()
    booking.totalPrice, booking.subtotal, booking.tax = quote.total, quote.subtotal, quote.tax
    booking.nightly = quote.nightly_dicts()
    booking.updatedAt = now
    hold_until = booking.expiresAt if booking.status == PENDING else None
    entry = _audit(booking, "change", before, actor, now, request_id)
    # The version condition (PynamoDB adds it) already fails on a payment opened meanwhile;
    # a re-price also states the rule itself: no open payment.
    no_open_payment = (
        Booking.openPayments.does_not_exist() if reprice else Booking.bookingId.exists()
    )

    def build(tx):
        tx.save(booking, condition=(Booking.status == before["status"]) & no_open_payment)
        for key, night in old_nights.items():
            if key not in new_keys:
                _release_night(tx, night)
        if new_keys - set(old_nights):
            room_state.room_sellable_check(tx, room_id=room.roomId, now=now)
        for room_key, night in sorted(new_keys - set(old_nights)):
            _take_night(
                tx,
                room_id=room_key,
                night=date.fromisoformat(night),
                booking_id=booking.bookingId,
                hold_until=hold_until,
                now=now,
            )
        tx.save(entry)

    try:
        transact(build)
    except TransactWriteError as exc:
        if conditional_check_failed(exc):
            if _booking(booking.bookingId).version != read_version:
                raise _BookingMoved() from exc
            raise RoomUnavailable(
                f"Room {room.roomId} is not free for all of the new nights; nothing was changed."
            ) from exc
        raise
    booking_stats_project_safely(booking_id=booking.bookingId, now=now)
    events.publish(events.BookingChanged, **_event_detail(booking), previous=before)
    return booking


# --- guest lookup: "find my booking" by reference + email (the guest site) -----------------------


def _lookup_keys(*, reference: str, client: str) -> list[tuple[str, int]]:
    """Throttle keys of this lookup with the attempts each allows per window, client first."""
    limit = settings.HOTEL_LOOKUP_MAX_FAILURES
    # A client address may be shared (an office, a hotel lobby): it gets more room.
    return [
        (f"booking-lookup:client:{client[:64]}", limit * 3),
        (f"booking-lookup:ref:{reference[:64]}", limit),
    ]


def booking_lookup(*, reference: str, email: str, client: str, now: datetime) -> Booking:
    """The booking whose reference and guest email both match, for the guest site.

    An unknown reference and a wrong email give the same BookingNotFound. Every attempt
    first spends a slot per client address and per reference (hotel.accounts.throttle: a
    conditional write each, in the login-throttle table's own key space), so at most
    HOTEL_LOOKUP_MAX_FAILURES emails are ever checked against a reference per window of
    HOTEL_LOOKUP_LOCKOUT_SECONDS, however many requests run at once; then the lookup is
    refused until the window ends. A match forgets the reference's window (not the
    client's). Raises BookingNotFound, LookupLocked.
    """
    from hotel.accounts import throttle

    from .exceptions import LookupLocked

    reference = (reference or "").strip().upper()
    email = (email or "").strip().lower()
    window = settings.HOTEL_LOOKUP_LOCKOUT_SECONDS
    slots = {}
    for key, limit in _lookup_keys(reference=reference, client=client or "unknown"):
        try:
            slots[key] = throttle.reserve(key, limit=limit, window_seconds=window, now=now)
        except throttle.Throttled as exc:
            raise LookupLocked(details={"retryAfterSeconds": exc.retry_after}) from exc
    booking = None
    if reference and email and len(reference) <= 64:
        try:
            booking = Booking.get(reference)
        except DoesNotExist:
            booking = None
    stored = (booking.guestEmail or "") if booking else ""
    if booking is None or not stored or not hmac.compare_digest(stored.encode(), email.encode()):
        raise BookingNotFound("No booking matches this reference and email address.")
    ref_key = _lookup_keys(reference=reference, client="")[1][0]
    throttle.reset_after_success(ref_key, slot=slots[ref_key])
    return booking


__all__ = [
    "LIVE_STATUSES",
    "TRANSITIONS",
    "booking_cancel",
    "booking_change",
    "booking_create",
    "booking_flag",
    "booking_lookup",
    "booking_revive_paid",
    "booking_transition",
    "holds_expire",
]
