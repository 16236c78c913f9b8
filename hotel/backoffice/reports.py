"""Reports and exports: the page to choose a period, and the streamed CSV files
(hotel.backoffice.exports writes their rows).
"""

from __future__ import annotations

from datetime import timedelta

from django.http import Http404, HttpResponseBadRequest, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from bookings import services
from hotel.csvfiles import csv_lines
from rooms.selectors import rooms_all

from . import exports
from .common import base_context, period_label, read_period

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
        period_label=period_label(start, end),
    )
    return TemplateResponse(request, "admin/backoffice/reports.html", context)


def export_view(request, kind: str):
    """A streamed CSV of one export for the period in the query string."""
    if kind not in EXPORTS:
        raise Http404("No such export.")
    today = services.hotel_today(timezone.now())
    form, start, end = read_period(request, today)
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest("The period is not valid: " + form.errors.as_text())
    if kind == "bookings":
        lines = csv_lines(exports.BOOKING_COLUMNS, exports.booking_rows(start=start, end=end))
    elif kind == "payments":
        lines = csv_lines(exports.PAYMENT_COLUMNS, exports.payment_rows(start=start, end=end))
    else:
        room_count = len(rooms_all())
        lines = csv_lines(
            exports.OCCUPANCY_COLUMNS,
            exports.occupancy_rows(start=start, end=end, rooms=room_count),
        )
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    last = end - timedelta(days=1)
    response["Content-Disposition"] = (
        f'attachment; filename="{kind}-{start.isoformat()}-{last.isoformat()}.csv"'
    )
    response["Cache-Control"] = "no-store"
    return response
