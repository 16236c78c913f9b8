"""The bill's writes: bring it in line with its booking (sync), and the one read → decide →
post loop the desk's postings (payments.folio.desk) run through.

Every write is read → decide → post conditional on the header's revision
(payments.folio.posting); a posting that lost a race re-reads and decides again, so a
refused reversal (the line was reversed meanwhile) is refused on what is true now. Lines are
their own audit trail: each names who posted it, when, and why (reversals, allowances).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bookings.models import EXPIRED, Booking
from bookings.selectors import booking_get
from payments.selectors import payments_for_booking

from .models import (
    Folio,
    FolioLine,
)
from .posting import Posted, header_read, new_header, post_lines, with_retries
from .stay_lines import sync_plan

SYNC_ACTOR = "system:folio"


@dataclass
class FolioState:
    booking: Booking
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


def payer_of(booking: Booking) -> dict:
    return {"name": booking.guestName, "email": booking.guestEmail or ""}


def _read(booking_id: str):
    booking = booking_get(booking_id=booking_id, consistent=True)
    header = header_read(booking_id)
    lines = folio_lines(booking_id) if header is not None else []
    return booking, header, lines


def folio_sync(*, booking_id: str, now: datetime, actor: str = SYNC_ACTOR) -> FolioState:
    """Bring the bill in line with the booking and its online payments (stay_lines), opening
    it on first use, and return it. Idempotent: a bill already in line writes nothing.
    Raises BookingNotFound."""
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
