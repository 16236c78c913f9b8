"""Optional libraries Django REST framework imports at start-up, loaded on first use instead.

`rest_framework.compat` imports PyYAML and requests if they are installed, whether or not a
request will use them: 118 modules and 40-60 ms of every cold start on this machine. Here
they are needed only by the OpenAPI YAML output (drf-spectacular) and the Stripe client (the
payment provider, itself imported on first use). `defer` puts a stand-in module in
`sys.modules` for each, so `import yaml` finds it and costs nothing; the first attribute
read through it imports the real module, which then replaces it in `sys.modules`, and the
stand-in forwards every later read. Called from hotel.settings, before Django or DRF import
anything; a module already imported, or not installed, is left as it is.

(The standard library's importlib.util.LazyLoader does not serve here: an `import` of a
module already in `sys.modules` reads its `__spec__`, which makes a lazy module load.)
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types

DEFERRED = ("yaml", "requests")
_lock = threading.RLock()


class _Deferred(types.ModuleType):
    """Stands in for a module until something reads from it (see the module docstring)."""

    def __getattr__(self, attr: str):  # only for what the stand-in itself lacks
        return getattr(_load(self.__name__), attr)


def _load(name: str) -> types.ModuleType:
    with _lock:
        current = sys.modules.get(name)
        if current is not None and not isinstance(current, _Deferred):
            return current
        sys.modules.pop(name, None)
        try:
            return importlib.import_module(name)
        except BaseException:
            if current is not None:
                sys.modules.setdefault(name, current)
            raise


def defer(names: tuple[str, ...] = DEFERRED) -> list[str]:
    """Make each of `names` load on first use; the names deferred."""
    deferred = []
    for name in names:
        if name in sys.modules:
            continue
        spec = importlib.util.find_spec(name)
        if spec is None:
            continue
        stand_in = _Deferred(name)
        stand_in.__spec__ = spec  # what `import` reads of a module it already has
        sys.modules[name] = stand_in
        deferred.append(name)
    return deferred
