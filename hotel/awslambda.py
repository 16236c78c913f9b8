"""The Lambda entry point: API Gateway requests straight into Django, the rest through Zappa.

zappa_settings.json sets `"lambda_handler": "hotel.awslambda.handler"`.
- HTTP events (API Gateway payload 2.0 and 1.0) go to Django's WSGI handler through
  `hotel.lambda_http` (apig-wsgi, with what Zappa's handler did that the app relies on),
  without Zappa's per-request layers and without importing `zappa.handler` at all.
- EventBridge domain events (`source: hotel`, published by `hotel.events.EventBridgeBus`)
  match none of Zappa's event kinds and would be dropped silently; they go to
  `hotel.jobs.domain_event`.
- Everything else (schedules, `{"command": …}` invocations, stream records, keep-warm pings)
  goes to `zappa.handler.LambdaHandler`, imported on the first such event.

Zappa's settings module (`zappa_settings.py`, written into the package by Zappa) is read
here the way Zappa's handler reads it: its environment variables, the Django settings
module, the WSGI application.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys

from hotel import jobs, snapstart
from hotel.lambda_http import http_handler, is_http_event
from hotel.logging import aws_request_id_var, request_id_var

_http = None  # the HTTP events' handler, made by `load`


def load(settings_name: str = "zappa_settings"):
    """Apply Zappa's settings and set Django up (once); returns the HTTP events' handler.

    As `zappa.handler.LambdaHandler.__init__` does for this project's settings (no remote
    environment, no slim handler, a WSGI app): the environment Zappa's handler sets, the
    stage's variables, the Django settings module, the app module imported.
    """
    global _http
    if _http is None:
        settings = importlib.import_module(settings_name)
        os.environ["SERVERTYPE"] = "AWS Lambda"
        os.environ["FRAMEWORK"] = "Zappa"
        os.environ["PROJECT"] = settings.PROJECT_NAME
        os.environ["STAGE"] = settings.API_STAGE
        for key, value in settings.ENVIRONMENT_VARIABLES.items():
            os.environ[key] = value
        if settings.DJANGO_SETTINGS:
            if "/var/task" not in sys.path:
                sys.path.append("/var/task")  # as Zappa: the package root importable
            os.environ["DJANGO_SETTINGS_MODULE"] = settings.DJANGO_SETTINGS
        app = getattr(importlib.import_module(settings.APP_MODULE), settings.APP_FUNCTION)
        _http = http_handler(app)
    return _http


def warm_up() -> None:
    """Load Zappa's settings, set Django up, import the URL conf and make the DynamoDB client.

    Run at import inside Lambda, i.e. during the init phase, before the first request is
    waiting (and with the CPU boost Lambda gives init), rather than inside that request.
    The DynamoDB client was the first request's biggest cost (botocore parsing DynamoDB's
    service model: 150 ms of 200 ms here), then the URL patterns' regexes and the resolver's
    reverse table (`hotel.snapstart.prime_routes`: the first request 40 -> 13 ms here).
    Under SnapStart, `hotel.snapstart.prime` does more.
    """
    load()
    from django.urls import get_resolver

    from hotel import dynamo

    get_resolver().url_patterns  # noqa: B018 - imports every view module once
    dynamo.connection().client  # noqa: B018 - the one DynamoDB client every table shares
    if snapstart.snapstart_init():
        snapstart.prime()
    else:
        snapstart.prime_routes()  # what the first request would compile (SnapStart: all)


def handler(event, context):
    """The Lambda handler (see the module docstring)."""
    request_id_var.set("")
    aws_request_id_var.set(getattr(context, "aws_request_id", "") or "")
    if is_http_event(event):
        return load()(event, context)
    load()  # Zappa's settings and Django, once per container
    if jobs.is_domain_event(event):
        return jobs.domain_event(event, context)
    return _zappa().lambda_handler(event, context)


def _zappa():
    """Zappa's handler class, its singleton made once. Its init sets the root logger to
    zappa_settings' LOG_LEVEL, which would undo Django's logging settings (HOTEL_LOG_LEVEL):
    the level Django set is put back."""
    from zappa.handler import LambdaHandler

    root = logging.getLogger()
    level = root.level
    LambdaHandler()
    root.setLevel(level)
    return LambdaHandler


if os.environ.get("AWS_LAMBDA_FUNCTION_NAME") and not os.environ.get("HOTEL_LAZY_INIT"):
    warm_up()
