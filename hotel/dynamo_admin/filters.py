"""Sidebar filters of a list page. Each turns URL parameters into equality lookups.

The lookups are served by `query.plan_read`: a filter on a key or on an index's hash key
is a Query, never a Scan. Choices come from the declaration (or the admin's `choices`);
a filter without choices shows a small input instead of links.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import Index

from .forms import MAX_INTEGER, label_for, normalize_choices


class InvalidFilter(ValueError):
    """A filter parameter that cannot be read (shown as a message, never a 500)."""


class ListFilter:
    """Base class: `parameters` are the URL names it reads; `lookups` what it asks for."""

    template = "admin/dynamo/filter.html"
    title = ""
    parameters: tuple[str, ...] = ()
    attributes: tuple[str, ...] = ()  # in the order they should drive the read

    def bind(self, modeladmin) -> ListFilter:
        """Called once when the admin is created: resolve names against the model."""
        return self

    def lookups(self, params: dict[str, str]) -> dict[str, Any]:
        """{attribute: value} for the active values in `params`. Raises InvalidFilter."""
        raise NotImplementedError

    def index_hints(self) -> dict[str, Index]:
        return {}

    def is_active(self, params: dict[str, str]) -> bool:
        return any(params.get(name) for name in self.parameters)

    def context(self, changelist) -> dict:
        raise NotImplementedError


class AttributeFilter(ListFilter):
    """Equality on one attribute. `index` pins the GSI to use when several could serve it."""

    def __init__(
        self,
        attribute: str,
        *,
        title: str | None = None,
        choices=None,
        index: Index | None = None,
        parameter: str | None = None,
        placeholder: str = "",
    ):
        self.attribute = attribute
        self.attributes = (attribute,)
        self.title = title or label_for(attribute).lower()
        self.choices = choices
        self.index = index
        self.parameters = (parameter or attribute,)
        self.placeholder = placeholder
        self.attr = None

    @property
    def parameter(self) -> str:
        return self.parameters[0]

    def bind(self, modeladmin) -> AttributeFilter:
        attributes = modeladmin.model.get_attributes()
        if self.attribute not in attributes:
            raise ImproperlyConfigured(
                f"{type(modeladmin).__name__}.list_filter names {self.attribute!r}, "
                f"which is not an attribute of {modeladmin.model.__name__}."
            )
        self.attr = attributes[self.attribute]
        if not isinstance(self.attr, UnicodeAttribute | NumberAttribute | BooleanAttribute):
            raise ImproperlyConfigured(
                f"Cannot filter on {self.attribute!r}: only strings, numbers and booleans."
            )
        if self.choices is None:
            self.choices = modeladmin.choices.get(self.attribute)
        if self.choices is None and isinstance(self.attr, BooleanAttribute):
            self.choices = [(True, "Yes"), (False, "No")]
        return self

    def parse(self, raw: str) -> Any:
        raw = raw.strip()
        if isinstance(self.attr, BooleanAttribute):
            if raw.lower() in ("1", "true", "yes"):
                return True
            if raw.lower() in ("0", "false", "no"):
                return False
            raise InvalidFilter(f"“{raw}” is not a valid value for {self.title}.")
        if isinstance(self.attr, NumberAttribute):
            try:
                number = Decimal(raw)
            except InvalidOperation as exc:
                raise InvalidFilter(f"{label_for(self.attribute)} must be a number.") from exc
            if (
                not number.is_finite()
                or number != number.to_integral_value()
                or abs(number) > MAX_INTEGER
            ):
                raise InvalidFilter(f"{label_for(self.attribute)} must be a whole number.")
            return int(number)
        if len(raw) > 200:
            raise InvalidFilter(f"The value for {self.title} is too long.")
        return raw

    def encode(self, value: Any) -> str:
        if isinstance(value, bool):
            return "1" if value else "0"
        return str(value)

    def lookups(self, params: dict[str, str]) -> dict[str, Any]:
        raw = params.get(self.parameter, "")
        if not raw.strip():
            return {}
        value = self.parse(raw)
        pairs = normalize_choices(self.choices)
        if pairs and value not in [v for v, _ in pairs]:
            raise InvalidFilter(f"“{raw}” is not one of the choices for {self.title}.")
        return {self.attribute: value}

    def index_hints(self) -> dict[str, Index]:
        return {self.attribute: self.index} if self.index is not None else {}

    def context(self, changelist) -> dict:
        current = changelist.params.get(self.parameter, "")
        pairs = normalize_choices(self.choices)
        if not pairs:
            return {
                "title": self.title,
                "inputs": [
                    {
                        "name": self.parameter,
                        "label": label_for(self.attribute),
                        "value": current,
                        "placeholder": self.placeholder,
                    }
                ],
                "hidden": changelist.hidden_params(exclude=self.parameters),
                "clear_url": changelist.url_with(remove=self.parameters),
                "is_active": bool(current),
            }
        choices = [
            {
                "display": "All",
                "selected": not current,
                "query_string": changelist.url_with(remove=self.parameters),
            }
        ]
        for value, label in pairs:
            encoded = self.encode(value)
            choices.append(
                {
                    "display": label,
                    "selected": current == encoded,
                    "query_string": changelist.url_with({self.parameter: encoded}),
                }
            )
        return {"title": self.title, "choices": choices, "is_active": bool(current)}
