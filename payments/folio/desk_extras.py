"""An extra from the catalog posted by the desk by its code (`POST …/folio/charges` with
`code`): it is added to the booking through bookings.extras — priced by its unit, its daily
stock taken in the booking's transaction like any extra sold with the stay — and the bill,
synced, carries it as the stay's other extras."""

from __future__ import annotations

from datetime import datetime

from bookings.extras.booking import booking_extras_add

from .models import FolioLine
from .services import folio_sync
from .stay_lines import live_lines


def folio_charge_extra(
    *,
    booking_id: str,
    code: str,
    quantity: int | None,
    actor: str,
    now: datetime,
    request_id: str | None = None,
) -> FolioLine:
    """Sell `quantity` of extra `code` to the booking and return its line on the bill.
    Raises BookingNotFound, NotFound (EXTRA_NOT_FOUND), ExtrasClosed, ExtraSoldOut,
    ValidationFailed (a quantity the extra does not take)."""
    _, item = booking_extras_add(
        booking_id=booking_id,
        code=code,
        quantity=quantity,
        staff=True,
        actor=actor,
        now=now,
        request_id=request_id,
    )
    source = f"extra:{item['key']}"
    state = folio_sync(booking_id=booking_id, now=now)
    return next(line for line in live_lines(state.lines) if line.source == source)
