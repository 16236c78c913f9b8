"""Staff content per guest language in a change form: "Name (Deutsch)", "Name (Français)"…
right after the English field, for each attribute an admin names in `translated_fields`.

The words travel to the write hooks as the item's `translations` ({"de": {"name": …}}, what
hotel.translations.translations_check takes); the service's errors on them
(`translations.de.name`) come back on their own field (`name_de`). An empty field means
"use the English": guests read the default language's attribute.
"""

from __future__ import annotations

import copy
import re

from django import forms
from django.conf import settings

from hotel.translations import OTHER_LANGUAGES

from .forms import label_for

LANGUAGE_NAMES = dict(settings.LANGUAGES)
ATTRIBUTE = "translations"
ERROR_NAME = re.compile(r"^translations\.(?P<code>[a-z]+)\.(?P<field>\w+)$")


def translation_field_name(field: str, code: str) -> str:
    """The form field of `field` in language `code`: `name_de`."""
    return f"{field}_{code}"


def translated_form(form_class, fields: dict[str, int]):
    """`form_class` with an optional text field per other guest language after each of
    `fields` ({attribute: max length}) it has; labelled and shaped as the English one."""
    declared = {}
    for field, limit in fields.items():
        english = form_class.base_fields.get(field)
        if english is None:
            continue
        label = english.label or label_for(field)
        for code in OTHER_LANGUAGES:
            declared[translation_field_name(field, code)] = forms.CharField(
                label=f"{label} ({LANGUAGE_NAMES[code]})",
                required=False,
                max_length=limit,
                widget=copy.deepcopy(english.widget),
                help_text=f"Empty: guests reading {LANGUAGE_NAMES[code]} see the "
                f"{LANGUAGE_NAMES[settings.LANGUAGE_CODE]}.",
            )

    def field_for_error(self, name: str) -> str:
        match = ERROR_NAME.match(name)
        if match:
            target = translation_field_name(match["field"], match["code"])
            if target in self.fields:
                return target
        return form_class.field_for_error(self, name)

    declared["field_for_error"] = field_for_error
    return type(form_class.__name__, (form_class,), declared)


class TranslatedFieldsMixin:
    """Mix into a DynamoModelAdmin (before it) whose model has `translations`.

    It works through get_form, get_initial, get_form_data and form_rows: an admin that
    overrides one of the first three calls super() for it (the rate plans' and extras'
    admins add their own form's values to what it gives).
    """

    # {attribute: max length}: the words guests read that staff give per language.
    translated_fields: dict[str, int] = {}

    def get_form(self, request, obj=None):
        return translated_form(super().get_form(request, obj), self.translated_fields)

    def get_initial(self, request, obj=None) -> dict:
        initial = super().get_initial(request, obj)
        stored = (getattr(obj, ATTRIBUTE, None) or {}) if obj is not None else {}
        for code in OTHER_LANGUAGES:
            words = stored.get(code) or {}
            for field in self.translated_fields:
                initial[translation_field_name(field, code)] = words.get(field) or ""
        return initial

    def get_form_data(self, request, form, obj=None) -> dict:
        data = super().get_form_data(request, form, obj)
        given = {
            (code, field): form.cleaned_data[translation_field_name(field, code)]
            for code in OTHER_LANGUAGES
            for field in self.translated_fields
            if translation_field_name(field, code) in form.cleaned_data
        }
        if given:
            data[ATTRIBUTE] = {code: {} for code, _field in given}
            for (code, field), text in given.items():
                data[ATTRIBUTE][code][field] = text
        return data

    def form_rows(self, request, form, obj, *, can_change: bool) -> list[dict]:
        """Each language's row right after its English field's; for someone who may only
        look, the words given, read-only. Never `translations` as JSON."""
        rows = [
            row
            for row in super().form_rows(request, form, obj, can_change=can_change)
            if row.get("name") != ATTRIBUTE
        ]
        by_name = {row.get("name"): row for row in rows}
        stored = (getattr(obj, ATTRIBUTE, None) or {}) if obj is not None else {}
        ordered, placed = [], set()
        for row in rows:
            if row.get("name") in placed:
                continue
            ordered.append(row)
            if row.get("name") not in self.translated_fields:
                continue
            for code in OTHER_LANGUAGES:
                name = translation_field_name(row["name"], code)
                if name in by_name:
                    ordered.append(by_name[name])
                    placed.add(name)
                elif row["readonly"] and (stored.get(code) or {}).get(row["name"]):
                    ordered.append(
                        {
                            "name": name,
                            "label": f"{row['label']} ({LANGUAGE_NAMES[code]})",
                            "contents": stored[code][row["name"]],
                            "readonly": True,
                        }
                    )
        return ordered

    def audit_value(self, field, value, snapshot):
        """`translations` on a history page: "de name: Doppelzimmer · fr name: …"."""
        if field == ATTRIBUTE and isinstance(value, dict):
            return " · ".join(
                f"{code} {name}: {text}"
                for code, words in sorted(value.items())
                for name, text in (words or {}).items()
            )
        return super().audit_value(field, value, snapshot)
