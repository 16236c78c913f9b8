"""Stored items as text, for the tests that search every table for what must not be there
(card data, an erased guest's name): packed attributes (hotel.dynamo.PackedJSONAttribute)
are unpacked first, and any other binary value that is zlib-compressed (a webhook delivery's
body) is inflated, so nothing hides from the search inside compressed bytes."""

from __future__ import annotations

import json
import zlib

from hotel.dynamo import PackedJSONAttribute


def stored_text(model, item: dict) -> str:
    """`item` as DynamoDB holds it (a Scan's item, or `instance.serialize()`) as JSON text,
    each packed attribute shown unpacked."""
    packed = {
        attribute.attr_name: attribute
        for attribute in model.get_attributes().values()
        if isinstance(attribute, PackedJSONAttribute)
    }

    def readable(name: str, value: dict):
        if name in packed and "B" in value:
            return {"unpacked": packed[name].deserialize(value["B"])}
        if isinstance(value, dict) and isinstance(value.get("B"), bytes):
            try:
                return {"inflated": zlib.decompress(value["B"]).decode("utf-8", "replace")}
            except zlib.error:
                return value
        return value

    return json.dumps(
        {name: readable(name, value) for name, value in item.items()},
        sort_keys=True,
        default=str,
        ensure_ascii=False,
    )
