"""PynamoDB filter conditions evaluated in Python, on an item read whole, as DynamoDB would.

A lean index (hotel.dynamo.indexes) projects few attributes: a filter on one it does not
project cannot run in the Query (the attribute reads as absent there), so it runs here, on
the item the index's BatchGet returned. Values are compared in their DynamoDB form (the
item's `serialize()`): strings by code point (the order of their UTF-8 bytes), numbers as
numbers, a comparison of two different types is false, `<>` is true for a missing attribute.
Only top-level attributes; anything else (document paths, `size()`) raises ValueError.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pynamodb.expressions.condition import (
    And,
    BeginsWith,
    Between,
    Comparison,
    Condition,
    Contains,
    Exists,
    In,
    IsType,
    Not,
    NotExists,
    Or,
)
from pynamodb.expressions.operand import Path, Value

Serialized = dict[str, dict[str, Any]]  # {attribute name: {DynamoDB type: value}}
_MISSING: tuple[str, Any] = ("", None)


def conjuncts(condition: Condition | None) -> list[Condition]:
    """The terms of a condition's top-level AND (the condition itself if it is no AND)."""
    if condition is None:
        return []
    if isinstance(condition, And):
        return [c for value in condition.values for c in conjuncts(value)]
    return [condition]


def evaluate(condition: Condition, item: Serialized) -> bool:
    """Does the item (serialized, e.g. `model.serialize()`) satisfy `condition`?"""
    if isinstance(condition, And):
        return all(evaluate(c, item) for c in condition.values)
    if isinstance(condition, Or):
        return any(evaluate(c, item) for c in condition.values)
    if isinstance(condition, Not):
        return not evaluate(condition.values[0], item)
    path, *operands = condition.values
    left = _operand(path, item, path_only=True)
    if isinstance(condition, Exists):
        return left is not _MISSING
    if isinstance(condition, NotExists):
        return left is _MISSING
    values = [_operand(o, item) for o in operands]
    if isinstance(condition, Comparison):
        if condition.operator == "<>":
            return not _compare("=", left, values[0])
        return _compare(condition.operator, left, values[0])
    if isinstance(condition, Between):
        return _compare(">=", left, values[0]) and _compare("<=", left, values[1])
    if isinstance(condition, In):
        return any(_compare("=", left, v) for v in values)
    if isinstance(condition, BeginsWith):
        (kind, text), (prefix_kind, prefix) = left, values[0]
        return kind in ("S", "B") and kind == prefix_kind and text.startswith(prefix)
    if isinstance(condition, Contains):
        return _contains(left, values[0])
    if isinstance(condition, IsType):
        return left[0] == values[0][1]
    raise ValueError(f"cannot evaluate {condition!r} in Python")


def _operand(operand: Any, item: Serialized, *, path_only: bool = False) -> tuple[str, Any]:
    if isinstance(operand, Path):
        if len(operand.path) != 1 or "[" in operand.path[0]:
            raise ValueError(f"cannot evaluate the document path {operand!r} in Python")
        found = item.get(operand.path[0])
        return next(iter(found.items())) if found else _MISSING
    if isinstance(operand, Value) and not path_only:
        return next(iter(operand.value.items()))
    raise ValueError(f"cannot evaluate {operand!r} in Python")


def _comparable(kind: str, value: Any) -> Any:
    return Decimal(value) if kind == "N" else value


def _compare(operator: str, left: tuple[str, Any], right: tuple[str, Any]) -> bool:
    (kind, a), (other, b) = left, right
    if left is _MISSING or kind != other:
        return False
    if operator == "=":
        if kind in ("SS", "NS", "BS"):
            return {_comparable(kind[0], v) for v in a} == {_comparable(kind[0], v) for v in b}
        return _comparable(kind, a) == _comparable(kind, b)
    if kind not in ("S", "N", "B"):
        return False  # DynamoDB orders scalars only
    a, b = _comparable(kind, a), _comparable(kind, b)
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[operator]


def _contains(left: tuple[str, Any], right: tuple[str, Any]) -> bool:
    (kind, a), (other, b) = left, right
    if kind in ("S", "B"):
        return other == kind and b in a
    if kind in ("SS", "NS", "BS"):
        element = kind[0]
        return other == element and _comparable(element, b) in {_comparable(element, v) for v in a}
    if kind == "L":
        return any(_compare("=", next(iter(v.items())), right) for v in a)
    return False
