"""Guests' online holds: short, capped per client address, extended while a payment runs.

A hold a guest makes online (the guest site, an anonymous API call) lasts
HOTEL_GUEST_HOLD_MINUTES (20) — as long as paying takes; a hold staff make (a phone
booking) keeps HOTEL_HOLD_MINUTES (48 h). Opening a payment on a held booking extends the
hold (booking, nights and slot, in one transaction) to at least HOTEL_GUEST_HOLD_MINUTES
from then (hold_extension, folded into the transaction that opens a payment;
booking_hold_extend on its own).

The cap — at most HOTEL_GUEST_HOLDS_PER_CLIENT live holds per client address (an IPv6 /64)
— is a row of slots: items `bookings.hold-slot:<client hash>:<n>`, n < cap, in the
idempotency-keys table (short-lived claims with a TTL). A guest's hold claims one free slot
in the same transaction as the booking and its nights, conditional on the slot not
existing or having expired; the slot expires with the hold. So whatever the concurrency,
no more than `cap` holds of one client are live at once (the losers of a race for a slot
fail inside DynamoDB and try another, or get TOO_MANY_HOLDS), and there is no counter to
drift: a hold that ends by expiry frees its slot by time alone, even before the sweeper
runs; a paid or cancelled one frees it at once (slot_release after the transition; if that
delete is lost the slot still lapses when the hold would have ended). The client address
is stored only as a keyed hash.
"""

from __future__ import annotations

import contextlib
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils.crypto import salted_hmac
from pynamodb.exceptions import DeleteError
from pynamodb.transactions import TransactWrite

from hotel.client_address import client_network
from hotel.dynamo import commit
from hotel.idempotency import IdempotencyKey

from .exceptions import HoldExpired, TooManyHolds
from .lifecycle import hold_is_live
from .models import PENDING, Booking, RoomNight
from .selectors import booking_get

SLOT_PREFIX = "bookings.hold-slot"
SALT = "bookings.hold-slot.v1"


def guest_hold_until(now: datetime) -> datetime:
    return now + timedelta(minutes=settings.HOTEL_GUEST_HOLD_MINUTES)


def staff_hold_until(now: datetime) -> datetime:
    return now + timedelta(minutes=settings.HOTEL_HOLD_MINUTES)


def _client_hash(client: str) -> str:
    return salted_hmac(SALT, client_network(client), algorithm="sha256").hexdigest()[:32]


@dataclass
class SlotPicker:
    """The free slots of one client, tried in random order (fewer collisions in a burst)."""

    client: str
    now: datetime

    def __post_init__(self):
        self.cap = settings.HOTEL_GUEST_HOLDS_PER_CLIENT
        self.keys = [f"{SLOT_PREFIX}:{_client_hash(self.client)}:{n}" for n in range(self.cap)]
        self.soonest_free: datetime | None = None

    def pick(self) -> str | None:
        """A slot that is free now (consistent read), or None when no cap applies.

        Raises TooManyHolds when every slot holds a live hold.
        """
        if self.cap <= 0:
            return None
        taken = {}
        for item in IdempotencyKey.batch_get(self.keys, consistent_read=True):
            if item.expiresAt > self.now:
                taken[item.key] = item.expiresAt
        free = [key for key in self.keys if key not in taken]
        if not free:
            self.soonest_free = min(taken.values())
            raise self.too_many()
        return random.choice(free)

    def pick_many(self, count: int) -> list[str | None]:
        """`count` different free slots (one per room of a reservation), or Nones when no cap
        applies. Raises TooManyHolds when fewer than `count` are free."""
        if self.cap <= 0:
            return [None] * count
        taken = {}
        for item in IdempotencyKey.batch_get(self.keys, consistent_read=True):
            if item.expiresAt > self.now:
                taken[item.key] = item.expiresAt
        free = [key for key in self.keys if key not in taken]
        if len(free) < count:
            if taken:
                self.soonest_free = min(taken.values())
            raise self.too_many()
        return random.sample(free, count)

    def too_many(self) -> TooManyHolds:
        details: dict = {"limit": self.cap}
        if self.soonest_free is not None:
            wait = int((self.soonest_free - self.now).total_seconds())
            details["retryAfterSeconds"] = max(1, wait)
        return TooManyHolds(details=details)

    def lost(self, slot: str, *, booking_id: str) -> bool:
        """After a cancelled transaction: did someone else's live hold take `slot`?"""
        try:
            item = IdempotencyKey.get(slot, consistent_read=True)
        except IdempotencyKey.DoesNotExist:
            return False
        return item.fingerprint != booking_id and item.expiresAt > self.now


def slot_claim(tx: TransactWrite, *, slot: str, booking_id: str, until, now) -> None:
    """In the booking's transaction: take `slot` for `booking_id` until `until`."""
    item = IdempotencyKey(key=slot, fingerprint=booking_id, createdAt=now, expiresAt=until)
    tx.save(item, condition=IdempotencyKey.key.does_not_exist() | (IdempotencyKey.expiresAt < now))


def slot_release(booking: Booking) -> None:
    """Free the slot of a hold that ended (paid, cancelled, expired). Best effort: a slot
    that is not freed here lapses when the hold would have ended."""
    if not booking.holdSlot:
        return
    # DeleteError: already free, or taken by a later hold after this one lapsed.
    with contextlib.suppress(DeleteError):
        IdempotencyKey(key=booking.holdSlot).delete(
            condition=IdempotencyKey.fingerprint == booking.bookingId
        )


@dataclass(frozen=True)
class HoldExtension:
    """What keeps a live hold live while a payment runs: the booking's expiry, its nights'
    and its slot's, all moved to `until`. Written inside the caller's transaction (the
    payment's opening: payments.services.charge) or alone (booking_hold_extend)."""

    booking_id: str
    until: datetime
    nights: tuple[RoomNight, ...]
    slot: str | None

    def booking_actions(self, now: datetime) -> list:
        return [Booking.expiresAt.set(self.until), Booking.updatedAt.set(now)]

    @staticmethod
    def booking_condition(now: datetime):
        """The hold is still running (with the caller's condition that it is pending)."""
        return Booking.expiresAt > now

    def add_others(self, tx: TransactWrite) -> None:
        """The nights and the slot, each still this booking's."""
        epoch = int(self.until.timestamp())
        for night in self.nights:
            tx.update(
                night,
                actions=[RoomNight.holdExpiresAt.set(epoch)],
                condition=RoomNight.bookingId == self.booking_id,
            )
        if self.slot:
            tx.update(
                IdempotencyKey(key=self.slot),
                actions=[IdempotencyKey.expiresAt.set(self.until)],
                condition=IdempotencyKey.fingerprint == self.booking_id,
            )


def hold_extension(booking: Booking, *, now: datetime) -> HoldExtension | None:
    """The extension a payment opened now needs on `booking`: None when the booking is not
    a hold or its hold already lasts HOTEL_GUEST_HOLD_MINUTES from now. Raises HoldExpired
    if the hold has ended."""
    if booking.status != PENDING:
        return None  # The payment code says what a non-pending booking means.
    if not hold_is_live(booking, now):
        raise HoldExpired(f"The hold on {booking.bookingId} has expired; please book again.")
    until = guest_hold_until(now)
    if booking.expiresAt >= until:
        return None
    return HoldExtension(
        booking_id=booking.bookingId,
        until=until,
        nights=tuple(_room_nights_held(booking)),
        slot=booking.holdSlot,
    )


def booking_hold_extend(*, booking_id: str, now: datetime) -> Booking:
    """A payment is being opened on a held booking: keep the hold live while it runs.

    The hold (booking, its nights and its slot) is extended in one transaction to at least
    HOTEL_GUEST_HOLD_MINUTES from now; a hold that already lasts longer is left alone. Only
    a live hold is extended. Returns the booking as it now is. Raises BookingNotFound,
    HoldExpired (the hold ended, or its nights were lost). A single payment folds the same
    extension into the transaction that opens it (hold_extension); this serves the
    reservation's payment, which extends every stay before the first charge.
    """
    for _attempt in range(3):
        booking = booking_get(booking_id=booking_id, consistent=True)
        extension = hold_extension(booking, now=now)
        if extension is None:
            return booking

        def build(tx, booking=booking, extension=extension):
            tx.update(
                booking,
                actions=extension.booking_actions(now),
                condition=(Booking.status == PENDING) & extension.booking_condition(now),
            )
            extension.add_others(tx)

        if not commit(build):
            continue  # The booking changed (paid, cancelled, changed dates): re-read.
        booking.expiresAt = extension.until
        return booking
    raise HoldExpired(f"The hold on {booking_id} could not be extended.")


def _room_nights_held(booking: Booking) -> list[RoomNight]:
    """The room nights `booking` holds (none before it has a room)."""
    if not booking.roomId:
        return []
    return [
        n
        for n in RoomNight.query(
            booking.roomId,
            range_key_condition=RoomNight.night.between(booking.checkIn, booking.checkOut),
            consistent_read=True,
        )
        if n.bookingId == booking.bookingId and n.night < booking.checkOut
    ]
