"""The extras catalog in the admin: the front desk reads it (what to sell at the desk),
managers add, edit and delete. Every write goes through bookings.extras.catalog (the API's
rules, field by field)."""

from __future__ import annotations

from django import forms
from django.conf import settings

from bookings.extras import catalog as services
from bookings.extras.models import UNITS, Extra
from bookings.rate_reads import rate_plans_all
from hotel.dynamo_admin import DynamoModelAdmin, display, who
from hotel.dynamo_admin.changelist import ListedChangeList
from hotel.dynamo_admin.forms import VERSION_FIELD, DynamoForm, MoneyField
from hotel.dynamo_admin.translations import TranslatedFieldsMixin
from hotel.errors import NotFound
from hotel.templatetags.money import format_money

from .rate_rules import RATE_EDITOR_ROLES

UNIT_LABELS = {
    "per_stay": "Per stay",
    "per_night": "Per night",
    "per_person_per_night": "Per guest per night",
    "per_item": "Per item",
}


class ExtraForm(DynamoForm):
    code = forms.CharField(
        label="Code",
        max_length=30,
        help_text="2 to 30 letters, digits, hyphens and underscores, e.g. BREAKFAST (stored in "
        "capitals). It cannot change later.",
    )
    name = forms.CharField(label="Name", max_length=120)
    description = forms.CharField(
        label="Description", required=False, max_length=1000, widget=forms.Textarea
    )
    price = MoneyField(
        currency=settings.HOTEL_CURRENCY, label="Price", help_text="Per unit, tax included."
    )
    unit = forms.ChoiceField(label="Unit", choices=[(u, UNIT_LABELS[u]) for u in UNITS])
    taxCategory = forms.ChoiceField(label="Tax category")
    bookableOnline = forms.BooleanField(label="Bookable online", required=False, initial=True)
    includedIn = forms.MultipleChoiceField(
        label="Included in",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Rate plans that include it: not sold again on their bookings.",
    )
    dailyStock = forms.IntegerField(
        label="Daily stock", required=False, min_value=0, help_text="Empty: unlimited."
    )
    active = forms.BooleanField(label="Active", required=False, initial=True)
    sortOrder = forms.IntegerField(label="Sort order", required=False, initial=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.obj is not None:
            del self.fields["code"]
        plans = [(p.ratePlan, f"{p.name} ({p.ratePlan})") for p in rate_plans_all(cached=True)]
        for code in getattr(self.obj, "includedIn", None) or []:
            if code not in dict(plans):
                plans.append((code, code))
        self.fields["includedIn"].choices = plans
        self.fields["taxCategory"].choices = [(c, c) for c in sorted(services.tax_categories())]

    @staticmethod
    def initial_for(extra: Extra) -> dict:
        return {
            **{name: getattr(extra, name) for name in services.EDITABLE},
            "includedIn": list(extra.includedIn or []),
            VERSION_FIELD: extra.revision or 0,
        }

    def extra_data(self) -> dict:
        data = self.cleaned_data
        extra = {name: data.get(name) for name in services.EDITABLE if name in self.fields}
        extra["description"] = data.get("description") or ""
        extra["includedIn"] = list(data.get("includedIn") or [])
        extra["sortOrder"] = data.get("sortOrder") or 0
        if "code" in self.fields:
            extra["code"] = data["code"]
        return extra


class ExtraAdmin(TranslatedFieldsMixin, DynamoModelAdmin):
    object_type = services.AUDIT_TYPE
    verbose_name = "extra"
    changelist_class = ListedChangeList
    list_display = ("code", "name", "unit_price", "stock", "online", "included", "active")
    search_fields = ("code", "name")
    search_help_text = "Part of a code or name."
    labels = {"lastUpdated": "Last updated"}
    form = ExtraForm
    translated_fields = services.TRANSLATED  # "Name (Deutsch)"… after each English field

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        self.has_object_pages = True
        self.version_attribute = "revision"

    # --- permissions: the desk reads, managers write -----------------------------------------

    def _may(self, request, action: str) -> bool:
        return getattr(request.user, "role", None) in RATE_EDITOR_ROLES and request.user.has_perm(
            self.permission(action)
        )

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("bookings.change_booking")

    def has_add_permission(self, request) -> bool:
        return self._may(request, "add")

    def has_change_permission(self, request, obj=None) -> bool:
        return self._may(request, "change")

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._may(request, "delete")

    # --- reading

    def list_items(self, request) -> list[Extra]:
        return services.extras_all()

    def object_id(self, obj) -> str:
        return obj.code

    def get_object(self, request, object_id: str):
        try:
            return services.extra_get(object_id)
        except NotFound:
            return None

    def get_objects(self, request, object_ids: list[str]) -> list:
        return [e for e in (self.get_object(request, i) for i in object_ids) if e is not None]

    # --- display

    def format_attribute(self, obj, name):
        if name == "price":
            return format_money(obj.price, settings.HOTEL_CURRENCY)
        if name == "unit":
            return UNIT_LABELS.get(obj.unit, obj.unit)
        if name == "includedIn":
            return ", ".join(obj.includedIn or []) or "None"
        if name == "dailyStock":
            return "Unlimited" if obj.dailyStock is None else obj.dailyStock
        return super().format_attribute(obj, name)

    @display(description="Price")
    def unit_price(self, extra):
        unit = UNIT_LABELS.get(extra.unit, extra.unit).lower()
        return f"{format_money(extra.price, settings.HOTEL_CURRENCY)} {unit}"

    @display(description="Daily stock")
    def stock(self, extra):
        return "Unlimited" if extra.dailyStock is None else extra.dailyStock

    @display(description="Online")
    def online(self, extra):
        return "Yes" if extra.bookableOnline else "No"

    @display(description="Included in")
    def included(self, extra):
        return ", ".join(extra.includedIn or []) or "—"

    # --- the form

    def get_fields(self, request, obj=None):
        names = [n for n in ExtraForm.base_fields if n != "code"]
        return ["code", *names] if obj is None else ["code", *names, "lastUpdated"]

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("code", "lastUpdated")

    def get_editable_fields(self, request, obj=None):
        return []  # ExtraForm declares every field; none is generated from an attribute

    def get_initial(self, request, obj=None):
        initial = super().get_initial(request, obj)  # the translations' fields
        return initial if obj is None else {**initial, **ExtraForm.initial_for(obj)}

    def get_form_data(self, request, form, obj=None):
        return {**form.extra_data(), **super().get_form_data(request, form, obj)}

    # --- writes through bookings.extras.catalog

    def create_object(self, request, data):
        return services.extra_create(data=data, **who(request))

    def update_object(self, request, obj, data, expected_version):
        return services.extra_update(
            code=obj.code,
            data=data,
            replace=True,
            expected_revision=expected_version,
            **who(request),
        )

    def delete_object(self, request, obj, expected_version):
        services.extra_delete(code=obj.code, expected_revision=expected_version, **who(request))
