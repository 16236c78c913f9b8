"""Attribute types the models share, stricter than PynamoDB's own."""

from __future__ import annotations

import json
import zlib
from typing import Any

from pynamodb.attributes import Attribute, NumberAttribute
from pynamodb.constants import BINARY, STRING


class IntegerAttribute(NumberAttribute):
    """A number that is always an `int` (money in minor units, counts); never a float."""

    def deserialize(self, value: str) -> int:
        return int(value)

    def serialize(self, value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{self.attr_name} must be an int, not {type(value).__name__}")
        return str(value)


class PackedJSONAttribute(Attribute[Any]):
    """JSON stored as compact bytes: deflated, against a preset dictionary when given one.

    A booking's price snapshot (nightly prices, terms, extras) is written with every change of
    the booking and read whole; nothing filters on it. As a JSON string it took 60 % of the
    item and kept it over 1 KB, the unit DynamoDB bills writes in, so each write of a booking
    cost two units where one would do (four in a transaction). Small JSON hardly compresses
    on its own (its keys are its bulk), so a model may give `dictionaries`: samples of what it
    stores (zlib's preset dictionary). The newest packs; every one still unpacks, so they are
    append-only and never edited (a test pins them). The shortest of plain JSON, deflate and
    deflate with the dictionary is stored, behind a one-byte marker.

    Values written as JSON strings (PynamoDB's JSONAttribute) are still read: existing items
    need no migration and are packed on their next write of the attribute.
    """

    attr_type = BINARY

    def __init__(self, *args: Any, dictionaries: tuple[bytes, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if len(dictionaries) > 255:
            raise ValueError("at most 255 dictionaries")
        self.dictionaries = tuple(dictionaries)

    def serialize(self, value: Any) -> bytes | None:
        if value is None:
            return None
        raw = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
        candidates = [_RAW + raw, _DEFLATE + _deflate(raw)]
        if self.dictionaries:
            last = len(self.dictionaries) - 1
            packed = _deflate(raw, self.dictionaries[last])
            candidates.append(_DICTIONARY + bytes([last]) + packed)
        return min(candidates, key=len)

    def deserialize(self, value: bytes | str) -> Any:
        if isinstance(value, str):  # written by JSONAttribute
            return json.loads(value, strict=False)
        kind, body = value[:1], value[1:]
        if kind == _DEFLATE:
            body = _inflate(body)
        elif kind == _DICTIONARY:
            body = _inflate(body[1:], self.dictionaries[body[0]])
        elif kind != _RAW:
            raise ValueError(f"{self.attr_name}: unknown packing {kind!r}")
        return json.loads(body)

    def get_value(self, value: dict[str, Any]) -> Any:
        return value[STRING] if STRING in value else super().get_value(value)


_RAW, _DEFLATE, _DICTIONARY = b"j", b"z", b"d"


def _deflate(raw: bytes, dictionary: bytes | None = None) -> bytes:
    """Raw deflate (no zlib header or checksum: six bytes that buy nothing here)."""
    packer = (
        zlib.compressobj(9, zlib.DEFLATED, -15, 9, zdict=dictionary)
        if dictionary
        else zlib.compressobj(9, zlib.DEFLATED, -15, 9)
    )
    return packer.compress(raw) + packer.flush()


def _inflate(body: bytes, dictionary: bytes | None = None) -> bytes:
    unpacker = zlib.decompressobj(-15, zdict=dictionary) if dictionary else zlib.decompressobj(-15)
    return unpacker.decompress(body) + unpacker.flush()
