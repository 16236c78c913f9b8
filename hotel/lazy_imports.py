"""Django REST framework without the optional libraries it would import at every start.

`rest_framework.compat` imports PyYAML and requests if they are installed, whether or not
anything will use them through it: 118 modules and 40-60 ms of every cold start on this
machine. Through DRF they serve only DRF's own OpenAPI renderer and `RequestsClient`, which
the project does not use (its schema is drf-spectacular's, which imports PyYAML itself when
it renders YAML; Stripe's client imports requests itself with the first payment). So
`drf_without_optional_libraries`, called from hotel.settings before anything imports DRF,
imports `rest_framework.compat` while those two are marked as absent (a None entry in
`sys.modules`, which makes `import` fail), then lifts the mark: DRF records them as not
installed, and everyone else imports the real libraries as usual when they need them.
"""

from __future__ import annotations

import sys

HIDDEN_FROM_DRF = ("yaml", "requests")


def drf_without_optional_libraries(names: tuple[str, ...] = HIDDEN_FROM_DRF) -> list[str]:
    """Import rest_framework.compat with `names` hidden from it; the names hidden (none when
    DRF's compat module, or a library, was imported already)."""
    if "rest_framework.compat" in sys.modules:
        return []
    hidden = [name for name in names if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # "import name" -> ImportError
    try:
        import rest_framework.compat  # noqa: F401
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
    return hidden
