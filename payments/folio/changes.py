"""Changes that move money: after a booking's dates, room type or price changed
(BookingChanged), the bill follows (the nights reversed and posted again by the sync), a
lower price is refunded by the booking's cancellation policy, and the guest is told.

"A lower price refunds per the policy" means: the part of the stay the change dropped
(old total − new total) is treated as if it were cancelled today under the policy the
booking was sold with, counted from the original arrival date (the money was paid for
that stay). Of what the bill holds in credit for it, the policy's percent goes back to the
card through the provider (payments.services.payment_refund, newest online payment first:
one refund line per refund on the bill) and the rest is kept as a "Change fee" charge, so
the bill of a change settles at zero exactly as a cancel's does. A credit from money taken
at the desk (cash, terminal) is the desk's to give back (folio refunds), not the provider's.

A higher price is owed on the bill (its balance): the guest pays it from the manage page
(payments.folio.online) or the desk collects it. The guest's online change still refuses
changes that move money (payments.services.change): a confirmed prepaid booking must stay
paid in full, which the payment/change race tests prove; a change of price goes through
the desk, whose change-quote shows the difference first.

Every change of what the guest booked (dates, room type, price; not a room number the
hotel assigns) sends the guest "Your booking changed" (new dates, total, balance). A repeated
event refunds nothing twice: the refund claims `payments.change:<booking>:<event time>`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from pynamodb.exceptions import TransactWriteError

from bookings.booking_terms import booking_policy
from bookings.services import booking_change_price, hotel_today
from hotel import events
from hotel.dynamo import conditional_check_failed, transact
from hotel.events import Event, subscribe
from hotel.idempotency import IdempotencyKey
from payments.cancellation import cancellation_quote
from payments.emails import booking_changed_email
from payments.exceptions import PaymentError
from payments.models import REFUNDABLE_STATUSES
from payments.selectors import payments_for_booking
from payments.services import payment_refund
from payments.services.on_bill_charge import CLAIM_TTL

from .desk import folio_charge
from .services import folio_sync

logger = logging.getLogger(__name__)

ACTOR = "system:change"


@dataclass(frozen=True)
class ChangeMoney:
    refund: int  # given back to the card
    fee: int  # kept under the policy (a "Change fee" on the bill)
    balance: int  # the bill's balance afterwards (> 0: the guest owes)
    currency: str


def change_refund_split(
    *, credit: int, dropped: int, online: int, check_in: date, today: date, currency: str, policy
) -> tuple[int, int]:
    """(refund, fee) for a change that dropped `dropped` of the price while the bill holds
    `credit` and `online` can still be refunded through the provider. Pure."""
    base = max(0, min(credit, dropped, online))
    quote = cancellation_quote(
        check_in=check_in, today=today, paid=base, currency=currency, policy=policy
    )
    return quote.refund, quote.fee


def _claim(key: str, now: datetime) -> bool:
    claim = IdempotencyKey(key=key, fingerprint="change", createdAt=now, expiresAt=now + CLAIM_TTL)
    try:
        transact(lambda tx: tx.save(claim, condition=IdempotencyKey.key.does_not_exist()))
    except TransactWriteError as exc:  # taken (a repeated event), or failed: refund nothing
        if not conditional_check_failed(exc):
            logger.exception("Could not claim %s: nothing refunded", key)
        return False
    return True


def booking_change_settle(
    *, booking_id: str, previous: dict, now: datetime, key: str | None = None
) -> ChangeMoney:
    """Bring the bill in line after a change and refund a lower price by the policy (module
    docstring). Returns what moved. Raises PaymentGatewayError when the provider fails
    (the credit then stays on the bill for staff)."""
    state = folio_sync(booking_id=booking_id, now=now)
    booking = state.booking
    dropped = int(previous.get("totalPrice") or 0) - booking.totalPrice
    credit = -state.balance
    refund = fee = 0
    if dropped > 0 and credit > 0 and _claim(key or f"payments.change:{booking_id}:{now}", now):
        paid = [
            p
            for p in payments_for_booking(booking_id=booking_id)
            if p.status in REFUNDABLE_STATUSES and not p.is_guarantee
        ]
        online = sum(p.amount - p.refundedAmount for p in paid)
        check_in = min(
            date.fromisoformat(previous.get("checkIn") or booking.checkIn),
            date.fromisoformat(booking.checkIn),
        )
        refund, fee = change_refund_split(
            credit=credit,
            dropped=dropped,
            online=online,
            check_in=check_in,
            today=hotel_today(now),
            currency=booking.currency,
            policy=booking_policy(booking),
        )
        _refund(paid, refund, now=now)
        if fee > 0:
            folio_charge(
                booking_id=booking_id,
                description="Change fee (kept under the cancellation policy)",
                amount=fee,
                category="cancellation",
                tax_category="exempt",
                actor=ACTOR,
                now=now,
            )
        state = folio_sync(booking_id=booking_id, now=now)
    return ChangeMoney(refund=refund, fee=fee, balance=state.balance, currency=state.currency)


def _refund(paid: list, amount: int, *, now: datetime) -> None:
    """Give back `amount` across the online payments, newest first."""
    for payment in reversed(paid):
        if amount <= 0:
            return
        part = min(amount, payment.amount - payment.refundedAmount)
        if part > 0:
            payment_refund(transaction_id=payment.transactionId, amount=part, actor=ACTOR, now=now)
            amount -= part


def folio_change_quote(
    *,
    booking_id: str,
    now: datetime,
    check_in: date | None = None,
    check_out: date | None = None,
    room_id: str | None = None,
    room_type: str | None = None,
    keep_rate: bool = False,
) -> dict:
    """What a change would cost and leave on the bill, writing nothing but the bill's sync:
    {currentTotal, newTotal, difference, currency, balance, balanceAfter} (minor units;
    balanceAfter > 0: the guest would owe). Raises what booking_change raises before it
    writes (bookings.services.booking_change_price)."""
    price = booking_change_price(
        booking_id=booking_id,
        now=now,
        check_in=check_in,
        check_out=check_out,
        room_id=room_id,
        room_type=room_type,
        keep_rate=keep_rate,
    )
    state = folio_sync(booking_id=booking_id, now=now)
    return {
        "bookingId": booking_id,
        "currentTotal": price.current_total,
        "newTotal": price.new_total,
        "difference": price.difference,
        "currency": price.currency,
        "balance": state.balance,
        "balanceAfter": state.balance + price.difference,
        "keepRate": keep_rate,
    }


@subscribe(events.BookingChanged)
def settle_changed_booking(event: Event) -> None:
    booking_id = event.detail.get("bookingId")
    if not booking_id:
        return
    previous = event.detail.get("previous") or {}
    try:
        money = booking_change_settle(
            booking_id=booking_id,
            previous=previous,
            now=event.occurred_at,
            key=f"payments.change:{booking_id}:{event.occurred_at.isoformat()}",
        )
    except PaymentError:
        logger.exception("The refund after the change of %s failed: the credit stays", booking_id)
        money = None
    if guest_visible(event.detail):
        was = dict(previous)
        if event.detail.get("previousRoomType"):  # the email says "(was <the old type>)"
            was["roomType"] = event.detail["previousRoomType"]
        booking_changed_email(
            booking_id=booking_id, previous=was, money=money, now=event.occurred_at
        )


def guest_visible(detail: dict) -> bool:
    """Whether the guest is told: new dates, a new room type or a new price. A room number
    given or moved within the type (the assigner, the desk) is the hotel's business."""
    previous = detail.get("previous") or {}
    return (
        any(detail.get(name) != previous.get(name) for name in ("checkIn", "checkOut"))
        or detail.get("totalPrice") != previous.get("totalPrice")
        or detail.get("roomType") != detail.get("previousRoomType", detail.get("roomType"))
    )
