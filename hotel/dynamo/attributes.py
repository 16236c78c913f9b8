"""Attribute types the models share, stricter than PynamoDB's own."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import NumberAttribute


class IntegerAttribute(NumberAttribute):
    """A number that is always an `int` (money in minor units, counts); never a float."""

    def deserialize(self, value: str) -> int:
        return int(value)

    def serialize(self, value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{self.attr_name} must be an int, not {type(value).__name__}")
        return str(value)
