"""The state of one list page: parameters, filters, search, the read plan and its page."""

from __future__ import annotations

import functools
import operator
from typing import Any

from django.contrib.admin.utils import quote
from django.utils.html import format_html
from django.utils.http import urlencode
from pynamodb.exceptions import QueryError, ScanError

from hotel.dynamo import InvalidCursor

from .filters import InvalidFilter
from .params import ALL_VAR, CURSOR_VAR, SEARCH_VAR
from .query import ReadPlan, key_names, plan_read
from .rendering import display_value, header_for

MAX_SEARCH_LENGTH = 200


class ChangeList:
    def __init__(self, request, modeladmin):
        self.request = request
        self.modeladmin = modeladmin
        self.model = modeladmin.model
        self.opts = modeladmin.opts
        self.params: dict[str, str] = {k: v for k, v in request.GET.items() if v != ""}
        self.query = self.params.get(SEARCH_VAR, "").strip()[:MAX_SEARCH_LENGTH]
        self.cursor = self.params.get(CURSOR_VAR) or None
        self.list_display = modeladmin.get_list_display(request)
        self.filters = modeladmin.get_list_filter(request)
        self.search_fields = modeladmin.get_search_fields(request)
        self.defaults = modeladmin.get_default_filters(request)
        # With optional defaults, a list with no filter left says so (`?all=1`) instead of
        # falling back to them; required ones (a Query instead of a Scan) always come back.
        self.can_show_all = bool(self.defaults) and not modeladmin.default_filters_required
        self.show_all = self.can_show_all and ALL_VAR in request.GET
        self.defaults_applied = False
        self.errors: list[str] = []
        self.plan: ReadPlan | None = None
        self.results: list = []
        self.next_cursor: str | None = None

    # --- URLs -----------------------------------------------------------------------------------

    def url_with(self, new: dict[str, str] | None = None, remove=()) -> str:
        """This page's query string with `new` set and `remove` dropped (and no cursor).

        Without any filter or search left it asks for the whole list (`all=1`) when the
        admin has optional default filters, so "All" never brings the defaults back.
        """
        params = {
            k: v
            for k, v in self.params.items()
            if k not in remove and k not in (CURSOR_VAR, ALL_VAR)
        }
        params.update(new or {})
        narrowed = self.filter_names() & params.keys() or SEARCH_VAR in params
        if self.can_show_all and not narrowed:
            params[ALL_VAR] = "1"
        return "?" + urlencode(sorted(params.items())) if params else "?"

    def filter_names(self) -> set[str]:
        return {name for f in self.filters for name in f.parameters}

    def hidden_params(self, exclude=()) -> list[tuple[str, str]]:
        return [
            (k, v) for k, v in sorted(self.params.items()) if k not in exclude and k != CURSOR_VAR
        ]

    @property
    def next_url(self) -> str | None:
        if not self.next_cursor:
            return None
        return self.url_with({CURSOR_VAR: self.next_cursor})

    @property
    def first_url(self) -> str | None:
        return self.url_with() if self.cursor else None

    @property
    def clear_all_url(self) -> str:
        return self.url_with(remove=self.filter_names())

    @property
    def has_active_filters(self) -> bool:
        return any(f.is_active(self.params) for f in self.filters)

    # --- reading --------------------------------------------------------------------------------

    def lookups(self) -> tuple[dict[str, Any], dict]:
        lookups: dict[str, Any] = {}
        hints: dict = {}
        for list_filter in self.filters:
            try:
                lookups.update(list_filter.lookups(self.params))
            except InvalidFilter as exc:
                self.errors.append(f"{exc} The filter was ignored.")
                continue
            hints.update(list_filter.index_hints())
        if not lookups and not self.query and not self.show_all and self.defaults:
            for list_filter in self.filters:
                try:
                    lookups.update(list_filter.lookups(self.defaults))
                except InvalidFilter:
                    continue
            for name, value in self.defaults.items():
                self.params.setdefault(name, value)
            self.defaults_applied = True
        return lookups, hints

    def fan_outs(self, lookups: dict[str, Any]) -> list:
        return [
            fan_out
            for f in self.filters
            if (fan_out := f.fan_out()) is not None and fan_out.attribute not in lookups
        ]

    def search_condition(self):
        terms = self.modeladmin.search_terms(self.query)
        conditions = [
            getattr(self.model, name).contains(term)
            for name in self.search_fields
            for term in sorted(terms)
            if term
        ]
        return functools.reduce(operator.or_, conditions) if conditions else None

    def get_results(self) -> None:
        lookups, hints = self.lookups()
        order = [attr for f in self.filters for attr in f.attributes]
        forward = self.modeladmin.query_forward
        plan = None
        if self.query and self.search_fields:
            hash_key, range_key = key_names(self.model)
            key = self.modeladmin.parse_object_id(self.modeladmin.search_key(self.query))
            if range_key is None and not self.cursor and key not in (None, ""):
                exact = plan_read(
                    self.model,
                    {**lookups, hash_key: key},
                    order=order,
                    index_hints=hints,
                )
                items, _ = exact.run(limit=1, cursor=None)
                if items:
                    self.plan, self.results = exact, items
                    return
            indexed = self.modeladmin.search_lookups(self.query)
            if indexed:
                # The term names an indexed value exactly (an email…): query for it.
                lookups = {**lookups, **indexed}
                order = [*indexed, *order]
            else:
                plan = plan_read(
                    self.model,
                    lookups,
                    order=order,
                    index_hints=hints,
                    extra_condition=self.search_condition(),
                    forward=forward,
                    fan_outs=self.fan_outs(lookups),
                )
        if plan is None:
            plan = plan_read(
                self.model,
                lookups,
                order=order,
                index_hints=hints,
                forward=forward,
                fan_outs=self.fan_outs(lookups),
            )
        self.plan = plan
        limit = self.modeladmin.list_per_page
        scope = self.cursor_scope()
        try:
            self.results, self.next_cursor = plan.run(limit=limit, cursor=self.cursor, scope=scope)
        except (InvalidCursor, QueryError, ScanError) as exc:
            if not self.cursor or (
                isinstance(exc, QueryError | ScanError)
                and getattr(exc, "cause_response_code", None) != "ValidationException"
            ):
                raise
            self.errors.append("That page link is not valid (any more). Showing the first page.")
            self.cursor = None
            self.params.pop(CURSOR_VAR, None)
            self.results, self.next_cursor = plan.run(limit=limit, cursor=None, scope=scope)

    def cursor_scope(self) -> str:
        """What a page link's cursor is signed for: this list, its read and its parameters."""
        params = urlencode(sorted(self.hidden_params()))
        return f"admin:{self.model.Meta.table_name}:{self.plan.describe()}:{params}"

    # --- rendering ------------------------------------------------------------------------------

    def headers(self) -> list[dict]:
        return [
            {"text": header_for(self.modeladmin, name), "class": f"column-{column_class(name)}"}
            for name in self.list_display
        ]

    def rows(self) -> list[dict]:
        link_allowed = self.modeladmin.has_object_pages
        rows = []
        for item in self.results:
            object_id = self.modeladmin.object_id(item)
            url = self.modeladmin.object_url(object_id) if link_allowed else None
            cells = []
            for position, name in enumerate(self.list_display):
                value = display_value(self.modeladmin, item, name)
                if position == 0 and url:
                    value = format_html('<a href="{}">{}</a>', url, value)
                cells.append({"value": value, "class": f"field-{column_class(name)}"})
            rows.append({"pk": object_id, "quoted_pk": quote(object_id), "cells": cells})
        return rows


class ListedChangeList(ChangeList):
    """The list of a small table its app reads whole through a selector (the admin's
    `list_items(request)`), e.g. rate plans, where a plan nobody stored yet is listed too.
    One page; the search looks for the term in the id and the name."""

    def get_results(self) -> None:
        items = self.modeladmin.list_items(self.request)
        term = self.query.casefold()
        if term:
            items = [
                item
                for item in items
                if term in self.modeladmin.object_id(item).casefold()
                or term in str(getattr(item, "name", "") or "").casefold()
            ]
        self.results = items


def column_class(name) -> str:
    return name if isinstance(name, str) else getattr(name, "__name__", "column")
