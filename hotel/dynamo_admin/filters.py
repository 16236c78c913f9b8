"""Sidebar filters of a list page. Each turns URL parameters into lookups.

The lookups are served by `query.plan_read`: a filter on a key or on an index's hash key
is a Query, never a Scan; a date range on an index's range key is its key condition.
Choices come from the declaration (or the admin's `choices`); a filter without choices
shows a small input instead of links.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.http import urlencode
from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import Index

from .forms import MAX_INTEGER, label_for, normalize_choices
from .params import ALL_VAR, SEARCH_VAR
from .query import FanOut, Range, index_key_names


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

    def fan_out(self) -> FanOut | None:
        """When this filter is not set: the index partitions to read instead of a Scan."""
        return None

    def is_active(self, params: dict[str, str]) -> bool:
        return any(params.get(name) for name in self.parameters)

    def context(self, changelist) -> dict:
        raise NotImplementedError


class AttributeFilter(ListFilter):
    """Equality on one attribute. `index` pins the GSI to use when several could serve it.

    `fan_out=True` (with an index keyed on this attribute and choices covering every item):
    when no value is chosen, the list reads each choice's partition in turn, never a Scan.
    """

    def __init__(
        self,
        attribute: str,
        *,
        title: str | None = None,
        choices=None,
        index: Index | None = None,
        parameter: str | None = None,
        placeholder: str = "",
        fan_out: bool = False,
    ):
        self.attribute = attribute
        self.attributes = (attribute,)
        self.title = title or label_for(attribute).lower()
        self.choices = choices
        self.index = index
        self.parameters = (parameter or attribute,)
        self.placeholder = placeholder
        self.fan_out_all = fan_out
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
        if self.fan_out_all and (
            self.index is None
            or index_key_names(modeladmin.model, self.index)[0] != self.attribute
            or not normalize_choices(self.choices)
        ):
            raise ImproperlyConfigured(
                f"The {self.attribute!r} filter fans out: give it choices and an index "
                f"whose hash key is {self.attribute!r}."
            )
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

    def fan_out(self) -> FanOut | None:
        if not self.fan_out_all:
            return None
        values = tuple(value for value, _ in normalize_choices(self.choices))
        return FanOut(self.attribute, self.index, values)

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


class DateFilter(ListFilter):
    """A from/to range of dates stored as `YYYY-MM-DD` text, with shortcuts (today…).

    On an index's range key (when its hash key is filtered too) the range is the key
    condition of the Query; elsewhere it is a filter condition.
    """

    def __init__(
        self,
        attribute: str,
        *,
        title: str | None = None,
        parameter: str | None = None,
        shortcuts: tuple[tuple[str, int, int], ...] = (
            ("Today", 0, 0),
            ("Tomorrow", 1, 1),
            ("Next 7 days", 0, 6),
        ),
    ):
        self.attribute = attribute
        self.attributes = (attribute,)
        self.title = title or label_for(attribute).lower()
        name = parameter or attribute
        self.parameters = (f"{name}__gte", f"{name}__lte")
        self.shortcuts = shortcuts  # (label, first day, last day) counted from today

    def bind(self, modeladmin) -> DateFilter:
        attr = modeladmin.model.get_attributes().get(self.attribute)
        if not isinstance(attr, UnicodeAttribute):
            raise ImproperlyConfigured(
                f"DateFilter needs a text attribute holding YYYY-MM-DD, not {self.attribute!r}."
            )
        return self

    def today(self) -> date:
        return timezone.localdate()

    def parse(self, raw: str, which: str) -> str | None:
        raw = raw.strip()
        if not raw:
            return None
        try:
            return date.fromisoformat(raw).isoformat()
        except ValueError as exc:
            raise InvalidFilter(
                f"The {which} date of {self.title} must look like 2026-03-09."
            ) from exc

    def lookups(self, params: dict[str, str]) -> dict[str, Any]:
        low = self.parse(params.get(self.parameters[0], ""), "first")
        high = self.parse(params.get(self.parameters[1], ""), "last")
        if low is None and high is None:
            return {}
        if low is not None and high is not None and low > high:
            raise InvalidFilter(f"The {self.title} range ends before it starts.")
        return {self.attribute: Range(low, high)}

    def context(self, changelist) -> dict:
        low_name, high_name = self.parameters
        current = (changelist.params.get(low_name, ""), changelist.params.get(high_name, ""))
        today = self.today()
        shortcuts = []
        for label, first, last in self.shortcuts:
            span = (
                (today + timedelta(days=first)).isoformat(),
                (today + timedelta(days=last)).isoformat(),
            )
            shortcuts.append(
                {
                    "display": label,
                    "selected": current == span,
                    "query_string": changelist.url_with(
                        dict(zip(self.parameters, span, strict=True))
                    ),
                }
            )
        return {
            "title": self.title,
            "shortcuts": shortcuts,
            "inputs": [
                {"name": low_name, "label": "From", "value": current[0], "type": "date"},
                {"name": high_name, "label": "To", "value": current[1], "type": "date"},
            ],
            "hidden": changelist.hidden_params(exclude=self.parameters),
            "clear_url": changelist.url_with(remove=self.parameters),
            "is_active": any(current),
        }


class PresetFilter(ListFilter):
    """Links that each set several filters at once ("Arrivals today"), clearing the others.

    `presets` is a list of (label, {parameter: value}), or a callable returning one
    (for values computed per request, like today's date). The first link, `all_label`,
    shows the whole list (`?all=1`, past the admin's default filters). The list page says
    which preset it shows, and whether it is the default one.
    """

    def __init__(self, *, title: str, presets, all_label: str = "All"):
        self.title = title
        self.presets = presets
        self.all_label = all_label

    def lookups(self, params: dict[str, str]) -> dict[str, Any]:
        return {}

    def context(self, changelist) -> dict:
        names = {name for f in changelist.filters for name in f.parameters}
        current = {k: v for k, v in changelist.params.items() if k in names}
        presets = self.presets() if callable(self.presets) else self.presets
        choices = [
            {
                "display": self.all_label,
                "selected": not current,
                "query_string": "?" + urlencode({ALL_VAR: "1"}),
            }
        ]
        choices += [
            {
                "display": label,
                "selected": bool(params) and current == params,
                "query_string": "?" + urlencode(sorted(params.items())),
            }
            for label, params in presets
        ]
        active = next((c for c in choices if c["selected"]), None)
        searching = bool(changelist.params.get(SEARCH_VAR))
        return {
            "title": self.title,
            "choices": choices,
            "is_active": False,
            # What the page shows, said above the results ("Showing: Arrivals today").
            "active_preset": None if active is None or searching else active["display"],
            "is_default": getattr(changelist, "defaults_applied", False),
            "all_url": choices[0]["query_string"],
            "all_label": self.all_label,
        }
