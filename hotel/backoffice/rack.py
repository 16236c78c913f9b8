"""The room rack: rooms grouped by room type × days from a chosen date (two weeks, or a
month with ?days=31), each stay a bar coloured by its status.

Each type has an "Unassigned" lane for its bookings without a room (overlapping ones
stacked, one sub-row each); a room out of order or in maintenance has its nights drawn as
such; a free night links to the new-booking form for that room and day; a bar has a small
"Move" form (booking_room_set through hotel.backoffice.room_desk).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from bookings import selectors, services
from bookings.blocks.selectors import block_nights_between, pickup_label
from bookings.lifecycle import STATUS_LABELS
from bookings.models import CHECKED_IN, CHECKED_OUT, CONFIRMED, PENDING, Booking
from hotel.dates import clamp_day
from hotel.dynamo_admin.rendering import format_day
from rooms.room_types import room_types_all
from rooms.selectors import rooms_all
from rooms.stock import in_service, out_of_order_nights

from .common import admin_site, base_context, may_change_bookings
from .room_desk import room_assignable

RACK_DAYS = 14  # the default width
MAX_RACK_DAYS = 62  # two months: past that a row is too long to read (and to render)

RACK_TONES = {
    PENDING: "pending",
    CONFIRMED: "confirmed",
    CHECKED_IN: "in-house",
    CHECKED_OUT: "departed",
}


def rack_days(raw: str | None) -> int:
    """The number of days asked for (?days=), within 1..MAX_RACK_DAYS; 14 otherwise."""
    try:
        days = int(raw or RACK_DAYS)
    except ValueError:
        return RACK_DAYS
    return max(1, min(days, MAX_RACK_DAYS))


def stack(bars: list[dict]) -> int:
    """Give each bar a `lane` (1, 2, …) so that bars in one lane do not overlap; the number
    of lanes used (at least 1)."""
    ends: list[int] = []  # the column after each lane's last bar
    for bar in sorted(bars, key=lambda b: (b["column"], -b["span"])):
        for i, end in enumerate(ends):
            if end <= bar["column"]:
                ends[i] = bar["column"] + bar["span"]
                bar["lane"] = i + 1
                break
        else:
            ends.append(bar["column"] + bar["span"])
            bar["lane"] = len(ends)
    return max(1, len(ends))


def _bar(booking: Booking, *, start: date, end: date, admin, now, movable: bool) -> dict | None:
    check_in, check_out = date.fromisoformat(booking.checkIn), date.fromisoformat(booking.checkOut)
    first, last = max(check_in, start), min(check_out, end)
    if last <= first:
        return None
    return {
        "booking": booking,
        "url": admin.object_url(booking.bookingId),
        "column": (first - start).days + 2,  # column 1 is the room
        "span": (last - first).days,
        "tone": RACK_TONES.get(booking.status, "other"),
        "status": STATUS_LABELS.get(booking.status, booking.status),
        "arrives": format_day(booking.checkIn),
        "leaves": format_day(booking.checkOut),
        "clipped_start": check_in < start,
        "clipped_end": check_out > end,
        "movable": movable and room_assignable(booking, now),
        "pinned": bool(booking.roomPinned),
    }


def _cells(
    days: list[dict],
    bars: list[dict],
    *,
    blocked: bool,
    link,
    closed: set | frozenset = frozenset(),
) -> list[dict]:
    """The background cell of each day: out of order (the whole room, or a dated period's
    `closed` nights), free (a link to book it) or covered."""
    covered = {c for bar in bars for c in range(bar["column"], bar["column"] + bar["span"])}
    cells = []
    for day in days:
        shut = blocked or day["date"] in closed
        cell = {"day": day, "blocked": shut, "url": None}
        if not shut and day["column"] not in covered and link is not None:
            cell["url"] = link(day["date"])
        cells.append(cell)
    return cells


def _new_booking_link(base: str | None, **params):
    if base is None:
        return None
    return lambda day: f"{base}?{urlencode({**params, 'checkIn': day.isoformat()})}"


def rack_rows(*, start: date, end: date, days: list[dict], now, can_change: bool, add_url):
    """The rack's groups: one per room type, each an "Unassigned" lane and a row per room."""
    admin = admin_site().get_model_admin(Booking)
    rooms = rooms_all()
    types = {t.roomType: t for t in room_types_all()}
    by_room: dict[str, list[dict]] = {}
    unassigned: dict[str, list[dict]] = {}
    for booking in selectors.rack_bookings(start=start, end=end, now=now):
        bar = _bar(booking, start=start, end=end, admin=admin, now=now, movable=can_change)
        if bar is None:
            continue
        if booking.roomId:
            by_room.setdefault(booking.roomId, []).append(bar)
        else:
            unassigned.setdefault(booking.roomType or "", []).append(bar)
    codes = list(types) + sorted(
        ({r.roomType for r in rooms} | set(unassigned)) - set(types), key=str
    )
    pickup = block_nights_between(first=start, last=end - timedelta(days=1))
    groups = []
    for code in codes:
        kind = types.get(code)
        lane = unassigned.get(code, [])
        rows = [
            {
                "room": None,
                "stays": lane,
                "lanes": stack(lane),
                # a free night of the lane books a unit of the type (assigned later)
                "cells": _cells(
                    days, lane, blocked=False, link=_new_booking_link(add_url, roomType=code)
                ),
            }
        ]
        for room in (r for r in rooms if r.roomType == code):
            stays = by_room.get(room.roomId, [])
            blocked = not in_service(room)
            link = _new_booking_link(add_url, roomId=room.roomId)
            rows.append(
                {
                    "room": room,
                    "stays": stays,
                    "lanes": stack(stays),
                    "blocked": blocked,
                    "cells": _cells(
                        days, stays, blocked=blocked, link=link, closed=out_of_order_nights(room)
                    ),
                }
            )
        if len(rows) == 1 and not lane:
            continue
        groups.append(
            {
                "code": code,
                "name": kind.name if kind else code,
                "rows": rows,
                "blocks": _block_rows(code, days, pickup),
            }
        )
    return groups, sum(len(v) for v in by_room.values()) + sum(len(v) for v in unassigned.values())


def _block_rows(room_type: str, days: list[dict], pickup: dict) -> list[dict]:
    """A line per group block of the type: "picked/held" on each of its nights."""
    by_code: dict[str, list[dict]] = {}
    for day in days:
        for item in pickup.get((room_type, day["date"]), ()):
            by_code.setdefault(item.code, []).append(
                {"day": day, "item": item, "label": pickup_label([item])}
            )
    return [{"code": code, "cells": cells} for code, cells in sorted(by_code.items())]


def rack_view(request):
    """Rooms by type × days from a chosen date, each stay a bar coloured by its status."""
    now = timezone.now()
    today = services.hotel_today(now)
    width = rack_days(request.GET.get("days"))
    try:
        start = date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = today - timedelta(days=1)
    start = clamp_day(start, margin_days=width)  # 9999-12-31 + days overflows
    end = start + timedelta(days=width)
    days = [
        {
            "date": d,
            "label": f"{d:%a}",
            "number": d.day,
            "month": f"{d:%b}",
            "full": format_day(d),
            "today": d == today,
            "weekend": d.weekday() >= 5,
            "column": i + 2,
        }
        for i, d in enumerate(start + timedelta(days=n) for n in range(width))
    ]
    can_change = may_change_bookings(request)
    add_url = (
        reverse("admin:bookings_booking_add")
        if request.user.has_perm("bookings.add_booking")
        else None
    )
    groups, stay_count = rack_rows(
        start=start, end=end, days=days, now=now, can_change=can_change, add_url=add_url
    )
    step = 7 if width <= 14 else width
    context = base_context(
        request,
        title="Room rack",
        days=days,
        day_count=width,
        month_view=width > 14,
        groups=groups,
        start=start,
        previous=(start - timedelta(days=step)).isoformat(),
        following=(start + timedelta(days=step)).isoformat(),
        step=step,
        today=today,
        legend=[
            ("pending", STATUS_LABELS[PENDING]),
            ("confirmed", STATUS_LABELS[CONFIRMED]),
            ("in-house", STATUS_LABELS[CHECKED_IN]),
            ("departed", STATUS_LABELS[CHECKED_OUT]),
        ],
        stay_count=stay_count,
        can_change=can_change,
        move_url=reverse("admin:backoffice_booking_room"),
        room_ids=[r.roomId for g in groups for r in (row["room"] for row in g["rows"]) if r],
    )
    return TemplateResponse(request, "admin/backoffice/rack.html", context)
