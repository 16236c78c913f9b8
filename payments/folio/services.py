"""The bill's writes: bring it in line with its booking (sync), and the one read → decide →
post loop the desk's postings (payments.folio.desk) run through.

A bill is owned by a booking (one stay: its key is the booking id) or by a reservation (its
own bill, for what the booker pays for the whole party: its key is the reservation id
"RS-…" in the same tables). A reservation's bill has no stay to follow: no sync, only the
desk's lines; its payer is the booker (ReservationOwner).

Every write is read → decide → post conditional on the header's revision
(payments.folio.posting); a posting that lost a race re-reads and decides again, so a
refused reversal (the line was reversed meanwhile) is refused on what is true now. Lines are
their own audit trail: each names who posted it, when, and why (reversals, allowances).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from bookings.models import EXPIRED, Booking
from bookings.reservations.exceptions import ReservationNotFound
from bookings.reservations.models import Reservation
from bookings.selectors import booking_get
from payments.selectors import payments_for_booking

from .models import (
    Folio,
    FolioLine,
)
from .posting import Posted, header_read, new_header, post_lines, with_retries
from .stay_lines import sync_plan

SYNC_ACTOR = "system:folio"
RESERVATION_PREFIX = "RS-"


def is_reservation_key(key: str) -> bool:
    """Whether a bill's key is a reservation's (its own bill) rather than a booking's."""
    return (key or "").startswith(RESERVATION_PREFIX)


@dataclass(frozen=True)
class ReservationOwner:
    """A reservation as the owner of its own bill: what the bill reads of its owner (the
    key, currency and payer) under the names a booking gives them, so the postings, the
    serializers and the invoices serve both without a copy."""

    reservation: Reservation
    status: str = "reservation"  # never a booking status: nothing follows a stay

    @property
    def bookingId(self) -> str:
        """The bill's key, as the tables name it (folios/folio-lines `bookingId`)."""
        return self.reservation.reservationId

    @property
    def reservationId(self) -> str:
        return self.reservation.reservationId

    @property
    def currency(self) -> str:
        return self.reservation.currency

    @property
    def guestName(self) -> str:
        """The booker pays the reservation's bill (the first folio's payer)."""
        return self.reservation.bookerName

    @property
    def guestEmail(self) -> str | None:
        return self.reservation.bookerEmail


def bill_owner(key: str, *, consistent: bool = True) -> Booking | ReservationOwner:
    """The booking or reservation that owns the bill `key`. Raises BookingNotFound,
    ReservationNotFound."""
    if not is_reservation_key(key):
        return booking_get(booking_id=key, consistent=consistent)
    try:
        return ReservationOwner(Reservation.get(key[:64], consistent_read=consistent))
    except DoesNotExist:
        raise ReservationNotFound(f"Reservation {key[:64]} does not exist.") from None


@dataclass
class FolioState:
    booking: Booking | ReservationOwner  # the bill's owner (see ReservationOwner)
    header: Folio | None  # None: never opened (an expired hold nobody paid for)
    lines: list[FolioLine]

    @property
    def balance(self) -> int:
        return self.header.balance if self.header else 0

    @property
    def currency(self) -> str:
        return self.header.currency if self.header else self.booking.currency


def folio_lines(booking_id: str) -> list[FolioLine]:
    return list(FolioLine.query(booking_id, consistent_read=True))


def payer_of(booking: Booking | ReservationOwner) -> dict:
    return {"name": booking.guestName, "email": booking.guestEmail or ""}


def _read(booking_id: str):
    booking = bill_owner(booking_id)
    header = header_read(booking_id)
    lines = folio_lines(booking_id) if header is not None else []
    return booking, header, lines


def folio_sync(*, booking_id: str, now: datetime, actor: str = SYNC_ACTOR) -> FolioState:
    """Bring the bill in line with the booking and its online payments (stay_lines), opening
    it on first use, and return it. Idempotent: a bill already in line writes nothing.
    A reservation's bill follows no stay: it is read, never written here.
    Raises BookingNotFound, ReservationNotFound."""
    if is_reservation_key(booking_id):
        return FolioState(*_read(booking_id))
    state: dict = {}

    def attempt() -> Posted | None:
        booking, header, lines = _read(booking_id)
        plan = sync_plan(booking, payments_for_booking(booking_id=booking_id), lines)
        state.update(booking=booking, header=header, lines=lines)
        if plan.empty or (header is None and booking.status == EXPIRED and not plan.post):
            return Posted(folio=header, lines=[])
        is_new = header is None
        if is_new:
            header = new_header(
                booking_id=booking_id, currency=booking.currency, payer=payer_of(booking), now=now
            )
        posted = post_lines(header=header, is_new=is_new, drafts=plan.post, now=now, actor=actor)
        if posted is not None:
            state.update(header=posted.folio, lines=lines + posted.lines)
        return posted

    with_retries(attempt)
    return FolioState(booking=state["booking"], header=state["header"], lines=state["lines"])


def post_decided(
    *, booking_id: str, now: datetime, actor: str, decide, header_change=None
) -> tuple[FolioState, list[FolioLine]]:
    """Open the bill if needed, then post what `decide(state)` returns (a list of drafts),
    retrying on a concurrent posting with a fresh state. An open bill is not synced first:
    the events and every read keep it in line, and a posting need not pay for that."""
    result: dict = {}

    def attempt() -> Posted | None:
        booking, header, lines = _read(booking_id)
        if header is None:  # the first posting opens the bill with the stay on it
            opened = folio_sync(booking_id=booking_id, now=now)
            booking, header, lines = opened.booking, opened.header, opened.lines
        is_new = header is None  # an expired hold's bill, opened by a first posting
        if is_new:
            header = new_header(
                booking_id=booking_id, currency=booking.currency, payer=payer_of(booking), now=now
            )
        state = FolioState(booking=booking, header=header, lines=lines)
        drafts = decide(state)
        posted = post_lines(
            header=header,
            is_new=is_new,
            drafts=drafts,
            now=now,
            actor=actor,
            header_change=(lambda h: header_change(h, state)) if header_change else None,
        )
        if posted is not None:
            result.update(
                state=FolioState(booking, posted.folio, lines + posted.lines), lines=posted.lines
            )
        return posted

    with_retries(attempt)
    return result["state"], result["lines"]
