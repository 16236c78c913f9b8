"""The rates grid: room types × a 14-day window under one rate plan — each date's price
(derived prices muted), units left and restrictions — with a bulk form above it that sets
or clears them for a range of dates and weekdays (managers).

Reads are bookings.rate_calendar's (one calendar Query and one inventory Query per month
for every type); writes go through rate_calendar_set, one call per chosen type.
"""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import urlencode

from bookings import rate_calendar
from bookings.blocks.selectors import block_nights_between, pickup_label
from bookings.clock import hotel_today
from bookings.inventory import inventory_read
from bookings.rate_reads import DEFAULT_PLAN, plan_sells, rate_plans_all
from bookings.selectors import rate_rules_active
from hotel.dates import clamp_day
from hotel.dynamo_admin import who
from hotel.dynamo_admin.forms import DateInput, MoneyField
from hotel.dynamo_admin.rendering import format_day
from hotel.errors import ValidationFailed
from hotel.templatetags.money import ZERO_DECIMAL
from rooms.room_types import room_types_all

from .common import base_context

GRID_DAYS = 14
WEEKDAYS = [(0, "Mon"), (1, "Tue"), (2, "Wed"), (3, "Thu"), (4, "Fri"), (5, "Sat"), (6, "Sun")]
LEAVE, SET, CLEAR = "", "set", "clear"
FLAG_CHOICES = [(LEAVE, "Leave as is"), (SET, "Yes"), (CLEAR, "No (clear)")]
# The service's field names -> the form's.
FORM_NAMES = {
    "roomType": "room_types",
    "from": "start",
    "to": "last",
    "weekdays": "weekdays",
    "price": "price",
    "minStay": "min_stay",
    "maxStay": "max_stay",
    "closedToArrival": "closed_to_arrival",
    "closedToDeparture": "closed_to_departure",
    "stopSell": "stop_sell",
}


def may_edit_rates(request) -> bool:
    return request.user.has_perm(rate_calendar.EDIT_PERM)


class BulkForm(forms.Form):
    """A bulk change: which types, which dates, what to set or clear (blank: leave)."""

    plan = forms.CharField(widget=forms.HiddenInput)
    room_types = forms.MultipleChoiceField(
        label="Room types", widget=forms.CheckboxSelectMultiple, choices=()
    )
    start = forms.DateField(label="From", widget=DateInput)
    last = forms.DateField(label="To", widget=DateInput, help_text="Included.")
    weekdays = forms.TypedMultipleChoiceField(
        label="Weekdays",
        required=False,
        coerce=int,
        choices=WEEKDAYS,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every day.",
    )
    price = MoneyField(
        currency=settings.HOTEL_CURRENCY, label="Price per night", required=False, help_text=""
    )
    clear_price = forms.BooleanField(label="Clear the price (derive it)", required=False)
    min_stay = forms.IntegerField(label="Min stay", required=False, min_value=1, max_value=365)
    clear_min_stay = forms.BooleanField(label="Clear min stay", required=False)
    max_stay = forms.IntegerField(label="Max stay", required=False, min_value=1, max_value=365)
    clear_max_stay = forms.BooleanField(label="Clear max stay", required=False)
    closed_to_arrival = forms.ChoiceField(
        label="Closed to arrival", choices=FLAG_CHOICES, required=False
    )
    closed_to_departure = forms.ChoiceField(
        label="Closed to departure", choices=FLAG_CHOICES, required=False
    )
    stop_sell = forms.ChoiceField(label="Stop sell", choices=FLAG_CHOICES, required=False)

    def __init__(self, *args, types: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room_types"].choices = types

    def clean(self):
        cleaned = super().clean()
        for value, clear in (
            ("price", "clear_price"),
            ("min_stay", "clear_min_stay"),
            ("max_stay", "clear_max_stay"),
        ):
            if cleaned.get(value) is not None and cleaned.get(clear):
                self.add_error(clear, "Set a value or clear it, not both.")
        if not self.errors and not self.calendar_fields():
            raise forms.ValidationError("Choose something to set or clear.")
        return cleaned

    def calendar_fields(self) -> dict:
        """What rate_calendar_set takes as `fields` (None clears)."""
        data, fields = self.cleaned_data, {}
        for name in ("price", "minStay", "maxStay"):
            form_name = FORM_NAMES[name]
            if data.get(form_name) is not None:
                fields[name] = data[form_name]
            elif data.get(f"clear_{form_name}"):
                fields[name] = None
        for name in rate_calendar.FLAG_FIELDS:
            choice = data.get(FORM_NAMES[name])
            if choice == SET:
                fields[name] = True
            elif choice == CLEAR:
                fields[name] = None
        return fields

    def add_service_errors(self, code: str, exc: ValidationFailed) -> None:
        for name, problems in (exc.details.get("fields") or {}).items():
            target = FORM_NAMES.get(name)
            for problem in problems:
                self.add_error(target, f"{code}: {problem}" if target is None else problem)


def _window(request, today: date) -> date:
    try:
        start = date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = today
    return clamp_day(start, margin_days=GRID_DAYS)


def _plan(code: str | None):
    plans = rate_plans_all(cached=True)
    chosen = next((p for p in plans if p.ratePlan == code), None)
    return plans, chosen or next(p for p in plans if p.ratePlan == DEFAULT_PLAN)


def _badges(day: dict) -> list[tuple[str, str, str]]:
    """(short label, tone, long label) of a date's restrictions."""
    found = []
    if day["stopSell"]:
        found.append(("stop", "stop", "Stop sell"))
    if day["closedToArrival"]:
        found.append(("CTA", "closed", "Closed to arrival"))
    if day["closedToDeparture"]:
        found.append(("CTD", "closed", "Closed to departure"))
    if day["minStay"]:
        found.append((f"min {day['minStay']}", "stay", f"Minimum stay {day['minStay']} nights"))
    if day["maxStay"]:
        found.append((f"max {day['maxStay']}", "stay", f"Maximum stay {day['maxStay']} nights"))
    if day["minStayThrough"]:
        n = day["minStayThrough"]
        found.append((f"min {n}+", "stay", f"Stays through this night: at least {n} nights"))
    return found


def _price(amount: int, currency: str) -> str:
    """A cell's price: major units without the symbol (the header names the currency)."""
    if currency.upper() in ZERO_DECIMAL:
        return f"{amount:,}"
    major, minor = divmod(amount, 100)
    return f"{major:,}" if not minor else f"{major:,}.{minor:02d}"


def grid_rows(*, plan, start: date, end: date) -> tuple[list[dict], list[str]]:
    """One row per room type the plan sells (its cells by date) and the codes it does not."""
    kinds = room_types_all(cached=True)
    sold = [k for k in kinds if plan_sells(plan, k.roomType, None)]
    calendar = rate_calendar.calendar_read(first=start, last=end)
    counters = inventory_read(first=start, last=end)
    rules = rate_rules_active()
    pickup = block_nights_between(first=start, last=end)
    rows = []
    for kind in sold:
        days = rate_calendar.days_of_type(
            kind=kind,
            plan_item=plan,
            start=start,
            end=end,
            calendar=calendar,
            counters=counters,
            rules=rules,
        )
        cells = [
            {
                **day,
                "shown": _price(day["price"], kind.currency),
                "derived": day["priceSource"] == "derived",
                "badges": _badges(day),
                "weekend": date.fromisoformat(day["date"]).weekday() >= 5,
                "full": format_day(day["date"]),
                "blocks": [
                    {"item": b, "label": pickup_label([b])}
                    for b in pickup.get((kind.roomType, date.fromisoformat(day["date"])), ())
                ],
            }
            for day in days
        ]
        rows.append({"kind": kind, "cells": cells})
    return rows, [k.roomType for k in kinds if k not in sold]


def _apply(request, form: BulkForm, plan) -> bool:
    """Run the bulk change for each chosen type (all validated before any is written);
    say how many days changed. False when the form or the service refused it."""
    if not form.is_valid():
        return False
    data, fields = form.cleaned_data, form.calendar_fields()
    args = {
        "rate_plan": plan.ratePlan,
        "start": data["start"],
        "end": data["last"],
        "weekdays": data["weekdays"],
        "fields": fields,
    }
    for code in data["room_types"]:
        try:
            rate_calendar.rate_calendar_validate(room_type=code, **args)
        except ValidationFailed as exc:
            form.add_service_errors(code, exc)
    if form.errors:
        return False
    written = {
        code: rate_calendar.rate_calendar_set(room_type=code, **args, **who(request))
        for code in data["room_types"]
    }
    total = sum(written.values())
    parts = ", ".join(f"{code} {n}" for code, n in written.items())
    messages.success(
        request,
        f"{plan.name} ({plan.ratePlan}): {total} day{'s' if total != 1 else ''} changed "
        f"({parts}), {format_day(data['start'])} – {format_day(data['last'])}.",
    )
    return True


def rates_grid_view(request):
    """The grid under a plan for 14 days; a manager's POST applies the bulk form."""
    today = hotel_today(timezone.now())
    source = request.POST if request.method == "POST" else request.GET
    plans, plan = _plan(source.get("plan"))
    start = _window(request, today)
    end = start + timedelta(days=GRID_DAYS - 1)
    can_edit = may_edit_rates(request)
    types = [
        (k.roomType, k.name or k.roomType)
        for k in room_types_all(cached=True)
        if plan_sells(plan, k.roomType, None)
    ]
    form = None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = BulkForm(request.POST, types=types)
        if _apply(request, form, plan):
            query = urlencode({"plan": plan.ratePlan, "start": start.isoformat()})
            return HttpResponseRedirect(f"{request.path}?{query}")
        messages.error(request, "Nothing was changed: correct the fields below.")
    elif can_edit:
        form = BulkForm(types=types, initial={"plan": plan.ratePlan, "start": start, "last": end})
    rows, unsold = grid_rows(plan=plan, start=start, end=end)
    dates = [start + timedelta(days=n) for n in range(GRID_DAYS)]
    step = timedelta(days=GRID_DAYS)
    context = base_context(
        request,
        title="Rates grid",
        plans=plans,
        plan=plan,
        start=start,
        today=today,
        previous=(start - step).isoformat(),
        following=(start + step).isoformat(),
        dates=[
            {
                "date": d,
                "label": f"{d:%a}",
                "number": d.day,
                "month": f"{d:%b}",
                "weekend": d.weekday() >= 5,
                "today": d == today,
            }
            for d in dates
        ],
        rows=rows,
        unsold=unsold,
        currency=settings.HOTEL_CURRENCY,
        can_edit=can_edit,
        form=form,
    )
    return TemplateResponse(request, "admin/backoffice/rates_grid.html", context)
