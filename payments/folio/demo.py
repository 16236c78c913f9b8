"""The demo hotel's bills: a departing demo guest pays what the bill says at the desk."""

from __future__ import annotations

from datetime import datetime

from .desk import folio_payment
from .models import CASH, TERMINAL
from .services import folio_sync

ACTOR = "demo-seed"


def demo_settle(booking_id: str, when: datetime) -> None:
    """Pay the bill's balance by card terminal (or cash, for one booking in three)."""
    balance = folio_sync(booking_id=booking_id, now=when).balance
    if balance > 0:
        method = CASH if sum(map(ord, booking_id)) % 3 == 0 else TERMINAL
        folio_payment(
            booking_id=booking_id,
            amount=balance,
            method=method,
            reference="demo",
            actor=ACTOR,
            now=when,
        )
