"""Extras on a booking: chosen with a new booking (bookings.services.create calls
`extras_choose` and takes their stock in its transaction), or added later
(`booking_extras_add`: the guest before arrival, staff while the stay is live).

What is paid online: the room stay stays `totalPrice` (the API's contract); the extras are
`extrasTotal`, and while the booking is pending its `dueNow` covers both under its payment
terms (prepay: all of it; deposit: its percent of both; at_hotel: nothing), so the payment
that confirms it — conditional on dueNow — takes rooms and extras together. An extra added
after the booking was confirmed leaves dueNow alone (it was the confirming payment): it
goes on the bill, which the guest or the desk settles.

An extra the booking's rate plan includes (its `includedIn` names the plan) is not sold
again on that booking: the plan's own `included` list puts it on the bill at zero.
"""

from __future__ import annotations

from datetime import date, datetime

from hotel import events
from hotel.dynamo import commit
from hotel.errors import Conflict, ValidationFailed

from ..clock import hotel_today
from ..exceptions import PaymentOpen
from ..models import CHECKED_IN, CONFIRMED, PENDING, Booking
from ..services.common import booking_audit, booking_read, booking_snapshot, event_detail
from .catalog import extras_get
from .pricing import (
    booking_item,
    due_now_with_extras,
    extras_total,
    next_key,
    quantity_problem,
)
from .stock import extras_sold_out, extras_stock_of, extras_stock_take

GUEST_STATUSES = (PENDING, CONFIRMED)
STAFF_STATUSES = (PENDING, CONFIRMED, CHECKED_IN)


def extras_choose(
    requests: list[dict],
    *,
    plan: str | None,
    check_in: date,
    check_out: date,
    persons: int,
    staff: bool,
    existing: list[dict] | None = None,
    field: str = "extras",
) -> tuple[list[dict], dict[str, int], dict[str, list[str]]]:
    """The booking items for `requests` ([{"code", "quantity"?}]), the daily stocks they
    are sold against, and every request's problem ({"extras.0.code": [...]}): unknown or
    inactive, not bookable online (unless `staff`), included in `plan`, given twice, a
    quantity out of bounds (keys as the API's nested fields: "extras.0.code")."""
    existing = list(existing or [])
    codes = [str(r.get("code") or "").strip().upper() for r in requests]
    catalog = extras_get([c for c in codes if c])
    items: list[dict] = []
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    for index, (code, request) in enumerate(zip(codes, requests, strict=True)):
        where = f"{field}.{index}" if field == "extras" else field
        extra = catalog.get(code)
        problem = None
        if extra is None or (extra.active is False and not staff):
            problem = f"No extra {code[:30] or '(empty)'} exists."
        elif extra.active is False:
            problem = f"{code} is not sold any more."
        elif not staff and not extra.bookableOnline:
            problem = f"{extra.name} cannot be booked online; ask the hotel."
        elif plan and plan in (extra.includedIn or ()):
            problem = f"{extra.name} is already included in your rate plan."
        elif code in seen:
            problem = f"{code} is given twice; give it once with the quantity."
        if problem:
            errors[f"{where}.code"] = [problem]
            continue
        seen.add(code)
        quantity = request.get("quantity")
        if quantity is None:
            quantity = persons if extra.unit == "per_person_per_night" else 1
        too_many = quantity_problem(extra, quantity=quantity, persons=persons)
        if too_many:
            errors[f"{where}.quantity"] = [too_many]
            continue
        item = booking_item(
            extra,
            key=next_key(code, existing + items),
            quantity=quantity,
            check_in=check_in,
            check_out=check_out,
            persons=persons,
        )
        items.append(item)
    stocks = extras_stock_of([catalog[i["code"]] for i in items])
    counted = sum(
        len(i.get("stockDates") or ()) for i in [*existing, *items] if i["code"] in stocks
    )
    if counted > stock_item_budget(check_in, check_out) and not errors:
        errors[field] = [
            "Too many stocked extras for a stay this long: at most "
            f"{stock_item_budget(check_in, check_out)} extra-days per booking."
        ]
    return items, stocks, errors


def stock_item_budget(check_in: date, check_out: date) -> int:
    """How many (extra, day) stock counters one booking may hold: what is left of
    DynamoDB's 100 items per transaction after the stay's own items (its nights' inventory
    and room nights, the booking, its audit entry, a promo's two counters, a hold slot)."""
    nights = (check_out - check_in).days
    return max(0, 100 - 2 * nights - 6)


def booking_persons(booking: Booking) -> int:
    adults = booking.adults if booking.adults is not None else booking.guests
    return int(adults or 1) + len(booking.childrenAges or [])


def extras_apply(booking: Booking, items: list[dict]) -> None:
    """Put `items` on `booking` (in memory): extras, extrasTotal and, while it is pending
    (not paid yet), dueNow for rooms and extras together."""
    booking.extras = list(booking.extras or []) + items
    booking.extrasTotal = extras_total(booking.extras)
    if booking.status == PENDING:
        booking.dueNow = due_now_with_extras(
            total=booking.totalPrice, extras=booking.extrasTotal, terms=booking.terms
        )


class ExtrasClosed(Conflict):
    code = "EXTRAS_CLOSED"
    default_message = "Extras can no longer be added to this booking."


def booking_extras_add(
    *,
    booking_id: str,
    code: str,
    quantity: int | None,
    staff: bool,
    actor: str,
    now: datetime,
    request_id: str | None = None,
) -> tuple[Booking, dict]:
    """Add `quantity` of extra `code` to a booking: the guest (not `staff`) to a pending or
    confirmed stay before its arrival day, staff to any live one. The extra's stock and the
    booking (conditional on its version: a payment opened or a change made meanwhile makes
    it re-read) are written in one transaction. Returns the booking and the new item.
    Raises BookingNotFound, ExtrasClosed, PaymentOpen, ValidationFailed, ExtraSoldOut."""
    for _attempt in range(3):
        booking = booking_read(booking_id)
        allowed = STAFF_STATUSES if staff else GUEST_STATUSES
        if booking.status not in allowed:
            raise ExtrasClosed(f"A {booking.status} booking takes no more extras.")
        check_in, check_out = (
            date.fromisoformat(booking.checkIn),
            date.fromisoformat(booking.checkOut),
        )
        if not staff and hotel_today(now) >= check_in:
            raise ExtrasClosed("Extras can be added online until the day before arrival.")
        if booking.status == PENDING and booking.openPayments:
            raise PaymentOpen(details={"transactionIds": sorted(booking.openPayments)})
        items, stocks, errors = extras_choose(
            [{"code": code, "quantity": quantity}],
            plan=booking.ratePlan,
            check_in=check_in,
            check_out=check_out,
            persons=booking_persons(booking),
            staff=staff,
            existing=booking.extras,
            field="extra",
        )
        if errors:
            fields = {k.replace("extra.", ""): v for k, v in errors.items()}
            raise ValidationFailed(details={"fields": fields})
        before = booking_snapshot(booking)
        extras_apply(booking, items)
        booking.updatedAt = now
        entry = booking_audit(
            booking, "extras:add", before, actor, now, request_id, {"extra": items[0]}
        )

        def build(tx, booking=booking, items=items, stocks=stocks, entry=entry):
            tx.save(booking)  # conditional on the version read (VersionAttribute)
            extras_stock_take(tx, items=items, stocks=stocks)
            tx.save(entry)

        if commit(build):
            events.publish(
                events.BookingChanged,
                **event_detail(booking),
                previous=before,
                extrasAdded=[code],
            )
            return booking, items[0]
        sold_out = extras_sold_out(items, stocks)
        if sold_out is not None:
            raise sold_out
    raise Conflict("The booking changed meanwhile; reload it.", code="BOOKING_CHANGED")
