"""The dashboard: today at the desk, the next 30 days' occupancy, the period's revenue
figures (bookings.kpis computes them; this page formats and renders), and the check-in /
check-out buttons it posts to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from bookings import selectors, services
from bookings.exceptions import RoomNotReady
from bookings.kpis import OCCUPANCY_DAYS, dashboard_kpis
from bookings.models import CHECKED_IN, CHECKED_OUT, Booking
from hotel.dynamo_admin import who
from hotel.dynamo_admin.charts import Bar, bar_chart, meter
from hotel.errors import DomainError

from .balances import arrival_balances, departure_balances
from .channel_alerts import channel_alerts_context
from .common import (
    admin_site,
    base_context,
    day_label,
    may_change_bookings,
    may_view_bookings,
    may_view_reports,
    money,
    percent,
    period_label,
    read_period,
)
from .guest_badges import guest_badges
from .night_audit import night_audit_context


@dataclass
class StayRow:
    booking: object
    url: str
    nights: int
    arrives: str
    leaves: str
    overdue: bool
    room: str  # the room number, or "" when the booking has none yet
    balance: str = ""  # due at check-in (deposit and at_hotel terms), formatted; "" if none
    bill: str = ""  # a departure's bill balance, formatted ("" without a bill)
    guest: object = None  # the guest's profile badge (hotel.backoffice.guest_badges), or None


def _stay_rows(
    bookings,
    *,
    today: date,
    balances: dict | None = None,
    bills: dict | None = None,
    badges: dict | None = None,
) -> list[StayRow]:
    admin = admin_site().get_model_admin(Booking)
    rows = []
    for b in bookings:
        check_in, check_out = date.fromisoformat(b.checkIn), date.fromisoformat(b.checkOut)
        rows.append(
            StayRow(
                booking=b,
                url=admin.object_url(b.bookingId),
                nights=(check_out - check_in).days,
                arrives=day_label(check_in),
                leaves="today" if check_out == today else day_label(check_out),
                overdue=check_out < today,
                room=b.roomId or "",
                balance=(balances or {}).get(b.bookingId, ""),
                bill=(bills or {}).get(b.bookingId, ""),
                guest=(badges or {}).get(b.bookingId),
            )
        )
    return rows


def _axis_money(value: float) -> str:
    """Short axis labels in major units (e.g. 12.5k)."""
    major = value / 100
    if major >= 1_000_000:
        return f"{major / 1_000_000:g}M"
    if major >= 1_000:
        return f"{major / 1_000:g}k"
    return f"{major:g}"


def dashboard_view(request):
    """Today at the desk, the next 30 days' occupancy, and the period's revenue figures."""
    now = timezone.now()
    form, start, end = read_period(request, services.hotel_today(now))
    can_bookings, can_reports = may_view_bookings(request), may_view_reports(request)
    kpis = dashboard_kpis(now=now, start=start, end=end, desk=can_bookings, period=can_reports)
    today, room_count = kpis.today, kpis.room_count
    context = base_context(
        request,
        title="Dashboard",
        today=today,
        room_count=room_count,
        can_change=may_change_bookings(request),
        can_reports=can_reports,
        can_bookings=can_bookings,
        currency=settings.HOTEL_CURRENCY,
    )
    if kpis.desk is not None:
        desk = kpis.desk
        badges = guest_badges([*desk.arrivals, *desk.held_arrivals])  # one BatchGet
        context.update(
            arrivals=_stay_rows(
                desk.arrivals,
                today=today,
                balances=arrival_balances(desk.arrivals),
                badges=badges,
            ),
            held_arrivals=_stay_rows(desk.held_arrivals, today=today, badges=badges),
            guest_search_url=reverse("admin:backoffice_guests"),
            departures=_stay_rows(
                desk.departures, today=today, bills=departure_balances(desk.departures)
            ),
            in_house=_stay_rows(desk.staying, today=today),
            arrived_count=desk.checked_in,
            departed_count=desk.checked_out,
            tonight=desk.occupied_tonight,
            tonight_meter=meter(
                desk.occupied_tonight / room_count if room_count else 0,
                label=f"{desk.occupied_tonight} of {room_count} rooms occupied tonight",
            ),
            dirty_rooms=desk.dirty_rooms,
            out_of_order_rooms=desk.out_of_order_rooms,
            stay_url=reverse("admin:backoffice_stay"),
            assign_url=reverse("admin:backoffice_rooms_assign"),
            unassigned_arrivals=sum(
                1 for b in [*desk.arrivals, *desk.held_arrivals] if not b.roomId
            ),
        )
    context.update(channel_alerts_context(request, today=today))
    context.update(_occupancy_context(kpis))
    if kpis.period is not None:
        context.update(_period_context(kpis, form=form, start=start, end=end))
    if can_reports:
        context.update(night_audit_context(request, now=now))
    return TemplateResponse(request, "admin/backoffice/dashboard.html", context)


def _occupancy_context(kpis) -> dict:
    today, room_count, peak = kpis.today, kpis.room_count, kpis.peak
    return {
        "occupancy_rows": [
            {"day": day_label(o.day), "sold": o.sold, "percent": percent(o.fraction)}
            for o in kpis.occupancy
        ],
        "occupancy_chart": bar_chart(
            [
                Bar(
                    label=f"{o.day.day}",
                    value=o.fraction * 100,
                    title=f"{day_label(o.day)}: {o.sold} of {room_count} rooms sold "
                    f"({percent(o.fraction)})",
                    tone="weekend" if o.day.weekday() in (4, 5) else "",
                )
                for o in kpis.occupancy
            ],
            title=f"Occupancy for the next {OCCUPANCY_DAYS} days",
            desc=(
                f"Rooms sold as a share of {room_count} rooms, from {day_label(today)}. "
                + (f"Highest: {percent(peak.fraction)} on {day_label(peak.day)}." if peak else "")
            ),
            axis_format=lambda v: f"{v:g} %",
            y_max=100,
            width=1100,
            height=240,
        ),
    }


def _period_context(kpis, *, form, start: date, end: date) -> dict:
    figures, nights = kpis.period, kpis.nights
    return {
        "period_form": form,
        "period": figures,
        "period_label": period_label(start, end),
        "figures": [
            ("Room revenue", money(figures.revenue), "Room nights sold, before tax"),
            ("Occupancy", percent(figures.occupancy), "Rooms sold ÷ rooms available"),
            ("ADR", money(figures.adr), "Average daily rate: revenue ÷ rooms sold"),
            ("RevPAR", money(figures.revpar), "Revenue ÷ rooms available"),
            ("Rooms sold", f"{figures.rooms_sold:,}", f"of {figures.rooms_available:,}"),
            ("Bookings made", f"{figures.bookings_made:,}", "Confirmed, by the day made"),
            ("Cancellations", f"{figures.cancellations:,}", "By the day cancelled"),
            ("No-shows", f"{figures.no_shows:,}", "By the day due"),
        ],
        "revenue_chart": bar_chart(
            [
                Bar(
                    label=f"{n.day.day}",
                    value=n.revenue,
                    title=f"{day_label(n.day)}: {money(n.revenue)}",
                )
                for n in nights
            ],
            title="Room revenue per night",
            desc=f"Room revenue before tax for each night of the period, in "
            f"{settings.HOTEL_CURRENCY}. Total {money(figures.revenue)}.",
            axis_format=_axis_money,
            width=560,
            height=240,
        ),
        "pace_chart": bar_chart(
            [
                Bar(
                    label=f"{n.day.day}",
                    value=n.bookings_made,
                    title=f"{day_label(n.day)}: {n.bookings_made} booking(s) made",
                )
                for n in nights
            ],
            title="Booking pace: bookings made per day",
            desc=f"{figures.bookings_made} bookings were made in the period.",
            counts=True,
            width=560,
            height=240,
        ),
        "daily_rows": [
            {
                "day": day_label(n.day),
                "sold": n.rooms_sold,
                "revenue": money(n.revenue),
                "adr": money(n.adr),
                "made": n.bookings_made,
                "cancelled": n.cancellations,
            }
            for n in nights
        ],
        "reports_url": reverse("admin:backoffice_reports")
        + "?"
        + urlencode({"start": start.isoformat(), "last": (end - timedelta(days=1)).isoformat()}),
    }


def stay_transition_view(request):
    """POST: check a guest in or out from the dashboard (booking_transition, audited).

    A room that is dirty or out of service is not given silently: the clerk gets a page
    that says so and a "Check in anyway" button (POSTed back here with override=1).
    """
    if request.method != "POST":
        return HttpResponseRedirect(reverse("admin:backoffice_dashboard"))
    booking_id = request.POST.get("booking_id", "")[:64]
    to_status = request.POST.get("to", "")
    override = to_status == CHECKED_IN and request.POST.get("override") == "1"
    if not booking_id or to_status not in (CHECKED_IN, CHECKED_OUT):
        return HttpResponseBadRequest("Choose a booking and check-in or check-out.")
    verb = "Checked in" if to_status == CHECKED_IN else "Checked out"
    target = reverse("admin:backoffice_dashboard")
    back = request.POST.get("next", "")
    if back.startswith(target) and url_has_allowed_host_and_scheme(back, allowed_hosts=None):
        target = back
    try:
        booking = services.booking_transition(
            booking_id=booking_id,
            to_status=to_status,
            override_housekeeping=override,
            **who(request),
        )
    except RoomNotReady as exc:
        if not exc.details.get("overridable"):
            messages.error(request, f"{booking_id}: {exc.message}")
            return HttpResponseRedirect(target)
        context = base_context(
            request,
            title="Room not ready",
            booking=selectors.booking_get(booking_id=booking_id),
            message=exc.message,
            stay_url=reverse("admin:backoffice_stay"),
            next=target,
            back=target,
        )
        return TemplateResponse(request, "admin/backoffice/checkin_anyway.html", context)
    except DomainError as exc:
        messages.error(request, f"{booking_id}: {exc.message}")
    else:
        anyway = " (room not ready: checked in anyway)" if override else ""
        room = booking.roomId or "— (unassigned)"
        messages.success(request, f"{verb}: {booking.guestName}, room {room}{anyway}.")
    return HttpResponseRedirect(target)
