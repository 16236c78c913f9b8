"""Rate plans in the admin: the front desk may look them up, managers change them.

Every write goes through bookings.rate_plan_services (the API's rules, field by field);
FLEX is listed even before anyone stored it, and cannot be deleted.
"""

from __future__ import annotations

import json

from django import forms
from django.conf import settings

from bookings import rate_plan_services as services
from bookings.models import CHANNELS, PAYMENT_TERMS, RatePlan
from bookings.rate_reads import DEFAULT_PLAN, rate_plan_get, rate_plans_all
from bookings.rate_terms import FIXED, PERCENT
from hotel.dynamo_admin import DynamoModelAdmin, display, who
from hotel.dynamo_admin.changelist import ListedChangeList
from hotel.dynamo_admin.forms import VERSION_FIELD, DynamoForm, MoneyField
from hotel.dynamo_admin.translations import TranslatedFieldsMixin
from hotel.templatetags.money import format_money
from rooms.room_types import room_type_choices

from .rate_rules import RATE_EDITOR_ROLES

CHANNEL_LABELS = {"web": "Guest site", "api": "API clients", "staff": "Front desk"}
PAYMENT_LABELS = {
    "prepay": "Prepay (all at booking)",
    "deposit": "Deposit at booking, the rest at check-in",
    "at_hotel": "At the hotel (card kept as a guarantee)",
}
BASE = "base"
OCCUPANCY_EXAMPLE = (
    '{"included": 2, "extraAdult": 3000, "childBands": [{"fromAge": 0, "toAge": 2, '
    '"price": 0}, {"fromAge": 3, "toAge": 11, "price": 1500}], "extraBed": 0, '
    '"byType": {"Suite": {"included": 4}}}'
)
INCLUDED_EXAMPLE = (
    '[{"code": "BREAKFAST", "name": "Breakfast", "unit": "per_person_per_night", "value": 1500}]'
)


class JSONText(forms.CharField):
    """A JSON value typed in a text area (empty: null)."""

    widget = forms.Textarea(attrs={"rows": 3, "cols": 70, "spellcheck": "false"})

    def prepare_value(self, value):
        if value is None or isinstance(value, str):
            return value
        return json.dumps(value)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError as exc:
            raise forms.ValidationError(f"Not valid JSON: {exc}.") from exc


class RatePlanForm(DynamoForm):
    """A plan's fields; the price adjustment is typed as a percentage or as an amount."""

    ratePlan = forms.CharField(
        label="Code", max_length=20, help_text="e.g. NONREF. It cannot change later."
    )
    name = forms.CharField(label="Name", max_length=80, help_text="As guests read it.")
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 70}),
    )
    roomTypes = forms.MultipleChoiceField(
        label="Room types",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every room type, also types created later.",
    )
    active = forms.BooleanField(label="Active", required=False, initial=True)
    channels = forms.MultipleChoiceField(
        label="Sold to",
        choices=[(c, CHANNEL_LABELS[c]) for c in CHANNELS],
        initial=list(CHANNELS),
        widget=forms.CheckboxSelectMultiple,
    )
    adjustment_kind = forms.ChoiceField(
        label="Price",
        choices=[
            (BASE, "The room type's price (or the rate calendar's)"),
            (PERCENT, "A percentage more or less"),
            (FIXED, "An amount more or less per night"),
        ],
        initial=BASE,
        widget=forms.RadioSelect,
    )
    adjustment_percent = forms.IntegerField(
        label="Percentage", required=False, help_text="-15 takes 15 % off (from -100 to 500)."
    )
    adjustment_amount = MoneyField(
        currency=settings.HOTEL_CURRENCY,
        label="Amount per night",
        required=False,
        help_text=f"In {settings.HOTEL_CURRENCY}; negative takes it off.",
    )
    cancellation = forms.CharField(
        label="Cancellation policy",
        required=False,
        max_length=200,
        help_text='Days before arrival : percent refunded, e.g. "7:100,2:50,0:0"; "0:0" is '
        "non-refundable. Empty: the hotel's policy.",
    )
    noShowPercent = forms.IntegerField(label="No-show fee (% of the stay)", initial=100)
    payment = forms.ChoiceField(
        label="Payment",
        choices=[(p, PAYMENT_LABELS[p]) for p in PAYMENT_TERMS],
        initial="prepay",
    )
    depositPercent = forms.IntegerField(
        label="Deposit (%)", required=False, help_text="With a deposit only: 1 to 99."
    )
    occupancy = JSONText(
        label="Occupancy prices",
        required=False,
        help_text=f"Empty: the price is per room. Prices in minor units, e.g. {OCCUPANCY_EXAMPLE}",
    )
    included = JSONText(
        label="Included extras", required=False, help_text=f"Empty: none. E.g. {INCLUDED_EXAMPLE}"
    )
    sortOrder = forms.IntegerField(label="Sort order", initial=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.obj is not None:
            del self.fields["ratePlan"]  # shown, never changed
        types = room_type_choices()
        for code in getattr(self.obj, "roomTypes", None) or []:
            if code not in dict(types):  # a type deleted since
                types.append((code, code))
        self.fields["roomTypes"].choices = types

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("adjustment_kind")
        for wanted, name in ((PERCENT, "adjustment_percent"), (FIXED, "adjustment_amount")):
            if kind == wanted and cleaned.get(name) is None and name not in self.errors:
                self.add_error(name, "Enter the adjustment.")
        return cleaned

    def field_for_error(self, name: str) -> str:
        if name == "adjustment":
            kind = self.cleaned_data.get("adjustment_kind")
            return "adjustment_amount" if kind == FIXED else "adjustment_percent"
        return name

    @staticmethod
    def initial_for(plan: RatePlan) -> dict:
        adjustment = plan.adjustment or {}
        return {
            **{name: getattr(plan, name) for name in services.EDITABLE},
            "adjustment_kind": adjustment.get("kind", BASE),
            "adjustment_percent": adjustment.get("value")
            if adjustment.get("kind") == PERCENT
            else None,
            "adjustment_amount": adjustment.get("value")
            if adjustment.get("kind") == FIXED
            else None,
            VERSION_FIELD: plan.revision or 0,
        }

    def plan_data(self) -> dict:
        """What the services take: every field (the form is the whole plan)."""
        data = self.cleaned_data
        kind = data["adjustment_kind"]
        value = data.get("adjustment_amount") if kind == FIXED else data.get("adjustment_percent")
        plan = {name: data.get(name) for name in services.EDITABLE if name in self.fields}
        plan["adjustment"] = None if kind == BASE else {"kind": kind, "value": value}
        plan["cancellation"] = data.get("cancellation") or None
        if "ratePlan" in self.fields:
            plan["ratePlan"] = data["ratePlan"]
        return plan


class RatePlanAdmin(TranslatedFieldsMixin, DynamoModelAdmin):
    object_type = services.AUDIT_TYPE
    verbose_name = "rate plan"
    changelist_class = ListedChangeList
    list_display = (
        "ratePlan",
        "name",
        "sold_for",
        "price",
        "cancellation",
        "payment",
        "active",
        "sortOrder",
    )
    search_fields = ("ratePlan",)
    search_help_text = "Part of a plan's code or name."
    labels = {"ratePlan": "Code", "sortOrder": "Sort order", "lastUpdated": "Last updated"}
    choices = {"payment": PAYMENT_LABELS}
    form = RatePlanForm
    translated_fields = services.TRANSLATED  # "Name (Deutsch)"… after the English name

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        self.version_attribute = "revision"  # staff's edits are conditional on it

    # --- permissions: the front desk may look, only managers change plans ----------------------

    def _may_edit(self, request, action: str) -> bool:
        return getattr(request.user, "role", None) in RATE_EDITOR_ROLES and request.user.has_perm(
            self.permission(action)
        )

    def has_add_permission(self, request) -> bool:
        return self._may_edit(request, "add")

    def has_change_permission(self, request, obj=None) -> bool:
        return self._may_edit(request, "change")

    def has_delete_permission(self, request, obj=None) -> bool:
        is_default = obj is not None and obj.ratePlan == DEFAULT_PLAN
        return not is_default and self._may_edit(request, "delete")

    # --- reading

    def list_items(self, request) -> list[RatePlan]:
        return rate_plans_all()

    def get_object(self, request, object_id: str):
        if not object_id or len(object_id) > 20:
            return None
        return rate_plan_get(object_id.upper(), consistent=True)

    def get_objects(self, request, object_ids: list[str]) -> list:
        return [p for p in (self.get_object(request, i) for i in object_ids) if p is not None]

    # --- display ----------------------------------------------------------------------------------

    def format_attribute(self, obj, name):
        if name == "cancellation":
            return obj.cancellation or "The hotel's policy"
        if name == "roomTypes":
            return ", ".join(obj.roomTypes or []) or "Every room type"
        if name == "channels":
            return ", ".join(CHANNEL_LABELS.get(c, c) for c in obj.channels or CHANNELS)
        if name in ("occupancy", "included"):
            value = getattr(obj, name)
            return json.dumps(value) if value else self.empty_value_display
        return super().format_attribute(obj, name)

    @display(description="Room types")
    def sold_for(self, plan):
        return ", ".join(plan.roomTypes or []) or "Every room type"

    @display(description="Price")
    def price(self, plan):
        adjustment = plan.adjustment
        if not adjustment:
            return "Base price"
        if adjustment["kind"] == FIXED:
            return f"{format_money(adjustment['value'], settings.HOTEL_CURRENCY)} per night"
        return f"{adjustment['value']:+d} %"

    # --- the form ---------------------------------------------------------------------------------

    def get_fields(self, request, obj=None):
        names = [n for n in RatePlanForm.base_fields if n != "ratePlan"]
        if obj is None:
            return ["ratePlan", *names]
        if self.has_change_permission(request, obj):
            return ["ratePlan", *names, "lastUpdated"]
        return ["ratePlan", *services.EDITABLE, "lastUpdated"]

    def get_editable_fields(self, request, obj=None):
        return []  # RatePlanForm declares every field; none is generated from an attribute

    def get_initial(self, request, obj=None):
        initial = super().get_initial(request, obj)  # the translations' fields
        return initial if obj is None else {**initial, **RatePlanForm.initial_for(obj)}

    def get_form_data(self, request, form, obj=None):
        return {**form.plan_data(), **super().get_form_data(request, form, obj)}

    # --- writes through bookings.rate_plan_services

    def create_object(self, request, data):
        return services.rate_plan_create(data=data, **who(request))

    def update_object(self, request, obj, data, expected_version):
        return services.rate_plan_update(
            code=obj.ratePlan,
            data=data,
            replace=True,
            expected_revision=expected_version,
            **who(request),
        )

    def delete_object(self, request, obj, expected_version):
        services.rate_plan_delete(
            code=obj.ratePlan, expected_revision=expected_version, **who(request)
        )
