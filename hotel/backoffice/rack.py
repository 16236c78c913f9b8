"""The room rack: rooms × 14 days from a chosen date, each stay a bar coloured by its status."""

from __future__ import annotations

from datetime import date, timedelta

from django.template.response import TemplateResponse
from django.utils import timezone

from bookings import selectors, services
from bookings.lifecycle import STATUS_LABELS
from bookings.models import CHECKED_IN, CHECKED_OUT, CONFIRMED, PENDING, Booking
from hotel.dates import clamp_day
from hotel.dynamo_admin.rendering import format_day
from rooms.selectors import rooms_all

from .common import admin_site, base_context

RACK_DAYS = 14

RACK_TONES = {
    PENDING: "pending",
    CONFIRMED: "confirmed",
    CHECKED_IN: "in-house",
    CHECKED_OUT: "departed",
}


def rack_view(request):
    """Rooms × 14 days from a chosen date, each stay a bar coloured by its status."""
    now = timezone.now()
    today = services.hotel_today(now)
    try:
        start = date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = today - timedelta(days=1)
    start = clamp_day(start, margin_days=RACK_DAYS)  # 9999-12-31 + 14 days overflows
    end = start + timedelta(days=RACK_DAYS)
    rooms = rooms_all()
    bookings = selectors.rack_bookings(start=start, end=end, now=now)
    admin = admin_site().get_model_admin(Booking)
    by_room: dict[str, list[dict]] = {}
    for booking in bookings:
        first = max(date.fromisoformat(booking.checkIn), start)
        last = min(date.fromisoformat(booking.checkOut), end)
        if last <= first:
            continue
        by_room.setdefault(booking.roomId, []).append(
            {
                "booking": booking,
                "url": admin.object_url(booking.bookingId),
                "column": (first - start).days + 2,  # column 1 is the room
                "span": (last - first).days,
                "tone": RACK_TONES.get(booking.status, "other"),
                "status": STATUS_LABELS.get(booking.status, booking.status),
                "arrives": format_day(booking.checkIn),
                "leaves": format_day(booking.checkOut),
                "clipped_start": date.fromisoformat(booking.checkIn) < start,
                "clipped_end": date.fromisoformat(booking.checkOut) > end,
            }
        )
    days = [start + timedelta(days=i) for i in range(RACK_DAYS)]
    context = base_context(
        request,
        title="Room rack",
        days=[
            {
                "date": d,
                "label": f"{d:%a}",
                "number": d.day,
                "month": f"{d:%b}",
                "today": d == today,
                "weekend": d.weekday() >= 5,
                "column": i + 2,
            }
            for i, d in enumerate(days)
        ],
        rows=[{"room": room, "stays": by_room.get(room.roomId, [])} for room in rooms],
        start=start,
        previous=(start - timedelta(days=7)).isoformat(),
        following=(start + timedelta(days=7)).isoformat(),
        today=today,
        legend=[
            ("pending", STATUS_LABELS[PENDING]),
            ("confirmed", STATUS_LABELS[CONFIRMED]),
            ("in-house", STATUS_LABELS[CHECKED_IN]),
            ("departed", STATUS_LABELS[CHECKED_OUT]),
        ],
        stay_count=sum(len(v) for v in by_room.values()),
    )
    return TemplateResponse(request, "admin/backoffice/rack.html", context)
