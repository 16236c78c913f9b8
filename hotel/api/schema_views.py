"""/api/schema/ and /api/docs/, imported on their first request instead of at cold start.

drf-spectacular's views pull in its whole generator (`drf_spectacular.plumbing`, which imports
`rest_framework.test` and with it Django's test client): about 120 ms of every cold start on
this machine, for two pages an integrator opens once. The URL conf routes to these small
functions; the first call imports the real views (whose generator, settings'
DEFAULT_GENERATOR_CLASS, registers the bearer-token extension: hotel.api.schema).
"""

from __future__ import annotations

from django.utils.module_loading import import_string
from django.views.decorators.csrf import csrf_exempt

_views: dict[str, object] = {}


def _view(name: str, **initkwargs):
    if name not in _views:  # the bearer-token extension comes with the generator class
        _views[name] = import_string(f"drf_spectacular.views.{name}").as_view(**initkwargs)
    return _views[name]


@csrf_exempt
def schema(request, *args, **kwargs):
    return _view("SpectacularAPIView")(request, *args, **kwargs)


@csrf_exempt
def docs(request, *args, **kwargs):
    return _view("SpectacularSwaggerView", url_name="schema")(request, *args, **kwargs)
