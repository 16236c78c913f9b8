"""OpenAPI: every operation documents the one error shape (hotel.api.responses.error_body)
and, where an integrator's API key can call it, the scope it needs (hotel.api.scopes).

drf-spectacular postprocessing hooks, so no view has to repeat them: each operation gains a
`4XX` response (and `503` for DynamoDB outages) whose body is the `Error` component, and
`x-scopes` where a key may call it.
"""

from __future__ import annotations

import functools
import re

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "statusCode", "requestId", "details"],
            "properties": {
                "code": {"type": "string", "example": "VALIDATION_ERROR"},
                "message": {"type": "string"},
                "statusCode": {"type": "integer"},
                "requestId": {"type": "string"},
                "details": {
                    "type": "object",
                    "description": "e.g. `fields`: messages per invalid field",
                    "additionalProperties": True,
                },
            },
        }
    },
}
_ERROR_REF = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
ERROR_RESPONSES = {
    "4XX": {
        "description": "Refused: the error shape, with field details for 400.",
        "content": _ERROR_REF,
    },
    "503": {
        "description": "DynamoDB did not answer; retry after `Retry-After` seconds.",
        "content": _ERROR_REF,
    },
}
_METHODS = {"get", "put", "post", "patch", "delete"}


def add_error_responses(result, generator, request, public):
    """drf-spectacular POSTPROCESSING_HOOKS entry: document the error shape everywhere."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method in _METHODS:
                responses = operation.setdefault("responses", {})
                for status, response in ERROR_RESPONSES.items():
                    responses.setdefault(status, response)
    return result


def add_key_scopes(result, generator, request, public):
    """drf-spectacular POSTPROCESSING_HOOKS entry: each operation an API key can reach gets
    `x-scopes` (the scope it needs, from hotel.api.scopes) and a line saying so; the others
    lose the apiKeyAuth alternative of their security (hotel.accounts.schema)."""
    from django.urls import Resolver404, resolve

    from .scopes import scope_for

    for path, path_item in result.get("paths", {}).items():
        try:  # any value fills a parameter: the URL name is what counts
            match = resolve(re.sub(r"\{[^}/]+\}", "0", path), getattr(generator, "urlconf", None))
        except Resolver404:
            match = None
        for method, operation in path_item.items():
            if method not in _METHODS:
                continue
            scope = scope_for(match.view_name if match else None, method)
            if scope:
                operation["x-scopes"] = [scope]
                note = f"API keys: needs the `{scope}` scope."
                operation["description"] = f"{operation.get('description', '')}\n\n{note}".strip()
            elif operation.get("security"):
                operation["security"] = [s for s in operation["security"] if "apiKeyAuth" not in s]
    return result


@functools.cache
def _generator_class():
    from django.urls import get_resolver
    from drf_spectacular.generators import SchemaGenerator

    import hotel.accounts.schema  # noqa: F401 - registers the bearer-token extension

    from .schema_hints import apply_pending

    class HotelSchemaGenerator(SchemaGenerator):
        """drf-spectacular's generator, with the project's OpenAPI extensions registered
        and the views' schema decorations applied first (hotel.api.schema_hints): every way
        to generate the schema (/api/schema/, `manage.py spectacular`) goes through
        DEFAULT_GENERATOR_CLASS, and none of it at cold start."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            get_resolver(self.urlconf).url_patterns  # noqa: B018 - imports every view
            apply_pending()

        def create_view(self, *args, **kwargs):
            apply_pending()  # a view imported since (another URL conf): nothing, usually
            return super().create_view(*args, **kwargs)

    return HotelSchemaGenerator


def __getattr__(name: str):
    # Built on first access (drf-spectacular imports the setting's dotted path when it
    # generates), so importing this module for the hook does not import the generator.
    if name == "HotelSchemaGenerator":
        return _generator_class()
    raise AttributeError(name)
