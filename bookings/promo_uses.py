"""A promo code's uses, counted in the booking's own transaction.

A booking that applies a code adds one to the code's `uses` on the condition that the code
is still active and under its `maxUses` (and, with a per-guest limit, one to that guest's
counter under `perGuest`), so a limit of 10 holds under any number of concurrent bookings.
A booking that ends without being kept (an expired hold, a cancellation) gives its use back
in the transaction that ends it; an expired booking revived by a late payment takes it again.
"""

from __future__ import annotations

import hashlib

from django.utils.translation import gettext as _
from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from hotel.errors import DomainError

from .models import PROMO_ITEM, Booking, PromoCode


class PromoUsedUp(DomainError):
    status_code = 409
    code = "PROMO_CODE_USED_UP"
    default_message = "This promo code has been used up."


def _guest_item(email: str | None) -> str | None:
    if not email:
        return None
    return "guest#" + hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def promo_take(
    tx: TransactWrite, *, promo: PromoCode, guest_email: str | None, count: int = 1
) -> None:
    """In the booking's transaction: one use of `promo` (and of its guest's counter) — or
    `count` uses at once (the stays of a reservation: one update per item), on the condition
    that all of them fit under the limits."""
    active = PromoCode.active.does_not_exist() | (PromoCode.active == True)  # noqa: E712
    condition = PromoCode.code.exists() & active
    if promo.maxUses is not None:
        condition &= PromoCode.uses <= promo.maxUses - count
    tx.update(
        PromoCode(code=promo.code, item=PROMO_ITEM),
        actions=[PromoCode.uses.add(count)],
        condition=condition,
    )
    guest = _guest_item(guest_email) if promo.perGuest else None
    if guest:
        tx.update(
            PromoCode(code=promo.code, item=guest),
            actions=[PromoCode.uses.add(count)],
            condition=PromoCode.uses.does_not_exist() | (PromoCode.uses <= promo.perGuest - count),
        )


def promo_give_back(tx: TransactWrite, booking: Booking) -> None:
    """In the transaction that ends `booking` unkept (expired, cancelled): its use back."""
    if not booking.promoCode:
        return
    try:  # a code deleted since (only unused codes can be) has nothing to give back to
        PromoCode.get(booking.promoCode, PROMO_ITEM, attributes_to_get=["code"])
    except DoesNotExist:
        return
    tx.update(
        PromoCode(code=booking.promoCode, item=PROMO_ITEM),
        actions=[PromoCode.uses.add(-1)],
        condition=PromoCode.code.exists() & (PromoCode.uses > 0),
    )
    guest = _guest_item(booking.guestEmail) if (booking.terms or {}).get("promoPerGuest") else None
    if guest:
        tx.update(
            PromoCode(code=booking.promoCode, item=guest),
            actions=[PromoCode.uses.add(-1)],
            condition=PromoCode.uses > 0,
        )


def promo_retake(tx: TransactWrite, booking: Booking) -> None:
    """In the transaction that revives an expired booking paid after all: its use counted
    again. The guest paid the discounted price, so the use is counted even past the limit
    (the limit stops new bookings, it does not refuse money already taken)."""
    if not booking.promoCode:
        return
    try:
        PromoCode.get(booking.promoCode, PROMO_ITEM, attributes_to_get=["code"])
    except DoesNotExist:
        return  # deleted since (it was unused then): nothing to count on
    tx.update(
        PromoCode(code=booking.promoCode, item=PROMO_ITEM),
        actions=[PromoCode.uses.add(1)],
        condition=PromoCode.code.exists(),
    )


def promo_refused_why(
    promo: PromoCode, guest_email: str | None, count: int = 1
) -> PromoUsedUp | None:
    """After a refused booking transaction: the promo's limit, if that is what refused it
    (`count` uses wanted at once). The words are in the active language: a guest page's,
    English for the API."""
    try:
        fresh = PromoCode.get(promo.code, PROMO_ITEM, consistent_read=True)
    except DoesNotExist:
        return PromoUsedUp(_("This promo code no longer exists."))
    if fresh.active is False:
        return PromoUsedUp(_("This promo code is no longer active."))
    if fresh.maxUses is not None and (fresh.uses or 0) + count > fresh.maxUses:
        return PromoUsedUp(_("This promo code has been used up."))
    guest = _guest_item(guest_email) if fresh.perGuest else None
    if guest:
        try:
            mine = PromoCode.get(promo.code, guest, consistent_read=True)
        except DoesNotExist:
            return None
        if (mine.uses or 0) + count > fresh.perGuest:
            return PromoUsedUp(_("You have already used this promo code."))
    return None
