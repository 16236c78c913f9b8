"""Fixtures for the reliability suite: the app under gunicorn, on a free loopback port, against
this test run's DynamoDB Local and localstripe (devtools.pytest_services)."""

from __future__ import annotations

import os

import pytest

from devtools.gunicorn_server import server_env, start_gunicorn
from devtools.services import free_port


def suite_env(**overrides: str) -> dict[str, str]:
    """The environment of a server that shares this test run's services and tables."""
    shared = {
        "DYNAMODB_ENDPOINT": os.environ["DYNAMODB_ENDPOINT"],
        "HOTEL_TABLE_PREFIX": os.environ["HOTEL_TABLE_PREFIX"],
        "STRIPE_API_BASE": os.environ["STRIPE_API_BASE"],
        "HOTEL_STAGE": "test",
        # Every request of these storms comes from 127.0.0.1: the per-client hold cap
        # (tests/bookings/test_guest_holds.py) would answer most of them 429.
        "HOTEL_GUEST_HOLDS_PER_CLIENT": "0",
    }
    return server_env(**(shared | overrides))


@pytest.fixture(scope="module")
def app_server(_tables, tmp_path_factory):
    """gunicorn, 2 workers x 4 threads, serving hotel.wsgi on 127.0.0.1 (module-wide)."""
    log = tmp_path_factory.mktemp("gunicorn") / "server.log"
    server = start_gunicorn(port=free_port(), env=suite_env(), workers=2, threads=4, log_path=log)
    yield server
    server.stop()
