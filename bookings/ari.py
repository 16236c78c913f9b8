"""Availability, rates and inventory (ARI): what a channel manager pulls.

Per room type, rate plan and date: the units left to sell, the plan's one-night price for
its standard occupancy, and the restrictions — the same figures the rates grid shows
(bookings.rate_calendar.days_of_type), from one read of the counters and of the calendar.

`changedSince` (the `cursor` of the previous answer) returns only the (type, date) pairs
whose counter or calendar day changed since, so a channel manager can poll every minute and
apply a small answer:

- **How changes are tracked.** Every write of a counter (a booking, a change, a cancel, a
  block, a room out of order, a capacity change) sets its `changedAt` (epoch seconds) in the
  same update, and every calendar write its `updatedAt`: no extra item, no index, no extra
  write unit. A change of what derived prices depend on — a room type or room, a rate rule,
  a rate plan — bumps the `pricing` stamp; a cursor taken under another stamp (or older
  than MAX_HOURS) answers in full (`"full": true`).
- **What a poll reads.** The same as a full poll: one Query of the counters per month of the
  window, and the calendar's months from this process's copy (re-read only after a
  calendar edit: the catalog stamp). The filter on `changedAt` runs in the process, so a
  `changedSince` poll costs the reads of a full one — `make bench-channels` prints both
  (8 RCU for 365 days of 3 room types) — and answers only what changed. A changed-items
  index (changedAt as a GSI key) would make incremental reads cheaper for a large hotel,
  but every booking would then write each night's index entry: more write units on the
  busiest path for cheaper reads on a poll that costs a few units; not taken.
- **Overlap.** The cursor is the poll's time less CURSOR_OVERLAP seconds, so a write that
  committed while the poll was reading comes again in the next answer: apply entries
  idempotently (each carries every plan of its date).
"""

from __future__ import annotations

import base64
import json
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

from django.conf import settings

from hotel.errors import ValidationFailed
from hotel.stamps import stamp_token
from rooms.room_types import PRICING

from .availability import catalog
from .inventory import inventory_read, units_left
from .rate_calendar import FIELDS, days_of_type
from .rate_reads import plan_sells, rate_calendar_read

MAX_DAYS = 366
MAX_HOURS = 48  # an older cursor answers in full
CURSOR_OVERLAP = 60  # seconds
CHANNEL = "api"  # the plans a channel manager sells: those offered to API clients
RESTRICTIONS = FIELDS[1:]


def cursor_encode(at: datetime, pricing: str | None) -> str:
    raw = json.dumps({"t": int(at.timestamp()) - CURSOR_OVERLAP, "p": pricing or ""})
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def cursor_decode(text: str) -> tuple[datetime, str]:
    """(since, pricing stamp) of a cursor. Raises ValidationFailed."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        data = json.loads(raw)
        since = datetime.fromtimestamp(int(data["t"]), UTC)
        return since, str(data["p"])
    except (ValueError, TypeError, KeyError, OverflowError, OSError):
        raise ValidationFailed(
            details={"fields": {"changedSince": ["Not a cursor this feed gave."]}}
        ) from None


def ari_feed(
    *,
    start: date,
    end: date,
    now: datetime,
    room_type: str | None = None,
    rate_plan: str | None = None,
    changed_since: str | None = None,
) -> dict:
    """The feed for the dates start..end (inclusive). Raises ValidationFailed (every
    field's problem at once)."""
    errors: dict[str, list[str]] = {}
    if end < start:
        errors["to"] = ["On or after from."]
    elif (end - start).days + 1 > MAX_DAYS:
        errors["to"] = [f"At most {MAX_DAYS} days from `from`."]
    since = None
    if changed_since:
        try:
            since = cursor_decode(changed_since)
        except ValidationFailed as refused:
            errors.update(refused.details["fields"])
    book = catalog()
    kinds = [k for k in book.room_types if room_type in (None, k.roomType)]
    if room_type and not kinds:
        errors["roomType"] = [f"No room type {room_type[:40]} exists."]
    plans = [p for p in book.plans if rate_plan in (None, p.ratePlan)]
    if rate_plan and not plans:
        errors["ratePlan"] = [f"No rate plan {rate_plan[:40]} exists."]
    if errors:
        raise ValidationFailed(details={"fields": errors})
    pricing = stamp_token(PRICING)
    calendar = rate_calendar_read(first=start, last=end, cached=True, token=book.token)
    recent = (
        since is not None
        and since[1] == (pricing or "")
        and now - since[0] <= timedelta(hours=MAX_HOURS)
    )
    counters = inventory_read(first=start, last=end)
    wanted = _changed(since[0], counters, calendar) if recent else None
    out = []
    for kind in kinds:
        dates = None if wanted is None else sorted(wanted.get(kind.roomType, ()))
        if dates == []:
            continue
        sold = [p for p in plans if plan_sells(p, kind.roomType, CHANNEL)]
        days: dict[str, dict] = {}
        for plan in sold:
            for entry in _plan_days(kind, plan, start, end, dates, calendar, counters, book):
                day = days.setdefault(
                    entry["date"],
                    {"date": entry["date"], "available": entry["unitsLeft"], "ratePlans": []},
                )
                day["ratePlans"].append(
                    {"ratePlan": plan.ratePlan, "price": entry["price"]}
                    | {name: entry[name] for name in RESTRICTIONS}
                )
        if not sold:  # no plan sells it to channels: the units alone
            for day in dates or _dates(start, end):
                left = units_left(counters, kind, [day])
                days[day.isoformat()] = {
                    "date": day.isoformat(),
                    "available": left,
                    "ratePlans": [],
                }
        out.append(
            {
                "roomType": kind.roomType,
                "name": kind.name,
                "currency": kind.currency or settings.HOTEL_CURRENCY,
                "days": [days[d] for d in sorted(days)],
            }
        )
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "full": wanted is None,
        "roomTypes": out,
        "cursor": cursor_encode(now, pricing),
    }


def _dates(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def _plan_days(kind, plan, start, end, dates, calendar, counters, book) -> list[dict]:
    """days_of_type over the range, or over each changed date alone."""
    if dates is None:
        return days_of_type(
            kind=kind, plan_item=plan, start=start, end=end, calendar=calendar,
            counters=counters, rules=book.rules,
        )  # fmt: skip
    found = []
    for day in dates:
        found += days_of_type(
            kind=kind, plan_item=plan, start=day, end=day, calendar=calendar,
            counters=counters, rules=book.rules,
        )  # fmt: skip
    return found


def _changed(since: datetime, counters, calendar) -> dict[str, set[date]]:
    """{room type: dates} whose counter or calendar day changed since `since`."""
    wanted: dict[str, set[date]] = defaultdict(set)
    moment = int(since.timestamp())
    for (kind, day), item in counters.items():
        if (item.changedAt or 0) >= moment:
            wanted[kind].add(day)
    for (kind, _plan), items in calendar.items.items():
        for day, item in items.items():
            if item.updatedAt and item.updatedAt >= since:
                wanted[kind].add(day)
    return wanted
