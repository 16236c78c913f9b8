"""The night audit on the dashboard: the last closed business day and its report, the
"Run night audit" button (managers and accountants; it POSTs here).
The audit itself is payments.night_audit.services; this page parses, calls and renders.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse

from bookings.clock import hotel_today
from hotel.dynamo_admin import who
from hotel.errors import DomainError
from payments.folio.business_day import last_closed_day
from payments.night_audit.services import day_report, night_audit_run

from .common import day_label, money

CLOSE_PERM = "payments.close_business_day"


def may_run_audit(request) -> bool:
    return request.user.has_perm(CLOSE_PERM)


def _rows(report: dict) -> list[tuple[str, str]]:
    balances = report.get("guestBalances") or {}
    rows = [
        ("Rooms sold", f"{report['roomsSold']} of {report['roomsAvailable']}"),
        ("Occupancy", f"{report['occupancy']} %" if report.get("occupancy") else "—"),
        ("Room revenue (net)", money(report["roomRevenue"])),
        ("ADR", money(report.get("adr"))),
        ("RevPAR", money(report.get("revpar"))),
        ("Revenue (net, all)", money(report["revenueTotal"]["net"])),
        ("Tax", money(report["revenueTotal"]["tax"])),
        ("City tax", money(report.get("cityTax", 0))),
    ]
    rows += [(f"Payments: {p['method']}", money(p["amount"])) for p in report["payments"]]
    rows += [(f"Refunds: {r['method']}", money(r["amount"])) for r in report["refunds"]]
    rows += [
        (
            "Arrivals / departures / no-shows / in house",
            f"{report['arrivals']} / {report['departures']} / {report['noShows']} / "
            f"{report['inHouse']}",
        ),
        ("Guests' balances", f"{money(balances.get('total', 0))} ({balances.get('guests', 0)})"),
    ]
    return rows


def night_audit_context(request, *, now) -> dict:
    """The dashboard's night-audit panel (for those who may see reports)."""
    last = last_closed_day()
    report = None
    if last is not None:
        try:
            report = day_report(day=last, now=now)
        except DomainError:
            report = None  # closed before the first audit: no report
    return {
        "audit_last_closed": day_label(last) if last else None,
        "audit_rows": _rows(report) if report else [],
        "audit_url": reverse("admin:backoffice_night_audit"),
        "audit_day": (hotel_today(now) - timedelta(days=1)).isoformat(),
        "can_run_audit": may_run_audit(request),
    }


def night_audit_view(request):
    """POST: close business days up to `date` (default yesterday); back to the dashboard."""
    target = reverse("admin:backoffice_dashboard")
    if request.method != "POST":
        return HttpResponseRedirect(target)
    kwargs = who(request)
    try:
        day = date.fromisoformat(request.POST.get("date", "")[:10])
    except ValueError:
        day = hotel_today(kwargs["now"]) - timedelta(days=1)
    try:
        result = night_audit_run(day=day, **kwargs)
    except DomainError as exc:
        messages.error(request, f"Night audit {day.isoformat()}: {exc.message}")
        return HttpResponseRedirect(target + "#night-audit")
    if not result.done:
        messages.warning(
            request,
            f"Closed {len(result.closed)} day(s) up to {result.last_closed}; run the audit "
            "again to close the rest.",
        )
    elif result.closed:
        closed = ", ".join(day_label(d) for d in result.closed)
        messages.success(request, f"Night audit done: closed {closed}.")
    else:
        messages.info(request, f"{day_label(day)} was already closed.")
    return HttpResponseRedirect(target + "#night-audit")
