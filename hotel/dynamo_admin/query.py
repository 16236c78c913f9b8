"""Turn a list page's filters into the cheapest DynamoDB read.

Lookups on attributes (a value, or a `Range` of values) become, in this order of
preference: a GetItem on the table's hash key, a Query on the table (hash + range
tables), a Query on a global secondary index whose hash key is filtered (its range key,
when filtered too, becomes the key condition), a Query of each partition of a "fan-out"
index whose partitions together hold every item, and only when nothing else serves, a
Scan. Lookups the key cannot serve become filter conditions of that same read.
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

from hotel.dynamo import InvalidCursor, LeanIndex, decode_cursor, encode_cursor, item_key, paginate

PART_KEY = "_part"  # in a fan-out read's cursor: which partition to resume


@dataclass(frozen=True)
class Range:
    """A lookup for values between `low` and `high` (inclusive; either may be None)."""

    low: Any = None
    high: Any = None

    def condition(self, attribute) -> Condition | None:
        if self.low is not None and self.high is not None:
            if self.low == self.high:
                return attribute == self.low
            return attribute.between(self.low, self.high)
        if self.low is not None:
            return attribute >= self.low
        if self.high is not None:
            return attribute <= self.high
        return None

    def contains(self, value: Any) -> bool:
        if value is None:
            return False
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


def condition_for(model: type[Model], name: str, value: Any) -> Condition | None:
    """The condition that `name` matches `value` (equality, or a `Range`)."""
    attribute = getattr(model, name)
    return value.condition(attribute) if isinstance(value, Range) else attribute == value


@dataclass(frozen=True)
class FanOut:
    """An index whose partitions, one per value of `attribute`, together hold every item."""

    attribute: str
    index: Index
    values: tuple


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
        indexes.sort(key=lambda i: not whole_items(i))
    return found


def conjunction(conditions: list[Condition | None]) -> Condition | None:
    present = [c for c in conditions if c is not None]
    return functools.reduce(operator.and_, present) if present else None


@dataclass
class ReadPlan:
    """One DynamoDB read: `kind` is "get", "query" or "scan" (`index` set for index queries).

    A fan-out query has several `hash_values`: their partitions are read one after the other.
    """

    model: type[Model]
    kind: str
    hash_value: Any = None
    hash_values: tuple = ()
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

    def fetch(self, hash_value=None, **kwargs):
        if self.kind == "scan":
            return self.model.scan(filter_condition=self.filter_condition, **kwargs)
        source = self.index if self.index is not None else self.model
        return source.query(
            self.hash_value if hash_value is None else hash_value,
            range_key_condition=self.range_condition,
            filter_condition=self.filter_condition,
            scan_index_forward=self.forward,
            **kwargs,
        )

    def run(
        self, *, limit: int, cursor: str | None, scope: str = ""
    ) -> tuple[list[Model], str | None]:
        """A page of items and the cursor of the next page. Raises hotel.dynamo.InvalidCursor.

        Cursors are signed for `scope` (the list and its filters): any other is refused.
        """
        if self.kind == "get":
            if cursor:
                raise InvalidCursor("A single-item read has no further pages.")
            try:
                item = self.model.get(self.hash_value)
            except DoesNotExist:
                return [], None
            return ([item] if matches(item, self.lookups) else []), None
        start = decode_cursor(cursor, scope)
        part = None
        if start is not None and self.hash_values:
            part = _part_number(start.pop(PART_KEY, None), len(self.hash_values))
        if (
            start is not None
            and {k: next(iter(v)) for k, v in start.items()} != self.cursor_shape()
        ):
            raise InvalidCursor("The cursor does not belong to this list.")
        if self.hash_values:
            items, next_cursor = self._run_parts(
                limit=limit, part=part or 0, start=start, scope=scope
            )
        else:
            items, next_cursor = paginate(
                self.fetch, limit=limit, cursor=cursor, index=self.index, scope=scope
            )
        if self.index is not None and not whole_items(self.index):
            items = hydrate(self.model, items)
        return items, next_cursor

    def _run_parts(self, *, limit: int, part: int, start: dict | None, scope: str):
        """Read the partitions in order; the cursor names the partition and the key in it."""
        found: list[tuple[int, Model]] = []
        while part < len(self.hash_values):
            results = self.fetch(
                self.hash_values[part], last_evaluated_key=start, page_size=min(limit + 1, 1000)
            )
            for item in results:
                if len(found) == limit:
                    last_part, last = found[-1]
                    key = item_key(last, self.index)
                    key[PART_KEY] = {"N": str(last_part)}
                    return [i for _, i in found], encode_cursor(key, scope)
                found.append((part, item))
            part, start = part + 1, None
        return [i for _, i in found], None


def _part_number(marker, parts: int) -> int:
    try:
        number = int(marker["N"])
    except (TypeError, KeyError, ValueError) as exc:
        raise InvalidCursor("The cursor does not belong to this list.") from exc
    if not 0 <= number < parts:
        raise InvalidCursor("The cursor does not belong to this list.")
    return number


def matches(item: Model, lookups: dict[str, Any]) -> bool:
    return all(
        value.contains(getattr(item, name))
        if isinstance(value, Range)
        else getattr(item, name) == value
        for name, value in lookups.items()
    )


def whole_items(index: Index) -> bool:
    """Does a query of `index` return whole items? (projection ALL, or a LeanIndex, which
    reads them itself)"""
    return isinstance(index.Meta.projection, AllProjection) or isinstance(index, LeanIndex)


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
    fan_outs: list[FanOut] | None = None,
) -> ReadPlan:
    """Choose the read for `lookups` ({attribute: value or Range}).

    `order` is the attributes in the order their filters are declared: the first one a key
    can serve drives the read. `index_hints` pins an attribute to a given index. A `Range`
    can only narrow a range key (or filter); equality drives hash keys. `fan_outs` are
    tried before a Scan. `extra_condition` (a search) is added to the filter conditions.
    """
    order = [name for name in (order or []) if name in lookups] + [
        name for name in lookups if name not in (order or [])
    ]
    equal = {name for name, value in lookups.items() if not isinstance(value, Range)}
    hash_key, range_key = key_names(model)
    by_hash = indexes_by_hash_key(model)
    hints = index_hints or {}

    def rest(used: set[str]) -> Condition | None:
        conditions = [
            condition_for(model, name, value) for name, value in lookups.items() if name not in used
        ]
        return conjunction([*conditions, extra_condition])

    def range_on(name: str | None) -> tuple[Condition | None, set[str]]:
        if name and name in lookups:
            return condition_for(model, name, lookups[name]), {name}
        return None, set()

    if hash_key in equal:
        if range_key is None and extra_condition is None:
            return ReadPlan(model, "get", hash_value=lookups[hash_key], lookups=lookups)
        range_condition, used = range_on(range_key)
        return ReadPlan(
            model,
            "query",
            hash_value=lookups[hash_key],
            range_condition=range_condition,
            filter_condition=rest({hash_key, *used}),
            forward=forward,
        )

    for name in order:
        if name not in equal:
            continue
        index = hints.get(name) or (by_hash.get(name) or [None])[0]
        if index is None:
            continue
        index_hash, index_range = index_key_names(model, index)
        if index_hash != name:
            continue
        range_condition, used = range_on(index_range)
        return ReadPlan(
            model,
            "query",
            hash_value=lookups[name],
            index=index,
            range_condition=range_condition,
            filter_condition=rest({name, *used}),
            forward=forward,
        )

    for fan_out in fan_outs or []:
        if fan_out.attribute in lookups:
            continue
        _, index_range = index_key_names(model, fan_out.index)
        range_condition, used = range_on(index_range)
        return ReadPlan(
            model,
            "query",
            hash_values=tuple(fan_out.values),
            index=fan_out.index,
            range_condition=range_condition,
            filter_condition=rest(used),
            forward=forward,
        )

    return ReadPlan(model, "scan", filter_condition=rest(set()))
