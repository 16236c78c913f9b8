"""Rate rules in the admin: the front desk may look them up, managers change prices.

Every write goes through bookings.rates (rate_rule_save, rate_rule_delete).
"""

from __future__ import annotations

from django import forms
from django.conf import settings

from bookings import rates
from bookings.models import RateRule
from bookings.pricing import FIXED, PERCENT
from hotel.accounts import roles
from hotel.dynamo_admin import AttributeFilter, DynamoModelAdmin, display, who
from hotel.dynamo_admin.forms import (
    VERSION_FIELD,
    DateInput,
    DynamoForm,
    MoneyField,
    build_form_class,
)
from hotel.dynamo_admin.rendering import format_day
from hotel.templatetags.money import format_money
from rooms.room_types import room_type_choices

# Front desk holds `bookings.*`, which would include the rate rules: editing prices is
# deliberately left to managers; the front desk may look them up.
RATE_EDITOR_ROLES = frozenset({roles.MANAGER})
WEEKDAYS = [(0, "Mon"), (1, "Tue"), (2, "Wed"), (3, "Thu"), (4, "Fri"), (5, "Sat"), (6, "Sun")]


class RateRuleForm(DynamoForm):
    """A rule's fields; the value is typed as a percentage or as a price, by kind."""

    name = forms.CharField(
        label="Name",
        max_length=80,
        help_text="Shown in each booking's price breakdown, e.g. “Weekend +20%”.",
    )
    roomType = forms.ChoiceField(
        label="Room type",
        required=False,
        choices=[("", "All room types")],  # and the types, when the form is made
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = getattr(self.obj, "roomType", None)
        types = room_type_choices()
        if current and current not in dict(types):  # a rule of a type deleted since
            types.append((current, current))
        self.fields["roomType"].choices = [("", "All room types"), *types]

    startDate = forms.DateField(
        label="First night",
        required=False,
        widget=DateInput,
        help_text="Empty: since always.",
    )
    endDate = forms.DateField(
        label="Last night",
        required=False,
        widget=DateInput,
        help_text="Included. Empty: no end.",
    )
    weekdays = forms.TypedMultipleChoiceField(
        label="Weekdays",
        required=False,
        coerce=int,
        choices=WEEKDAYS,
        widget=forms.CheckboxSelectMultiple,
        help_text="The nights of the week it applies to; none ticked: every night.",
    )
    kind = forms.ChoiceField(
        label="Kind",
        choices=[(PERCENT, "Percentage of the room's price"), (FIXED, "Fixed price per night")],
        widget=forms.RadioSelect,
        initial=PERCENT,
    )
    percent = forms.IntegerField(
        label="Adjustment (%)",
        required=False,
        help_text="For a percentage: 20 raises the price by 20%, -15 takes 15% off "
        "(from -100 to 500).",
    )
    price = MoneyField(
        currency=settings.HOTEL_CURRENCY,
        label="Fixed price per night",
        required=False,
        help_text=f"For a fixed price, in {settings.HOTEL_CURRENCY}: replaces the room's price.",
    )
    priority = forms.IntegerField(
        label="Priority",
        initial=0,
        help_text="When several rules match a night, the one with the highest priority wins.",
    )
    minStay = forms.IntegerField(
        label="Minimum stay",
        required=False,
        help_text="Nights. Stays that include a night this rule matches must be this long.",
    )
    maxStay = forms.IntegerField(label="Maximum stay", required=False, help_text="Nights.")
    active = forms.BooleanField(
        label="Active",
        required=False,
        initial=True,
        help_text="Inactive rules are kept but no longer used for new prices.",
    )

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == PERCENT and cleaned.get("percent") is None and "percent" not in self.errors:
            self.add_error("percent", "Enter the percentage of a percentage rule.")
        if kind == FIXED and cleaned.get("price") is None and "price" not in self.errors:
            self.add_error("price", "Enter the nightly price of a fixed-price rule.")
        return cleaned

    def field_for_error(self, name: str) -> str:
        if name == "value":
            return "price" if self.cleaned_data.get("kind") == FIXED else "percent"
        return name

    @staticmethod
    def initial_for(rule: RateRule) -> dict:
        return {
            "name": rule.name,
            "roomType": rule.roomType or "",
            "startDate": rule.startDate,
            "endDate": rule.endDate,
            "weekdays": [int(d) for d in rule.weekdays or []],
            "kind": rule.kind,
            "percent": rule.value if rule.kind == PERCENT else None,
            "price": rule.value if rule.kind == FIXED else None,
            "priority": rule.priority,
            "minStay": rule.minStay,
            "maxStay": rule.maxStay,
            "active": rule.active,
        }

    def rule_data(self) -> dict:
        """What rates.rate_rule_save takes."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "kind": data["kind"],
            "value": data["price"] if data["kind"] == FIXED else data["percent"],
            "roomType": data.get("roomType") or None,
            "startDate": data.get("startDate"),
            "endDate": data.get("endDate"),
            "weekdays": data.get("weekdays") or [],
            "priority": data.get("priority") or 0,
            "minStay": data.get("minStay"),
            "maxStay": data.get("maxStay"),
            "active": bool(data.get("active")),
        }


class RateRuleAdmin(DynamoModelAdmin):
    object_type = rates.OBJECT_TYPE
    # The model was RateRuleItem: its admin URLs and permission names stay as staff know them.
    model_name = "rateruleitem"
    verbose_name = "rate rule"
    list_display = (
        "name",
        "roomType",
        "dates",
        "weekdays",
        "kind",
        "value",
        "priority",
        "stay",
        "active",
    )
    list_filter = ("active", AttributeFilter("kind", choices=[PERCENT, FIXED]))
    search_fields = ("name",)
    search_help_text = "Part of a rule's name."
    readonly_fields = ("lastUpdated",)
    labels = {"roomType": "Room type", "lastUpdated": "Last updated"}
    choices = {"kind": {PERCENT: "Percentage", FIXED: "Fixed price"}}
    list_per_page = 100

    def audit_value(self, field, value, snapshot):
        """A fixed rule's value is a price (minor units); a percentage rule's a percentage."""
        if field == "value" and type(value) is int:
            if snapshot.get("kind") == FIXED:
                return self.audit_money(value, snapshot)
            return f"{value:+d} %"
        return super().audit_value(field, value, snapshot)

    # --- permissions: the front desk may look, only managers change prices --------------------

    def _may_edit(self, request, action: str) -> bool:
        return getattr(request.user, "role", None) in RATE_EDITOR_ROLES and request.user.has_perm(
            self.permission(action)
        )

    def has_add_permission(self, request) -> bool:
        return self._may_edit(request, "add")

    def has_change_permission(self, request, obj=None) -> bool:
        return self._may_edit(request, "change")

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._may_edit(request, "delete")

    # --- display ----------------------------------------------------------------------------------

    def format_attribute(self, obj, name):
        if name == "roomType":
            return obj.roomType or "All room types"
        if name == "weekdays":
            days = sorted(int(d) for d in obj.weekdays or [])
            return ", ".join(WEEKDAYS[d][1] for d in days if 0 <= d <= 6) or "Every night"
        if name == "value":
            if obj.kind == FIXED:
                return format_money(obj.value, settings.HOTEL_CURRENCY)
            return f"{obj.value:+d}%"
        if name in ("startDate", "endDate"):
            return format_day(getattr(obj, name)) or self.empty_value_display
        return super().format_attribute(obj, name)

    @display(description="Nights")
    def dates(self, rule):
        start, end = format_day(rule.startDate), format_day(rule.endDate)
        if start and end:
            return f"{start} – {end}"
        if start:
            return f"From {start}"
        if end:
            return f"Until {end}"
        return "Any"

    @display(description="Stay")
    def stay(self, rule):
        if rule.minStay and rule.maxStay:
            return f"{rule.minStay}–{rule.maxStay} nights"
        if rule.minStay:
            return f"At least {rule.minStay} nights"
        if rule.maxStay:
            return f"At most {rule.maxStay} nights"
        return None

    # --- the form -------------------------------------------------------------------------------

    def get_fields(self, request, obj=None):
        if obj is None or self.has_change_permission(request, obj):
            names = list(RateRuleForm.base_fields)
            return names if obj is None else ["ruleId", *names, "lastUpdated"]
        return ["ruleId", *rates.FIELDS, "lastUpdated"]

    def get_form(self, request, obj=None):
        return build_form_class(
            base=RateRuleForm,
            model=self.model,
            editable=[],
            field_for=lambda name, attr: None,
            versioned=obj is not None,
        )

    def get_initial(self, request, obj=None):
        if obj is None:
            return {}
        return {**RateRuleForm.initial_for(obj), VERSION_FIELD: obj.version}

    def get_form_data(self, request, form, obj=None):
        return form.rule_data()

    # --- writes through bookings.rates -----------------------------------------------------------

    def create_object(self, request, data):
        return rates.rate_rule_save(rule_id=None, data=data, **who(request))

    def update_object(self, request, obj, data, expected_version):
        return rates.rate_rule_save(
            rule_id=obj.ruleId, data=data, expected_version=expected_version, **who(request)
        )

    def delete_object(self, request, obj, expected_version):
        rates.rate_rule_delete(
            rule_id=obj.ruleId, expected_version=expected_version, **who(request)
        )
