"""The API's JSON parser: DRF's, plus a limit on nesting.

`json.load` raises RecursionError (not ValueError) on 100,000 nested `[`, which DRF's
parser lets through as a 500; and a body nested just below the interpreter's limit would
blow up later in whatever walks it. Both become a 400 MALFORMED_REQUEST here.
"""

from __future__ import annotations

from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_JSON_DEPTH = 32  # the API's documents nest 3 levels; leave generous room


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError("JSON parse error - the document is nested too deeply.") from exc
        if _depth_exceeds(data, MAX_JSON_DEPTH):
            raise ParseError(
                f"JSON parse error - the document is nested deeper than {MAX_JSON_DEPTH} levels."
            )
        return data


def _depth_exceeds(data, limit: int) -> bool:
    """Whether lists/objects nest deeper than `limit` (iterative: no recursion of its own)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False
