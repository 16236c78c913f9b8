"""Moving a booking along its lifecycle (bookings.lifecycle), with the side effects of each
edge, in one transaction: confirm, cancel, check in / out, no-show, expire; and the one
path outside the table, reviving an expired booking that was paid after all.

A higher layer may veto a plain cancel: payments registers a guard (from its
AppConfig.ready) so that a booking with money paid is cancelled only through its refunding
cancel service, which passes `refund_handled=True`. Bookings never import payments.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from pynamodb.transactions import TransactWrite

from hotel import events
from hotel.dynamo import commit

from .. import holds, room_state, stats
from ..booking_terms import booking_due_now, due_now_condition
from ..clock import hotel_today
from ..exceptions import HoldExpired, InvalidTransition, PriceChanged
from ..extras.stock import extras_stock_give_back, extras_stock_retake
from ..lifecycle import SYSTEM_REVIVALS, allowed_targets, hold_has_lapsed, may_move
from ..models import (
    CANCELLED,
    CHECKED_IN,
    CHECKED_OUT,
    CONFIRMED,
    EXPIRED,
    LIVE_STATUSES,
    NO_SHOW,
    PENDING,
    Booking,
    RoomNight,
)
from ..promo_uses import promo_give_back, promo_retake
from ..selectors import booking_nights, booking_stay_nights
from .assign import booking_room_autoassign
from .common import (
    booking_audit,
    booking_read,
    booking_snapshot,
    event_detail,
    lost_nights,
)
from .stay import stay_prepare, stay_release, stay_take

EVENT_FOR_STATUS = {
    CONFIRMED: events.BookingConfirmed,
    CANCELLED: events.BookingCancelled,
    EXPIRED: events.BookingExpired,
    CHECKED_IN: events.GuestCheckedIn,
    CHECKED_OUT: events.GuestCheckedOut,
    NO_SHOW: events.BookingNoShow,
}
CancelGuard = Callable[[Booking], None]
_CANCEL_GUARDS: list[CancelGuard] = []
# A check-out guard: guard(booking, override=…, actor=…, now=…) raises a DomainError to
# refuse, or returns writes for the check-out's transaction (a condition that what it
# checked still holds), or None.
CheckoutGuard = Callable[..., Callable[[TransactWrite], None] | None]
_CHECKOUT_GUARDS: list[CheckoutGuard] = []


def booking_checkout_guard_register(guard: CheckoutGuard) -> CheckoutGuard:
    """Have `guard` run before every check-out (payments: no check-out with a balance due
    unless a manager overrides). Registering the same guard twice is a no-op."""
    if guard not in _CHECKOUT_GUARDS:
        _CHECKOUT_GUARDS.append(guard)
    return guard


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
    override_balance: bool = False,
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
    With `paid` (what a payment paid, minor units), the booking is confirmed only if that is
    exactly what its payment terms take at booking (booking_terms.booking_due_now: the whole
    price, a deposit, or 0 for a card guarantee), as a condition of the same transaction;
    else PriceChanged and nothing is written. Confirming clears the booking's open-payment
    marks (openPayments). A check-out runs the registered check-out guards (the bill's
    balance, payments.folio.checkout), passing `override_balance` (a manager's audited
    "check out anyway"); what they return joins the transaction.
    """
    for _attempt in range(3):
        booking = booking_read(booking_id)
        previous = booking.status
        if not may_move(previous, to_status, system=system):
            raise InvalidTransition(
                f"A {previous} booking cannot become {to_status}.",
                details={
                    "from": previous,
                    "to": to_status,
                    "allowed": sorted(allowed_targets(previous)),
                },
            )
        if to_status == CANCELLED and not refund_handled:
            for guard in _CANCEL_GUARDS:
                guard(booking)  # Read each attempt: a retry sees a payment made meanwhile.
        _price_check(booking, paid)
        guarded = []
        if to_status == CHECKED_OUT:
            for checkout_guard in _CHECKOUT_GUARDS:
                guarded.append(
                    checkout_guard(booking, override=override_balance, actor=actor, now=now)
                )
        if to_status == CHECKED_IN and not booking.roomId:
            # Sold as a unit of its type: give it a room now (NO_ROOM_AVAILABLE if none is
            # free for the rest of the stay), then check in as usual.
            booking_room_autoassign(
                booking_id=booking_id, actor=actor, now=now, request_id=request_id
            )
            continue
        held = previous == PENDING
        if to_status == CONFIRMED and hold_has_lapsed(booking, now) and not late_confirm:
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
        entry = booking_audit(
            booking, f"status:{to_status}", before, actor, now, request_id, effects.audit_note()
        )

        def build(
            tx, booking=booking, entry=entry, previous=previous, effects=effects, guarded=guarded
        ):
            tx.save(booking, condition=(Booking.status == previous) & _price_condition(paid))
            effects.apply(tx)
            tx.save(entry)
            if also is not None:
                also(tx)
            for add in guarded:
                if add is not None:
                    add(tx)

        if not commit(build):
            continue  # Someone changed the booking, a night or the room: re-read and retry.
        if held:
            holds.slot_release(booking)  # The hold ended: its slot is free for a new one.
        stats.booking_stats_project_safely(booking_id=booking.bookingId, now=now)
        events.publish(
            EVENT_FOR_STATUS[to_status], **event_detail(booking), previousStatus=previous
        )
        return booking
    if to_status == CONFIRMED:
        raise HoldExpired(f"The nights of {booking_id} are no longer held.")
    raise InvalidTransition("The booking changed meanwhile; reload it.")


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
        self.nights = booking_nights(booking=booking) if to_status != CHECKED_IN else []
        if (
            to_status == CONFIRMED
            and booking.roomId
            and len(self.nights) != len(booking_stay_nights(booking))
        ):
            raise lost_nights(booking)
        # Leaving the live statuses gives back the type's unit of every night.
        self.room_type = booking.roomType
        self.block = booking.blockCode
        self.unit_nights = booking_stay_nights(booking) if to_status not in LIVE_STATUSES else []
        # A stay that ends unkept gives its promo code's use back (bookings.promo_uses).
        self.promo_of = booking if to_status in (CANCELLED, EXPIRED) else None
        # A stay that ends before it began gives its extras' stock back (bookings.extras).
        self.extras = booking.extras if to_status in (CANCELLED, EXPIRED, NO_SHOW) else None
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
        if self.to_status == CONFIRMED:
            for night in self.nights:
                tx.update(
                    night,
                    actions=[RoomNight.holdExpiresAt.remove()],
                    condition=RoomNight.bookingId == self.booking_id,
                )
        elif self.to_status not in LIVE_STATUSES:
            stay_release(
                tx,
                room_type=self.room_type,
                unit_nights=self.unit_nights,
                room_nights=self.nights,
                block=self.block,
            )
        if self.promo_of is not None:
            promo_give_back(tx, self.promo_of)
        if self.extras:
            extras_stock_give_back(tx, self.extras)
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
    """PriceChanged unless `paid` is None or exactly what the booking takes at booking now."""
    if paid is not None and booking_due_now(booking) != paid:
        raise PriceChanged(
            f"Booking {booking.bookingId} takes {booking_due_now(booking)} {booking.currency} "
            f"(minor units) at booking; {paid} was paid.",
            details={
                "totalPrice": booking.totalPrice,
                "dueNow": booking_due_now(booking),
                "paid": paid,
                "currency": booking.currency,
            },
        )


def _price_condition(paid: int | None):
    """The write's condition that the booking still takes `paid` at booking (its dueNow, or
    its totalPrice when it has none: sold before rate plans); none without `paid`."""
    return Booking.bookingId.exists() if paid is None else due_now_condition(paid)


def booking_cancel(*, booking_id: str, actor: str, now: datetime, request_id=None) -> Booking:
    """Cancel a pending or confirmed booking and release its nights. Raises InvalidTransition."""
    return booking_transition(
        booking_id=booking_id, to_status=CANCELLED, actor=actor, now=now, request_id=request_id
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
    transaction. With `paid`, only if the booking takes exactly that at booking (as in
    booking_transition). Raises BookingNotFound, InvalidTransition (not expired), HoldExpired
    (the stay is over or some night was taken by someone else; nothing is written),
    PriceChanged.
    """
    booking = booking_read(booking_id)
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
    nights = booking_stay_nights(booking)
    stay_prepare(room_type=booking.roomType, nights=nights)

    def build(tx):
        tx.save(booking, condition=(Booking.status == previous) & _price_condition(paid))
        stay_take(
            tx,
            room_type=booking.roomType,
            unit_nights=nights,
            room_id=booking.roomId,
            room_nights=nights,
            booking_id=booking.bookingId,
            hold_until=None,
            now=now,
            block=booking.blockCode,
        )
        tx.save(booking_audit(booking, "status:confirmed", before, actor, now, request_id))
        promo_retake(tx, booking)
        extras_stock_retake(tx, booking.extras)
        if also is not None:
            also(tx)

    # Its room may have been given to someone else meanwhile: a room the product chose is
    # given up (the assigner finds another); a pinned one is not.
    if not commit(build):
        if not booking.roomId or booking.roomPinned:
            raise lost_nights(booking)
        booking.roomId = None
        commit(build, refused=lambda: lost_nights(booking))
    stats.booking_stats_project_safely(booking_id=booking.bookingId, now=now)
    events.publish(events.BookingConfirmed, **event_detail(booking), previousStatus=previous)
    return booking
