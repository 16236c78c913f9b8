"""Forms generated from PynamoDB attributes.

The generated forms only check types (a number is a number); the domain rules live in
the services, whose `DomainError` field details are put back on the form by the views.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from pynamodb.attributes import (
    Attribute,
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)

from hotel.templatetags.money import ZERO_DECIMAL

VERSION_FIELD = "_version"
MAX_INTEGER = 10**15  # well inside DynamoDB's 38 digits, and exact as a float in JavaScript
MAX_TEXT = 4000  # DynamoDB items stop at 400 KB; keys at 2048 bytes
MAX_KEY = 1024


def label_for(name: str) -> str:
    """`floorNumber` -> `Floor number`: attribute names are camelCase, labels are sentences."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ").split()
    if not words:
        return name
    text = " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in words)
    return text[0].upper() + text[1:]


def normalize_choices(choices) -> list[tuple[Any, str]]:
    """Accept `["a", "b"]`, `[("a", "A")]` or a dict; return `(value, label)` pairs."""
    if choices is None:
        return []
    if callable(choices):
        choices = choices()
    if isinstance(choices, dict):
        return [(value, str(label)) for value, label in choices.items()]
    pairs = []
    for choice in choices:
        if isinstance(choice, list | tuple) and len(choice) == 2:
            pairs.append((choice[0], str(choice[1])))
        else:
            pairs.append((choice, str(choice)))
    return pairs


def is_required(attr: Attribute) -> bool:
    """Non-null attributes need a value; text with a default (usually "") may be left empty."""
    if attr.null:
        return False
    has_default = attr.default is not None or attr.default_for_new is not None
    return not (has_default and type(attr) is UnicodeAttribute)


def is_editable_attribute(attr: Attribute) -> bool:
    """Whether the generated form can edit this attribute (JSON, maps, TTLs are shown only)."""
    if isinstance(attr, VersionAttribute | TTLAttribute):
        return False
    if isinstance(attr, ListAttribute):
        return attr.element_type is UnicodeAttribute
    return isinstance(
        attr, UnicodeAttribute | NumberAttribute | BooleanAttribute | UTCDateTimeAttribute
    )


class CommaSeparatedField(forms.CharField):
    """A list of strings typed as `a, b, c`."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [part.strip() for part in text.split(",") if part.strip()]


class MoneyField(forms.DecimalField):
    """Money typed in major units (`50.00`), cleaned to integer minor units (`5000`)."""

    def __init__(self, *, currency: str, **kwargs):
        self.currency = currency.upper()
        self.places = 0 if self.currency in ZERO_DECIMAL else 2
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", self.places)
        kwargs.setdefault("help_text", f"In {self.currency}.")
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{Decimal(value).scaleb(-self.places):.{self.places}f}"
        return value

    def clean(self, value):
        amount = super().clean(value)
        if amount is None:
            return None
        return int(amount.scaleb(self.places))


def formfield_for_attribute(
    name: str,
    attr: Attribute,
    *,
    choices=None,
    label: str | None = None,
    help_text: str = "",
) -> forms.Field | None:
    """The form field that edits `attr`, or None when it can only be displayed."""
    if not is_editable_attribute(attr):
        return None
    required = is_required(attr)
    common: dict[str, Any] = {
        "label": label or label_for(name),
        "help_text": help_text,
        "required": required,
    }
    pairs = normalize_choices(choices)
    if pairs and isinstance(attr, UnicodeAttribute | NumberAttribute):
        if not required:
            pairs = [("", "---------"), *pairs]
        coerce = int if isinstance(attr, NumberAttribute) else str
        return forms.TypedChoiceField(
            choices=pairs, coerce=coerce, empty_value=None if attr.null else "", **common
        )
    if isinstance(attr, BooleanAttribute):
        return forms.BooleanField(**{**common, "required": False})
    if isinstance(attr, NumberAttribute):
        return forms.IntegerField(min_value=-MAX_INTEGER, max_value=MAX_INTEGER, **common)
    if isinstance(attr, UTCDateTimeAttribute):
        return forms.DateTimeField(**common)
    if isinstance(attr, ListAttribute):
        return CommaSeparatedField(
            max_length=MAX_TEXT,
            **{
                **common,
                "required": False,
                "help_text": help_text or "Separate items with commas.",
            },
        )
    return forms.CharField(
        empty_value=None if attr.null else "",
        strip=True,
        max_length=MAX_KEY if attr.is_hash_key or attr.is_range_key else MAX_TEXT,
        **common,
    )


class DynamoForm(forms.Form):
    """Base class of generated forms; subclasses may declare extra fields (uploads…).

    `obj` is the item being changed (None when adding), `request` the current request.
    """

    required_css_class = "required"

    def __init__(self, *args, obj=None, request=None, **kwargs):
        self.obj = obj
        self.request = request
        super().__init__(*args, **kwargs)

    def field_for_error(self, name: str) -> str:
        """The form field that shows a service's error about attribute `name`."""
        return name


class DateInput(forms.DateInput):
    """The browser's date picker; values travel as YYYY-MM-DD."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def build_form_class(
    *,
    base: type[DynamoForm],
    model,
    editable: list[str],
    field_for,
    versioned: bool,
) -> type[DynamoForm]:
    """A `base` subclass with one field per editable attribute, plus the hidden version."""
    attributes = model.get_attributes()
    declared: dict[str, forms.Field] = {}
    for name in editable:
        if name in base.base_fields:
            continue
        field = field_for(name, attributes[name])
        if field is not None:
            declared[name] = field
    if versioned:
        declared[VERSION_FIELD] = forms.IntegerField(
            widget=forms.HiddenInput,
            required=True,
            error_messages={"required": "This form is incomplete: reload the page and retry."},
        )
    return type(f"{model.__name__}AdminForm", (base,), declared)


def form_data_for(form: forms.Form, names: list[str]) -> dict[str, Any]:
    """The cleaned values of the attribute fields, as services expect them."""
    return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}


def add_domain_errors(form: forms.Form, exc) -> None:
    """Put a DomainError on the form: its field details on fields, the rest on top."""
    fields = (exc.details or {}).get("fields") or {}
    field_for_error = getattr(form, "field_for_error", None)
    placed = False
    for name, messages in fields.items():
        if isinstance(messages, str):
            messages = [messages]
        target = field_for_error(name) if field_for_error else name
        target = target if target in form.fields else None
        for message in messages:
            form.add_error(target, message if target else f"{label_for(name)}: {message}")
            placed = True
    if not placed:
        form.add_error(None, exc.message)
