"""The stored size of an item, by DynamoDB's item-size rules ("Item sizes and formats"):

- an attribute: its name's UTF-8 bytes + its value's size; a Map's keys count the same way;
- S: UTF-8 bytes; B: raw bytes (not base64); NULL and BOOL: 1 byte;
- N: 1 byte + 1 byte per two significant digits (leading and trailing zeros trimmed). The
  digits are stored in pairs aligned on the decimal point (base 100): "1.5" is the pairs
  01|50, 2 + 1 = 3 bytes; "100" is 01|00, the trailing zero pair trimmed, 2 bytes; a negative
  number takes one more byte; 21 bytes at most (38 digits). This is the measured rule the
  public calculators use (the docs only say "approximately");
- SS, NS, BS: the sum of their elements' sizes;
- L and M: 3 bytes + 1 byte per element + the elements' sizes.

A write pays per 1 KB of it (rounded up), a strongly consistent read per 4 KB.
"""

from __future__ import annotations

from decimal import Decimal

_LIST_OVERHEAD = 3  # bytes a List or Map takes, empty or not
_ELEMENT_OVERHEAD = 1  # bytes each element of a List or Map takes


def item_bytes(attrs: dict) -> int:
    """Stored size of an item in DynamoDB's wire form ({"name": {"S": "..."}, ...}), keys
    included."""
    return sum(len(name.encode()) + value_bytes(value) for name, value in attrs.items())


def value_bytes(value: dict) -> int:
    ((kind, raw),) = value.items()
    if kind == "S":
        return len(raw.encode())
    if kind == "N":
        return number_bytes(raw)
    if kind == "B":
        return len(raw.encode() if isinstance(raw, str) else raw)
    if kind in ("NULL", "BOOL"):
        return 1
    if kind == "M":
        return _LIST_OVERHEAD + sum(
            len(k.encode()) + _ELEMENT_OVERHEAD + value_bytes(v) for k, v in raw.items()
        )
    if kind == "L":
        return _LIST_OVERHEAD + sum(_ELEMENT_OVERHEAD + value_bytes(v) for v in raw)
    if kind == "SS":
        return sum(len(v.encode()) for v in raw)
    if kind == "NS":
        return sum(number_bytes(v) for v in raw)
    if kind == "BS":
        return sum(len(v.encode() if isinstance(v, str) else v) for v in raw)
    raise ValueError(f"not a DynamoDB attribute value: {value!r}")


def number_bytes(text: str) -> int:
    """Stored size of a number (see the module docstring)."""
    number = Decimal(text)
    if number == 0:
        return 1
    sign, digits, exponent = number.as_tuple()
    text = "".join(map(str, digits))
    if exponent % 2:  # align the pairs on the decimal point
        text += "0"
    if len(text) % 2:
        text = "0" + text
    pairs = [text[i : i + 2] for i in range(0, len(text), 2)]
    while pairs and pairs[-1] == "00":
        pairs.pop()
    while pairs and pairs[0] == "00":
        pairs.pop(0)
    return min(21, len(pairs) + 1 + sign)
