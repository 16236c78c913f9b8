"""The rate calendar, written in bulk and read as the engine sees it.

`rate_calendar_set` sets (or clears) a room type's price and restrictions under one plan
on every date of a range (optionally only some weekdays). Each date is one UpdateItem that
SETs the fields given and REMOVEs the ones cleared, and touches nothing else: two managers
editing different fields of the same days never lose each other's change, with no read
before the write. Searches read the calendar per request, so no catalog stamp is bumped.

`rate_calendar_days` is the grid's and the API's read: per date the effective price (the
engine's one-night price for the plan's base occupancy: the calendar's own price, else
derived), the restrictions set, and the units left in the inventory.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from typing import Any

from hotel.audit.services import audit_record
from hotel.dates import day_range_error
from hotel.errors import NotFound, ValidationFailed
from hotel.stamps import stamp_bump
from rooms.models import RoomType
from rooms.room_types import CATALOG, room_type_get

from .inventory import inventory_read, units_left
from .models import RateDay, RatePlan
from .pricing import price_stay
from .rate_reads import (
    CalendarView,
    calendar_slot,
    hotel_policy,
    plan_sells,
    rate_calendar_read,
    rate_plan_get,
)
from .rate_terms import plan_terms
from .selectors import rate_rules_active

OBJECT_TYPE = "bookings.ratecalendar"
# Front desk holds `bookings.*`; prices are the managers' (who hold `*`): the calendar's
# write permission is deliberately outside the bookings label.
EDIT_PERM = "rates.change_ratecalendar"
MAX_DAYS = 366
MAX_PRICE = 100_000_000  # minor units per night, as a room's and a rate rule's price
STAY_FIELDS = ("minStay", "maxStay", "minStayThrough")
FLAG_FIELDS = ("closedToArrival", "closedToDeparture", "stopSell")
ADVANCE_FIELDS = ("minAdvance", "maxAdvance")
FIELDS = ("price", *STAY_FIELDS, *FLAG_FIELDS, *ADVANCE_FIELDS)
STAY_RANGE = (1, 365)
ADVANCE_RANGE = (0, 730)
WRITERS = 8  # concurrent UpdateItems of one bulk call


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _field_error(name: str, value: Any) -> str | None:
    """Why `value` cannot be stored in field `name` (None: it can; None always clears)."""
    if value is None:
        return None
    if name == "price":
        if not _is_int(value) or not 0 <= value <= MAX_PRICE:
            return f"Enter a price in minor units from 0 to {MAX_PRICE}, or null to clear it."
    elif name in FLAG_FIELDS:
        if not isinstance(value, bool):
            return "Must be true or false, or null to clear it."
    else:
        low, high = STAY_RANGE if name in STAY_FIELDS else ADVANCE_RANGE
        if not _is_int(value) or not low <= value <= high:
            return f"Enter a whole number from {low} to {high}, or null to clear it."
    return None


def _plan_and_type(room_type: Any, rate_plan: Any, errors: dict) -> tuple[RoomType, RatePlan]:
    kind = plan = None
    try:
        kind = room_type_get(code=room_type)
    except NotFound:
        errors["roomType"] = [f"No room type {str(room_type)[:40]} exists."]
    if not isinstance(rate_plan, str) or not rate_plan:
        errors["ratePlan"] = ["Name a rate plan, e.g. FLEX."]
    else:
        plan = rate_plan_get(rate_plan[:40])
        if plan is None:
            errors["ratePlan"] = [f"No rate plan {rate_plan[:40]} exists."]
        elif kind is not None and not plan_sells(plan, kind.roomType, None):
            errors["ratePlan"] = [
                f"Rate plan {plan.ratePlan} does not sell {kind.roomType}"
                + ("." if plan.active else " (it is inactive).")
            ]
    return kind, plan


def range_errors(start: Any, end: Any) -> dict[str, list[str]]:
    """Problems of a date range (`end` included): order, the calendar window, its length."""
    errors: dict[str, list[str]] = {}
    for name, day in (("from", start), ("to", end)):
        if not isinstance(day, date):
            errors[name] = ["Enter a date like 2027-03-01."]
        elif day_range_error(day):
            errors[name] = [day_range_error(day)]
    if not errors:
        if end < start:
            errors["to"] = ["The last day cannot be before the first."]
        elif (end - start).days + 1 > MAX_DAYS:
            errors["to"] = [f"Choose at most {MAX_DAYS} days."]
    return errors


def _weekday_error(weekdays: Any) -> str | None:
    if not isinstance(weekdays, list | tuple | set) or not all(
        _is_int(d) and 0 <= d <= 6 for d in weekdays
    ):
        return "Weekdays are numbers from 0 (Monday) to 6 (Sunday)."
    return None


def _invalid(errors: dict) -> ValidationFailed:
    return ValidationFailed(
        "Some fields of the calendar request are invalid.", details={"fields": errors}
    )


def rate_calendar_target(
    *, room_type: Any, rate_plan: Any, start: Any, end: Any
) -> tuple[RoomType, RatePlan]:
    """The type and plan of a calendar read, checked with its dates (`end` included): every
    problem at once. Raises ValidationFailed."""
    errors: dict[str, list[str]] = {}
    kind, plan = _plan_and_type(room_type, rate_plan, errors)
    errors.update(range_errors(start, end))
    if errors:
        raise _invalid(errors)
    return kind, plan


def rate_calendar_validate(
    *,
    room_type: Any,
    rate_plan: Any,
    start: Any,
    end: Any,
    weekdays: Any,
    fields: dict,
) -> tuple[RoomType, RatePlan]:
    """Check a bulk edit; every problem at once. Raises ValidationFailed."""
    errors: dict[str, list[str]] = {}
    kind, plan = _plan_and_type(room_type, rate_plan, errors)
    errors.update(range_errors(start, end))
    problem = _weekday_error(weekdays or [])
    if problem:
        errors["weekdays"] = [problem]
    for name in sorted(set(fields) - set(FIELDS)):
        errors[name] = ["Unknown field."]
    for name in FIELDS:
        problem = _field_error(name, fields.get(name))
        if name in fields and problem:
            errors[name] = [problem]
    for low, high, what in (
        ("minStay", "maxStay", "stay"),
        ("minAdvance", "maxAdvance", "advance"),
    ):
        a, b = fields.get(low), fields.get(high)
        if _is_int(a) and _is_int(b) and a > b and low not in errors and high not in errors:
            errors[high] = [f"The maximum {what} cannot be less than the minimum."]
    if not set(fields) & set(FIELDS):
        errors["nonFieldErrors"] = [
            "Give at least one of: " + ", ".join(FIELDS) + " (null clears it)."
        ]
    if errors:
        raise _invalid(errors)
    return kind, plan


def _dates(start: date, end: date, weekdays) -> list[date]:
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    return [d for d in days if not weekdays or d.weekday() in weekdays]


def _write_day(day: date, room_type: str, plan: str, fields: dict, now: datetime) -> None:
    """One UpdateItem: SET the fields given, REMOVE the cleared ones, nothing else."""
    item = RateDay(day.strftime("%Y-%m"), calendar_slot(day, room_type, plan))
    actions = [
        RateDay.date.set(day.isoformat()),
        RateDay.roomType.set(room_type),
        RateDay.ratePlan.set(plan),
        RateDay.updatedAt.set(now),
    ]
    for name, value in fields.items():
        attribute = getattr(RateDay, name)
        actions.append(attribute.remove() if value is None else attribute.set(value))
    item.update(actions=actions)


def rate_calendar_set(
    *,
    room_type: str,
    rate_plan: str,
    start: date,
    end: date,
    weekdays: list[int] | None = None,
    fields: dict,
    actor: str,
    now: datetime,
    request_id: str | None = None,
) -> int:
    """Set (value) or clear (None) `fields` of `room_type` under `rate_plan` on each date of
    [start, end] (`end` included) that falls on one of `weekdays` (0 = Monday; empty: every
    date). Returns the number of dates written. Raises ValidationFailed."""
    kind, plan = rate_calendar_validate(
        room_type=room_type,
        rate_plan=rate_plan,
        start=start,
        end=end,
        weekdays=weekdays,
        fields=fields,
    )
    chosen = sorted(set(weekdays or []))
    days = _dates(start, end, chosen)
    values = {name: fields[name] for name in FIELDS if name in fields}
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        list(
            pool.map(
                lambda d: _write_day(d, kind.roomType, plan.ratePlan, values, now),
                days,
            )
        )
    audit_record(
        actor=actor,
        action="set",
        object_type=OBJECT_TYPE,
        object_id=f"{kind.roomType}#{plan.ratePlan}",
        before=None,
        after={
            "from": start.isoformat(),
            "to": end.isoformat(),
            "weekdays": chosen,
            "days": len(days),
            **values,
        },
        now=now,
        request_id=request_id,
    )
    stamp_bump(CATALOG)  # searches reload their copy of these months
    return len(days)


# --- the grid's read ----------------------------------------------------------------------------


def _base_adults(plan_item: RatePlan, kind: RoomType) -> int:
    """The guests the plan's price covers (its occupancy's `included`, else one adult)."""
    terms = plan_terms(plan_item, room_type=kind.roomType, hotel_policy=hotel_policy())
    included = terms.occupancy.included
    return max(1, min(included or 1, kind.maxGuests or 1))


def calendar_read(*, first: date, last: date, consistent: bool = False) -> CalendarView:
    """rate_calendar_read, optionally strongly consistent (the answer to a write)."""
    return rate_calendar_read(first=first, last=last, consistent=consistent)


def rate_calendar_days(
    *, room_type: str, rate_plan: str, start: date, end: date, consistent: bool = False
) -> list[dict]:
    """Per date of [start, end]: the effective one-night price under the plan (`price`,
    `priceSource` "calendar" | "derived"), the restrictions set (None when unset) and
    `unitsLeft`. Check the request first (rate_calendar_target). Raises NotFound for an
    unknown type or plan."""
    kind = room_type_get(code=room_type)
    plan_item = rate_plan_get(rate_plan)
    if plan_item is None:
        raise NotFound(f"Rate plan {rate_plan[:40]} does not exist.", code="RATE_PLAN_NOT_FOUND")
    return days_of_type(
        kind=kind,
        plan_item=plan_item,
        start=start,
        end=end,
        calendar=calendar_read(first=start, last=end, consistent=consistent),
        counters=inventory_read(first=start, last=end, room_type=kind.roomType),
        rules=rate_rules_active(),
    )


def days_of_type(*, kind, plan_item, start, end, calendar, counters, rules) -> list[dict]:
    """rate_calendar_days from reads already made (the grid reads once for every type)."""
    terms = plan_terms(plan_item, room_type=kind.roomType, hotel_policy=hotel_policy())
    prices = calendar.prices(kind.roomType)
    own = prices.get(plan_item.ratePlan, {})
    items = calendar.items.get((kind.roomType, plan_item.ratePlan), {})
    adults = _base_adults(plan_item, kind)
    days = []
    for n in range((end - start).days + 1):
        day = start + timedelta(days=n)
        quote = price_stay(
            room_type=kind.roomType,
            base_price=kind.basePrice,
            currency=kind.currency,
            check_in=day,
            check_out=day + timedelta(days=1),
            plan=terms,
            adults=adults,
            rules=rules,
            calendar=prices,
        )
        item = items.get(day)
        entry = {
            "date": day.isoformat(),
            "price": quote.subtotal,
            "priceSource": "calendar" if day in own else "derived",
        }
        for name in FIELDS[1:]:
            entry[name] = getattr(item, name) if item is not None else None
        entry["unitsLeft"] = units_left(counters, kind, [day])
        days.append(entry)
    return days
