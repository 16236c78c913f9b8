"""No check-out with money owed: the check-out's guard brings the bill in line with the
stay, refuses with BALANCE_DUE (the amount in the error) while the guest owes, and makes the
check-out conditional on the bill not changing between that check and the write. A manager
may check out anyway; that is audited with the balance left."""

from __future__ import annotations

from hotel.audit.services import audit_add
from hotel.errors import Conflict

from .models import Folio
from .services import folio_sync


class BalanceDue(Conflict):
    code = "BALANCE_DUE"
    default_message = "The guest still owes money; take the payment before check-out."


def refuse_checkout_with_balance(booking, *, override: bool, actor: str, now):
    state = folio_sync(booking_id=booking.bookingId, now=now)
    balance = state.balance
    if balance > 0 and not override:
        raise BalanceDue(
            f"Booking {booking.bookingId} owes {balance} {state.currency} (minor units); "
            "take the payment before check-out.",
            details={"balance": balance, "amount": balance, "currency": state.currency},
        )
    if state.header is None:
        return None
    revision = state.header.revision

    def also(tx):
        tx.condition_check(Folio, booking.bookingId, condition=Folio.revision == revision)
        if balance > 0:
            audit_add(
                tx,
                actor=actor,
                action="folio:checkout-with-balance",
                object_type="bookings.booking",
                object_id=booking.bookingId,
                before=None,
                after={"balance": balance, "currency": state.currency},
                now=now,
            )

    return also
