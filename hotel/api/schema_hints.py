"""drf-spectacular's `extend_schema` and `extend_schema_view`, applied when the schema is
generated instead of when a view module is imported.

drf-spectacular's decorators build their schema class from DEFAULT_SCHEMA_CLASS the moment
they decorate, and importing it imports the whole generator (drf_spectacular.openapi, then
plumbing, rest_framework.test and Django's test client): 66 modules and about 90 ms of every
cold start on this machine, for a schema an integrator reads once. These take the same
arguments and only note them; `apply_pending` (called by the project's generator,
hotel.api.schema, before it reads a view) hands them to drf-spectacular in the order they
were written, so the schema comes out the same: `manage.py spectacular` wrote the same
bytes with the library's decorators and with these, and tests/hotel/test_lean_imports.py
checks that generating applies every one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_pending: list[tuple[Any, str, tuple, dict]] = []
_lock = threading.RLock()


def _noting(name: str, args: tuple, kwargs: dict) -> Callable[[F], F]:
    def note(target: F) -> F:
        with _lock:
            _pending.append((target, name, args, kwargs))
        return target

    return note


def extend_schema(*args: Any, **kwargs: Any) -> Callable[[F], F]:
    """drf_spectacular.utils.extend_schema, applied by apply_pending."""
    return _noting("extend_schema", args, kwargs)


def extend_schema_view(**kwargs: Any) -> Callable[[F], F]:
    """drf_spectacular.utils.extend_schema_view, applied by apply_pending (its values are
    this module's extend_schema: they are noted when it runs, and applied in the same pass,
    after every decoration noted before it; a view class that subclasses one decorated this
    way should be decorated with the library's own decorators instead)."""
    return _noting("extend_schema_view", (), kwargs)


def apply_pending() -> int:
    """Apply every decoration noted so far, oldest first; the number applied."""
    from drf_spectacular import utils

    applied = 0
    with _lock:
        while _pending:
            target, name, args, kwargs = _pending[0]
            getattr(utils, name)(*args, **kwargs)(target)
            del _pending[0]  # only once applied: a failure is raised, and retried next time
            applied += 1
    return applied
