"""pytest plugin: give the test run its own in-memory DynamoDB Local before Django loads.

Loaded with `-p devtools.pytest_services` (pyproject addopts), so it runs before
pytest-django imports the settings and the PynamoDB models (which read their
endpoint when their classes are defined). The controlling process starts the
service; xdist workers inherit its address and get their own table prefix.
"""

from __future__ import annotations

import atexit
import os

_OWNER = "HOTEL_TEST_SERVICES_OWNER"


def _configure() -> None:
    os.environ["HOTEL_STAGE"] = "test"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotel.settings")
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
    os.environ[_OWNER] = str(os.getpid())


_configure()
