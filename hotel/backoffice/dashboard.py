"""Back-office pages in the admin: the dashboard, the room rack, reports and CSV exports.

Thin edges: each view parses its input, calls selectors (index Queries and the daily
counters of bookings.stats, never a Scan of the bookings) or one service, and renders an
admin template. They are registered on the admin site in bookings/admin.py, each with the
permission that guards it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseBadRequest, HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from hotel.dates import clamp_day, day_range_error
from hotel.dynamo_admin import who
from hotel.dynamo_admin.charts import Bar, bar_chart, meter
from hotel.dynamo_admin.forms import DateInput
from hotel.dynamo_admin.rendering import format_day
from hotel.errors import DomainError
from hotel.templatetags.money import format_money
from rooms.models import HOUSEKEEPING_DIRTY, HOUSEKEEPING_OUT_OF_ORDER
from rooms.selectors import rooms_all

from . import reports, selectors, services, stats
from .exceptions import RoomNotReady
from .models import CHECKED_IN, CHECKED_OUT, CONFIRMED, PENDING

MAX_PERIOD_DAYS = 366
OCCUPANCY_DAYS = 30
RACK_DAYS = 14

# --- who may see what -----------------------------------------------------------------------------


def may_view_bookings(request) -> bool:
    return request.user.has_perm("bookings.view_booking")


def may_change_bookings(request) -> bool:
    return request.user.has_perm("bookings.change_booking")


def may_view_reports(request) -> bool:
    return request.user.has_perm("reports.view_report")


def may_open_dashboard(request) -> bool:
    return may_view_bookings(request) or may_view_reports(request)


# --- shared pieces --------------------------------------------------------------------------------


class PeriodForm(forms.Form):
    """A period of whole days; `to` is the last day included (as people say it)."""

    start = forms.DateField(label="From", widget=DateInput)
    last = forms.DateField(label="To", widget=DateInput, help_text="Included.")

    def clean(self):
        cleaned = super().clean()
        start, last = cleaned.get("start"), cleaned.get("last")
        for name, day in (("start", start), ("last", last)):
            message = day and day_range_error(day)
            if message:  # 9999-12-31 + 1 day would overflow further on
                self.add_error(name, message)
                start = last = None
        if start and last:
            if last < start:
                self.add_error("last", "The end comes before the start.")
            elif (last - start).days + 1 > MAX_PERIOD_DAYS:
                self.add_error("last", f"Choose at most {MAX_PERIOD_DAYS} days.")
        return cleaned


def this_month(today: date) -> tuple[date, date]:
    first = today.replace(day=1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def read_period(request, today: date) -> tuple[PeriodForm, date, date]:
    """The period asked for in the query string, or this month; [start, end) and the form."""
    default_start, default_last = this_month(today)
    if "start" in request.GET or "last" in request.GET:
        form = PeriodForm(request.GET)
        if form.is_valid():
            start, last = form.cleaned_data["start"], form.cleaned_data["last"]
            return form, start, last + timedelta(days=1)
        return form, default_start, default_last + timedelta(days=1)
    form = PeriodForm(initial={"start": default_start, "last": default_last})
    return form, default_start, default_last + timedelta(days=1)


def _day_label(day: date) -> str:
    """A day as the back office writes days everywhere (settings' DATE_FORMAT)."""
    return format_day(day)


def _period_label(start: date, end: date) -> str:
    """[start, end) as people say it: first day – last day included."""
    return f"{format_day(start)} – {format_day(end - timedelta(days=1))}"


def _percent(value) -> str:
    return f"{value * 100:.1f} %"


def _money(amount: int | None) -> str:
    return "—" if amount is None else format_money(amount, settings.HOTEL_CURRENCY)


def _axis_money(value: float) -> str:
    """Short axis labels in major units (e.g. 12.5k)."""
    major = value / 100
    if major >= 1_000_000:
        return f"{major / 1_000_000:g}M"
    if major >= 1_000:
        return f"{major / 1_000:g}k"
    return f"{major:g}"


def base_context(request, *, title: str, **extra) -> dict:
    from hotel.admin_site import site

    return {**site.each_context(request), "title": title, "subtitle": None, **extra}


# --- the dashboard --------------------------------------------------------------------------------


@dataclass
class StayRow:
    booking: object
    url: str
    nights: int
    arrives: str
    leaves: str
    overdue: bool


def _stay_rows(bookings, *, today: date) -> list[StayRow]:
    from hotel.admin_site import site

    from .models import Booking

    admin = site.get_model_admin(Booking)
    rows = []
    for b in bookings:
        check_in, check_out = date.fromisoformat(b.checkIn), date.fromisoformat(b.checkOut)
        rows.append(
            StayRow(
                booking=b,
                url=admin.object_url(b.bookingId),
                nights=(check_out - check_in).days,
                arrives=_day_label(check_in),
                leaves="today" if check_out == today else _day_label(check_out),
                overdue=check_out < today,
            )
        )
    return rows


def dashboard_view(request):
    """Today at the desk, the next 30 days' occupancy, and the period's revenue figures."""
    now = timezone.now()
    today = services.hotel_today(now)
    rooms = rooms_all()
    room_count = len(rooms)
    context = base_context(
        request,
        title="Dashboard",
        today=today,
        room_count=room_count,
        can_change=may_change_bookings(request),
        can_reports=may_view_reports(request),
        can_bookings=may_view_bookings(request),
        currency=settings.HOTEL_CURRENCY,
    )
    horizon_end = today + timedelta(days=OCCUPANCY_DAYS)
    form, start, end = read_period(request, today)
    # One read of the counters covers the occupancy horizon and the chosen period when they
    # are close; two reads when they are far apart.
    low, high = min(today, start), max(horizon_end, end)
    if (high - low).days <= MAX_PERIOD_DAYS + OCCUPANCY_DAYS + 31:
        counters = stats.daily_stats(start=low, end=high)
    else:
        counters = {
            **stats.daily_stats(start=today, end=horizon_end),
            **stats.daily_stats(start=start, end=end),
        }

    if context["can_bookings"]:
        in_house = selectors.in_house()
        due_out = [b for b in in_house if b.checkOut <= today.isoformat()]
        staying = [b for b in in_house if b.checkOut > today.isoformat()]
        arrivals = selectors.arrivals_on(day=today)
        held = [  # live holds only: an expired one is waiting for the sweeper
            b
            for b in selectors.arrivals_on(day=today, status=PENDING)
            if b.expiresAt is not None and b.expiresAt > now
        ]
        done_today = counters.get(today, {})  # check-ins / check-outs made today
        occupied_tonight = len(staying) + len(arrivals)
        context.update(
            arrivals=_stay_rows(sorted(arrivals, key=lambda b: b.roomId), today=today),
            held_arrivals=_stay_rows(sorted(held, key=lambda b: b.roomId), today=today),
            departures=_stay_rows(due_out, today=today),
            in_house=_stay_rows(staying, today=today),
            arrived_count=done_today.get("checkIns", 0),
            departed_count=done_today.get("checkOuts", 0),
            tonight=occupied_tonight,
            tonight_meter=meter(
                occupied_tonight / room_count if room_count else 0,
                label=f"{occupied_tonight} of {room_count} rooms occupied tonight",
            ),
            dirty_rooms=sum(1 for r in rooms if r.housekeeping == HOUSEKEEPING_DIRTY),
            out_of_order_rooms=sum(1 for r in rooms if r.housekeeping == HOUSEKEEPING_OUT_OF_ORDER),
            stay_url=reverse("admin:backoffice_stay"),
        )

    occupancy = []
    for offset in range(OCCUPANCY_DAYS):
        day = today + timedelta(days=offset)
        sold = counters.get(day, {}).get("roomsSold", 0)
        fraction = sold / room_count if room_count else 0
        occupancy.append((day, sold, fraction))
    peak = max(occupancy, key=lambda row: row[2]) if occupancy else None
    context.update(
        occupancy_rows=[
            {"day": _day_label(d), "sold": sold, "percent": _percent(f)} for d, sold, f in occupancy
        ],
        occupancy_chart=bar_chart(
            [
                Bar(
                    label=f"{d.day}",
                    value=f * 100,
                    title=f"{_day_label(d)}: {sold} of {room_count} rooms sold ({_percent(f)})",
                    tone="weekend" if d.weekday() in (4, 5) else "",
                )
                for d, sold, f in occupancy
            ],
            title=f"Occupancy for the next {OCCUPANCY_DAYS} days",
            desc=(
                f"Rooms sold as a share of {room_count} rooms, from {_day_label(today)}. "
                + (f"Highest: {_percent(peak[2])} on {_day_label(peak[0])}." if peak else "")
            ),
            axis_format=lambda v: f"{v:g} %",
            y_max=100,
            width=1100,
            height=240,
        ),
    )

    if context["can_reports"]:
        figures = stats.period_figures(start=start, end=end, rooms=room_count, days=counters)
        days = [start + timedelta(days=i) for i in range((end - start).days)]
        daily = [(d, counters.get(d, {})) for d in days]
        context.update(
            period_form=form,
            period=figures,
            period_label=_period_label(start, end),
            figures=[
                ("Room revenue", _money(figures.revenue), "Room nights sold, before tax"),
                ("Occupancy", _percent(figures.occupancy), "Rooms sold ÷ rooms available"),
                ("ADR", _money(figures.adr), "Average daily rate: revenue ÷ rooms sold"),
                ("RevPAR", _money(figures.revpar), "Revenue ÷ rooms available"),
                ("Rooms sold", f"{figures.rooms_sold:,}", f"of {figures.rooms_available:,}"),
                ("Bookings made", f"{figures.bookings_made:,}", "Confirmed, by the day made"),
                ("Cancellations", f"{figures.cancellations:,}", "By the day cancelled"),
                ("No-shows", f"{figures.no_shows:,}", "By the day due"),
            ],
            revenue_chart=bar_chart(
                [
                    Bar(
                        label=f"{d.day}",
                        value=c.get("roomRevenue", 0),
                        title=f"{_day_label(d)}: {_money(c.get('roomRevenue', 0))}",
                    )
                    for d, c in daily
                ],
                title="Room revenue per night",
                desc=f"Room revenue before tax for each night of the period, in "
                f"{settings.HOTEL_CURRENCY}. Total {_money(figures.revenue)}.",
                axis_format=_axis_money,
                width=560,
                height=240,
            ),
            pace_chart=bar_chart(
                [
                    Bar(
                        label=f"{d.day}",
                        value=c.get("bookingsMade", 0),
                        title=f"{_day_label(d)}: {c.get('bookingsMade', 0)} booking(s) made",
                    )
                    for d, c in daily
                ],
                title="Booking pace: bookings made per day",
                desc=f"{figures.bookings_made} bookings were made in the period.",
                counts=True,
                width=560,
                height=240,
            ),
            daily_rows=[
                {
                    "day": _day_label(d),
                    "sold": c.get("roomsSold", 0),
                    "revenue": _money(c.get("roomRevenue", 0)),
                    "adr": _money(
                        stats.period_figures(
                            start=d, end=d + timedelta(days=1), rooms=room_count, days={d: c}
                        ).adr
                    ),
                    "made": c.get("bookingsMade", 0),
                    "cancelled": c.get("cancellations", 0),
                }
                for d, c in daily
            ],
            reports_url=reverse("admin:backoffice_reports")
            + "?"
            + urlencode(
                {"start": start.isoformat(), "last": (end - timedelta(days=1)).isoformat()}
            ),
        )
    return TemplateResponse(request, "admin/backoffice/dashboard.html", context)


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
        messages.success(request, f"{verb}: {booking.guestName}, room {booking.roomId}{anyway}.")
    return HttpResponseRedirect(target)


# --- the room rack --------------------------------------------------------------------------------

RACK_TONES = {
    PENDING: "pending",
    CONFIRMED: "confirmed",
    CHECKED_IN: "in-house",
    CHECKED_OUT: "departed",
}


def rack_view(request):
    """Rooms × 14 days from a chosen date, each stay a bar coloured by its status."""
    from hotel.admin_site import site

    from .admin import STATUS_LABELS
    from .models import Booking

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
    admin = site.get_model_admin(Booking)
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


# --- reports and exports --------------------------------------------------------------------------

EXPORTS = {
    "bookings": ("Bookings", "Every booking arriving in the period, all statuses."),
    "payments": ("Payments", "Every payment created in the period (UTC days), with refunds."),
    "occupancy": ("Daily occupancy", "One row per day: rooms sold, occupancy, revenue, ADR."),
}


def reports_view(request):
    """The exports page: choose a period, download CSV files."""
    today = services.hotel_today(timezone.now())
    form, start, end = read_period(request, today)
    query = urlencode({"start": start.isoformat(), "last": (end - timedelta(days=1)).isoformat()})
    context = base_context(
        request,
        title="Reports and exports",
        period_form=form,
        exports=[
            {
                "title": title,
                "description": description,
                "url": reverse("admin:backoffice_export", kwargs={"kind": kind}) + "?" + query,
            }
            for kind, (title, description) in EXPORTS.items()
        ],
        period_label=_period_label(start, end),
    )
    return TemplateResponse(request, "admin/backoffice/reports.html", context)


def export_view(request, kind: str):
    """A streamed CSV of one export for the period in the query string."""
    if kind not in EXPORTS:
        from django.http import Http404

        raise Http404("No such export.")
    today = services.hotel_today(timezone.now())
    form, start, end = read_period(request, today)
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest("The period is not valid: " + form.errors.as_text())
    if kind == "bookings":
        lines = reports.csv_lines(
            reports.BOOKING_COLUMNS, reports.booking_rows(start=start, end=end)
        )
    elif kind == "payments":
        lines = reports.csv_lines(
            reports.PAYMENT_COLUMNS, reports.payment_rows(start=start, end=end)
        )
    else:
        room_count = len(rooms_all())
        lines = reports.csv_lines(
            reports.OCCUPANCY_COLUMNS,
            reports.occupancy_rows(start=start, end=end, rooms=room_count),
        )
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    last = end - timedelta(days=1)
    response["Content-Disposition"] = (
        f'attachment; filename="{kind}-{start.isoformat()}-{last.isoformat()}.csv"'
    )
    response["Cache-Control"] = "no-store"
    return response
