"""Promo codes in the admin, for managers: list, add, edit, delete.

Every write goes through bookings.promo_codes (the API's rules, field by field); the uses
the bookings count are shown, never edited.
"""

from __future__ import annotations

from django import forms
from django.conf import settings

from bookings import promo_codes as services
from bookings.models import PromoCode
from bookings.rate_reads import rate_plans_all
from hotel.dynamo_admin import DynamoModelAdmin, display, who
from hotel.dynamo_admin.changelist import ListedChangeList
from hotel.dynamo_admin.forms import (
    VERSION_FIELD,
    DateInput,
    DynamoForm,
    MoneyField,
    build_form_class,
)
from hotel.dynamo_admin.rendering import format_day
from hotel.errors import NotFound
from hotel.templatetags.money import format_money

from .rate_rules import RATE_EDITOR_ROLES

PERCENT, AMOUNT = "percent", "amount"


class PromoCodeForm(DynamoForm):
    code = forms.CharField(
        label="Code",
        max_length=40,
        help_text="3 to 40 letters, digits, hyphens and underscores, e.g. SPRING10 (stored in "
        "capitals). It cannot change later.",
    )
    description = forms.CharField(label="Description", required=False, max_length=500)
    kind = forms.ChoiceField(
        label="Discount",
        choices=[(PERCENT, "A percentage off the room price"), (AMOUNT, "An amount off the stay")],
        initial=PERCENT,
        widget=forms.RadioSelect,
    )
    percent = forms.IntegerField(label="Percentage", required=False, help_text="1 to 100.")
    amount = MoneyField(currency=settings.HOTEL_CURRENCY, label="Amount", required=False)
    bookFrom = forms.DateField(label="Book from", required=False, widget=DateInput)
    bookTo = forms.DateField(
        label="Book until", required=False, widget=DateInput, help_text="Included."
    )
    stayFrom = forms.DateField(label="Stays from", required=False, widget=DateInput)
    stayTo = forms.DateField(
        label="Stays until",
        required=False,
        widget=DateInput,
        help_text="The last night, included. Every night of the stay must be inside.",
    )
    ratePlans = forms.MultipleChoiceField(
        label="Rate plans",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every plan.",
    )
    maxUses = forms.IntegerField(label="Uses at most", required=False, help_text="Empty: no limit.")
    perGuest = forms.IntegerField(
        label="Uses per guest", required=False, help_text="By email. Empty: no limit."
    )
    active = forms.BooleanField(label="Active", required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.obj is not None:
            del self.fields["code"]
        plans = [(p.ratePlan, f"{p.name} ({p.ratePlan})") for p in rate_plans_all(cached=True)]
        for code in getattr(self.obj, "ratePlans", None) or []:
            if code not in dict(plans):
                plans.append((code, code))
        self.fields["ratePlans"].choices = plans

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind in (PERCENT, AMOUNT) and cleaned.get(kind) is None and kind not in self.errors:
            self.add_error(kind, "Enter the discount.")
        return cleaned

    @staticmethod
    def initial_for(promo: PromoCode) -> dict:
        return {
            **{name: getattr(promo, name) for name in services.EDITABLE},
            "kind": AMOUNT if promo.amount is not None else PERCENT,
            "ratePlans": list(promo.ratePlans or []),
            "active": promo.active is not False,
            VERSION_FIELD: promo.revision or 0,
        }

    def promo_data(self) -> dict:
        """What the services take: every field (the form is the whole code)."""
        data = self.cleaned_data
        promo = {name: data.get(name) for name in services.EDITABLE}
        kind = data["kind"]
        promo[PERCENT] = data.get(PERCENT) if kind == PERCENT else None
        promo[AMOUNT] = data.get(AMOUNT) if kind == AMOUNT else None
        promo["description"] = data.get("description") or None
        promo["ratePlans"] = list(data.get("ratePlans") or [])
        if "code" in self.fields:
            promo["code"] = data["code"]
        return promo


class PromoCodeAdmin(DynamoModelAdmin):
    object_type = services.AUDIT_TYPE
    verbose_name = "promo code"
    changelist_class = ListedChangeList
    list_display = ("code", "discount", "booking", "stays", "plans", "used", "active")
    search_fields = ("code",)
    search_help_text = "Part of a code."
    labels = {"lastUpdated": "Last updated", "uses": "Uses so far"}

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        self.has_object_pages = True  # an item per code ("promo"); the counters are not listed
        self.version_attribute = "revision"

    # --- permissions: managers only ------------------------------------------------------------

    def _may(self, request, action: str) -> bool:
        return getattr(request.user, "role", None) in RATE_EDITOR_ROLES and request.user.has_perm(
            self.permission(action)
        )

    def has_view_permission(self, request, obj=None) -> bool:
        return self._may(request, "view")

    def has_add_permission(self, request) -> bool:
        return self._may(request, "add")

    def has_change_permission(self, request, obj=None) -> bool:
        return self._may(request, "change")

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._may(request, "delete")

    # --- reading

    def list_items(self, request) -> list[PromoCode]:
        return services.promo_codes_all()

    def object_id(self, obj) -> str:
        return obj.code

    def get_object(self, request, object_id: str):
        try:
            return services.promo_code_read(object_id)
        except NotFound:
            return None

    def get_objects(self, request, object_ids: list[str]) -> list:
        return [p for p in (self.get_object(request, i) for i in object_ids) if p is not None]

    # --- display ----------------------------------------------------------------------------------

    def format_attribute(self, obj, name):
        if name == "amount" and obj.amount is not None:
            return format_money(obj.amount, settings.HOTEL_CURRENCY)
        if name in ("bookFrom", "bookTo", "stayFrom", "stayTo"):
            return format_day(getattr(obj, name)) or self.empty_value_display
        if name == "ratePlans":
            return ", ".join(obj.ratePlans or []) or "Every plan"
        if name == "uses":
            return obj.uses or 0
        return super().format_attribute(obj, name)

    @display(description="Discount")
    def discount(self, promo):
        if promo.amount is not None:
            return f"{format_money(promo.amount, settings.HOTEL_CURRENCY)} off"
        return f"{promo.percent} % off" if promo.percent is not None else None

    @staticmethod
    def _window(first, last) -> str:
        first, last = format_day(first), format_day(last)
        if first and last:
            return f"{first} – {last}"
        return f"From {first}" if first else f"Until {last}" if last else "Any"

    @display(description="Booked")
    def booking(self, promo):
        return self._window(promo.bookFrom, promo.bookTo)

    @display(description="Stays")
    def stays(self, promo):
        return self._window(promo.stayFrom, promo.stayTo)

    @display(description="Rate plans")
    def plans(self, promo):
        return ", ".join(promo.ratePlans or []) or "Every plan"

    @display(description="Used")
    def used(self, promo):
        limit = f" of {promo.maxUses}" if promo.maxUses is not None else ""
        return f"{promo.uses or 0}{limit}"

    # --- the form ---------------------------------------------------------------------------------

    def get_fields(self, request, obj=None):
        names = [n for n in PromoCodeForm.base_fields if n != "code"]
        if obj is None:
            return ["code", *names]
        return ["code", *names, "uses", "lastUpdated"]

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("code", "uses", "lastUpdated")

    def get_form(self, request, obj=None):
        return build_form_class(
            base=PromoCodeForm,
            model=self.model,
            editable=[],
            field_for=lambda name, attr: None,
            versioned=obj is not None,
        )

    def get_initial(self, request, obj=None):
        return {} if obj is None else PromoCodeForm.initial_for(obj)

    def get_form_data(self, request, form, obj=None):
        return form.promo_data()

    # --- writes through bookings.promo_codes

    def create_object(self, request, data):
        return services.promo_code_create(data=data, **who(request))

    def update_object(self, request, obj, data, expected_version):
        return services.promo_code_update(
            code=obj.code,
            data=data,
            replace=True,
            expected_revision=expected_version,
            **who(request),
        )

    def delete_object(self, request, obj, expected_version):
        services.promo_code_delete(
            code=obj.code, expected_revision=expected_version, **who(request)
        )
