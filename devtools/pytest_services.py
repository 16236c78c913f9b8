"""pytest plugin: give the test run its own in-memory DynamoDB Local and localstripe
before Django loads.

Loaded with `-p devtools.pytest_services` (pyproject addopts), so it runs before
pytest-django imports the settings and the PynamoDB models (which read their
endpoint when their classes are defined). The controlling process starts the
services; xdist workers inherit their addresses and get their own table prefix.
Tests never talk to the real Stripe: STRIPE_API_BASE always points at localstripe.
"""

from __future__ import annotations

import atexit
import os

_OWNER = "HOTEL_TEST_SERVICES_OWNER"


def _configure() -> None:
    os.environ["HOTEL_STAGE"] = "test"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotel.settings")
    for name in ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET"):
        os.environ.pop(name, None)  # The test stage's fixed keys, never a developer's real ones.
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        # Each xdist worker owns its tables, so tests can empty them without races.
        os.environ["HOTEL_TABLE_PREFIX"] = f"hoteltest{worker}"
    else:
        os.environ.setdefault("HOTEL_TABLE_PREFIX", "hoteltest")
    if os.environ.get(_OWNER):
        return  # A parent process (the xdist controller) already started the services.
    endpoint = os.environ.get("HOTEL_TEST_DYNAMODB_ENDPOINT")
    if not endpoint:
        from devtools.services import free_port, start_dynamodb_local

        service = start_dynamodb_local(port=free_port(), data_dir=None)
        atexit.register(service.stop)
        endpoint = service.url
    os.environ["DYNAMODB_ENDPOINT"] = endpoint
    stripe_base = os.environ.get("HOTEL_TEST_STRIPE_API_BASE")
    if not stripe_base:
        from devtools.services import free_port, start_localstripe

        stripe_service = start_localstripe(port=free_port())
        atexit.register(stripe_service.stop)
        stripe_base = stripe_service.url
    os.environ["STRIPE_API_BASE"] = stripe_base
    os.environ[_OWNER] = str(os.getpid())


_configure()
