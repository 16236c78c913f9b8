"""What the back-office pages share: who may open them, the period form, the page context,
and how they write days, percentages and money.
"""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.conf import settings

from bookings.kpis import MAX_PERIOD_DAYS
from hotel.dates import day_range_error
from hotel.dynamo_admin.forms import DateInput
from hotel.dynamo_admin.rendering import format_day
from hotel.templatetags.money import format_money

# --- who may see what -----------------------------------------------------------------------------


def may_view_bookings(request) -> bool:
    return request.user.has_perm("bookings.view_booking")


def may_change_bookings(request) -> bool:
    return request.user.has_perm("bookings.change_booking")


def may_view_reports(request) -> bool:
    return request.user.has_perm("reports.view_report")


def may_open_dashboard(request) -> bool:
    return may_view_bookings(request) or may_view_reports(request)


# --- the admin site -------------------------------------------------------------------------------


def admin_site():
    """The project's admin site.

    Imported when called, not at the top: hotel.admin_site autodiscovers this package's
    admin.py, which imports the page modules, so a page module that imported the site at
    load time would re-enter itself half-built whenever it is loaded first.
    """
    from hotel.admin_site import site

    return site


def base_context(request, *, title: str, **extra) -> dict:
    return {**admin_site().each_context(request), "title": title, "subtitle": None, **extra}


# --- the period -----------------------------------------------------------------------------------


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


# --- how the pages write things -------------------------------------------------------------------


def day_label(day: date) -> str:
    """A day as the back office writes days everywhere (settings' DATE_FORMAT)."""
    return format_day(day)


def period_label(start: date, end: date) -> str:
    """[start, end) as people say it: first day – last day included."""
    return f"{format_day(start)} – {format_day(end - timedelta(days=1))}"


def percent(value) -> str:
    return f"{value * 100:.1f} %"


def money(amount: int | None) -> str:
    return "—" if amount is None else format_money(amount, settings.HOTEL_CURRENCY)
