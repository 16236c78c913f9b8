"""No check-out with money owed: the check-out's guard brings the bill in line with the
stay, refuses with BALANCE_DUE (the amount in the error) while the guest owes, and makes the
check-out conditional on the bill not changing between that check and the write. A manager
may check out anyway; that is audited with the balance left.

The last stay of a reservation to leave also answers for the reservation's own bill (what
the booker pays for the party): it cannot check out while that bill owes either. "Last" is
decided on the other stays as read, and a stay that is not last checks out conditional on
the live others being unchanged (their version), so two stays leaving at once cannot both
count on the other: one commits, the other re-reads, finds itself last and is asked for the
reservation's bill.
"""

from __future__ import annotations

from bookings.models import LIVE_STATUSES, Booking
from bookings.reservations.models import Reservation
from hotel.audit.services import audit_add
from hotel.errors import Conflict

from .models import Folio
from .services import folio_sync


class BalanceDue(Conflict):
    code = "BALANCE_DUE"
    default_message = "The guest still owes money; take the payment before check-out."


def refuse_checkout_with_balance(booking, *, override: bool, actor: str, now):
    own = _bill_guard(
        booking.bookingId,
        override=override,
        actor=actor,
        now=now,
        object_id=booking.bookingId,
        whose=f"Booking {booking.bookingId}",
    )
    last = _last_stay_guard(booking, override=override, actor=actor, now=now)
    adds = [add for add in (own, last) if add is not None]
    if not adds:
        return None

    def also(tx):
        for add in adds:
            add(tx)

    return also


def _bill_guard(key: str, *, override, actor, now, object_id: str, whose: str, extra=None):
    state = folio_sync(booking_id=key, now=now)
    balance = state.balance
    if balance > 0 and not override:
        raise BalanceDue(
            f"{whose} owes {balance} {state.currency} (minor units); "
            "take the payment before check-out.",
            details={
                "balance": balance,
                "amount": balance,
                "currency": state.currency,
                **(extra or {}),
            },
        )
    if state.header is None:
        return None
    revision = state.header.revision

    def also(tx):
        tx.condition_check(Folio, key, condition=Folio.revision == revision)
        if balance > 0:
            audit_add(
                tx,
                actor=actor,
                action="folio:checkout-with-balance",
                object_type="bookings.booking",
                object_id=object_id,
                before=None,
                after={"balance": balance, "currency": state.currency, **(extra or {})},
                now=now,
            )

    return also


def _last_stay_guard(booking, *, override, actor, now):
    """A stay of a reservation: if it is the last live one, the reservation's own bill's
    guard; if not, the condition that the other live stays are still as read, so two stays
    leaving at once cannot both count on the other (ended statuses are final: no condition
    on those)."""
    reservation_id = booking.reservationId
    if not reservation_id:
        return None
    try:
        reservation = Reservation.get(reservation_id, consistent_read=True)
    except Reservation.DoesNotExist:
        return None
    others = [i for i in reservation.bookingIds if i != booking.bookingId]
    stays = list(Booking.batch_get(others, consistent_read=True)) if others else []
    staying = [stay for stay in stays if stay.status in LIVE_STATUSES]
    if staying:

        def unchanged(tx):
            for stay in staying:
                tx.condition_check(
                    Booking, stay.bookingId, condition=Booking.version == stay.version
                )

        return unchanged  # another stay is still here (or to come): it settles the bill
    return _bill_guard(
        reservation_id,
        override=override,
        actor=actor,
        now=now,
        object_id=booking.bookingId,
        whose=f"Reservation {reservation_id} (the last stay leaving)",
        extra={"reservationId": reservation_id, "bill": "reservation"},
    )
