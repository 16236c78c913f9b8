"""Turn a list page's filters into the cheapest DynamoDB read.

Equality lookups on attributes become, in this order of preference: a GetItem on the
table's hash key, a Query on the table (hash + range tables), a Query on a global
secondary index whose hash key is filtered (its range key, when filtered too, becomes the
key condition), and only when no filtered attribute is a key, a Scan. Lookups the key
cannot serve become filter conditions of that same read.
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass, field
from typing import Any

from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.condition import Condition
from pynamodb.indexes import AllProjection, Index
from pynamodb.models import Model

from hotel.dynamo import InvalidCursor, decode_cursor, paginate


def python_name(model: type[Model], attr_name: str) -> str:
    """The model's attribute name for a DynamoDB attribute name."""
    for name, attr in model.get_attributes().items():
        if attr.attr_name == attr_name:
            return name
    return attr_name


def key_names(model: type[Model]) -> tuple[str, str | None]:
    """(hash key, range key or None) as model attribute names."""
    hash_key = range_key = None
    for name, attr in model.get_attributes().items():
        if attr.is_hash_key:
            hash_key = name
        elif attr.is_range_key:
            range_key = name
    return hash_key, range_key


def index_key_names(model: type[Model], index: Index) -> tuple[str, str | None]:
    """(hash key, range key or None) of a secondary index, as model attribute names."""
    hash_key = range_key = None
    for attr in index.Meta.attributes.values():
        if attr.is_hash_key:
            hash_key = python_name(model, attr.attr_name)
        elif attr.is_range_key:
            range_key = python_name(model, attr.attr_name)
    return hash_key, range_key


def indexes_by_hash_key(model: type[Model]) -> dict[str, list[Index]]:
    """Global secondary indexes keyed by their hash attribute, full projections first."""
    found: dict[str, list[Index]] = {}
    for index in model._indexes.values():
        hash_name, _ = index_key_names(model, index)
        found.setdefault(hash_name, []).append(index)
    for indexes in found.values():
        indexes.sort(key=lambda i: not isinstance(i.Meta.projection, AllProjection))
    return found


def conjunction(conditions: list[Condition]) -> Condition | None:
    return functools.reduce(operator.and_, conditions) if conditions else None


@dataclass
class ReadPlan:
    """One DynamoDB read: `kind` is "get", "query" or "scan" (`index` set for index queries)."""

    model: type[Model]
    kind: str
    hash_value: Any = None
    index: Index | None = None
    range_condition: Condition | None = None
    filter_condition: Condition | None = None
    forward: bool = True
    lookups: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        if self.index is not None:
            return f"query:{self.index.Meta.index_name}"
        return self.kind

    def cursor_shape(self) -> dict[str, str]:
        """{attribute name: DynamoDB type} that a cursor for this read must carry."""
        attributes = self.model.get_attributes()
        names = [n for n in key_names(self.model) if n]
        if self.index is not None:
            names += [n for n in index_key_names(self.model, self.index) if n]
        return {attributes[n].attr_name: attributes[n].attr_type for n in names}

    def fetch(self, **kwargs):
        if self.kind == "scan":
            return self.model.scan(filter_condition=self.filter_condition, **kwargs)
        source = self.index if self.index is not None else self.model
        return source.query(
            self.hash_value,
            range_key_condition=self.range_condition,
            filter_condition=self.filter_condition,
            scan_index_forward=self.forward,
            **kwargs,
        )

    def run(self, *, limit: int, cursor: str | None) -> tuple[list[Model], str | None]:
        """A page of items and the cursor of the next page. Raises hotel.dynamo.InvalidCursor."""
        if self.kind == "get":
            if cursor:
                raise InvalidCursor("A single-item read has no further pages.")
            try:
                item = self.model.get(self.hash_value)
            except DoesNotExist:
                return [], None
            return ([item] if matches(item, self.lookups) else []), None
        start = decode_cursor(cursor)
        if (
            start is not None
            and {k: next(iter(v)) for k, v in start.items()} != self.cursor_shape()
        ):
            raise InvalidCursor("The cursor does not belong to this list.")
        items, next_cursor = paginate(self.fetch, limit=limit, cursor=cursor, index=self.index)
        if self.index is not None and not isinstance(self.index.Meta.projection, AllProjection):
            items = hydrate(self.model, items)
        return items, next_cursor


def matches(item: Model, lookups: dict[str, Any]) -> bool:
    return all(getattr(item, name) == value for name, value in lookups.items())


def hydrate(model: type[Model], items: list[Model]) -> list[Model]:
    """Full items for the half-empty ones a KEYS_ONLY or INCLUDE index returns."""
    hash_name, range_name = key_names(model)

    def key(item):
        return (
            (getattr(item, hash_name), getattr(item, range_name))
            if range_name
            else getattr(item, hash_name)
        )

    full = {key(item): item for item in model.batch_get([key(i) for i in items])}
    return [full[key(item)] for item in items if key(item) in full]


def plan_read(
    model: type[Model],
    lookups: dict[str, Any],
    *,
    order: list[str] | None = None,
    index_hints: dict[str, Index] | None = None,
    extra_condition: Condition | None = None,
    forward: bool = True,
) -> ReadPlan:
    """Choose the read for equality `lookups` ({attribute: value}).

    `order` is the attributes in the order their filters are declared: the first one a key
    can serve drives the read. `index_hints` pins an attribute to a given index.
    `extra_condition` (a search) is added to the filter conditions.
    """
    order = [name for name in (order or []) if name in lookups] + [
        name for name in lookups if name not in (order or [])
    ]
    hash_key, range_key = key_names(model)
    by_hash = indexes_by_hash_key(model)
    hints = index_hints or {}

    def rest(used: set[str]) -> Condition | None:
        conditions = [
            getattr(model, name) == value for name, value in lookups.items() if name not in used
        ]
        if extra_condition is not None:
            conditions.append(extra_condition)
        return conjunction(conditions)

    if hash_key in lookups:
        if range_key is None and extra_condition is None:
            return ReadPlan(model, "get", hash_value=lookups[hash_key], lookups=lookups)
        used = {hash_key}
        range_condition = None
        if range_key and range_key in lookups:
            used.add(range_key)
            range_condition = getattr(model, range_key) == lookups[range_key]
        return ReadPlan(
            model,
            "query",
            hash_value=lookups[hash_key],
            range_condition=range_condition,
            filter_condition=rest(used),
            forward=forward,
        )

    for name in order:
        index = hints.get(name) or (by_hash.get(name) or [None])[0]
        if index is None:
            continue
        index_hash, index_range = index_key_names(model, index)
        if index_hash != name:
            continue
        used = {name}
        range_condition = None
        if index_range and index_range in lookups:
            used.add(index_range)
            range_condition = getattr(model, index_range) == lookups[index_range]
        return ReadPlan(
            model,
            "query",
            hash_value=lookups[name],
            index=index,
            range_condition=range_condition,
            filter_condition=rest(used),
            forward=forward,
        )

    return ReadPlan(model, "scan", filter_condition=rest(set()))
