"""Shared fixtures. DynamoDB Local is started by devtools.pytest_services (see pyproject)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest
from django.test import Client
from rest_framework.test import APIClient

from hotel import dynamo
from hotel.accounts import roles
from hotel.accounts.services import api_token_issue, staff_create
from rooms.services import room_create

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
PASSWORD = "correct-horse-battery-9"
_seq = itertools.count(1)


@pytest.fixture(scope="session", autouse=True)
def _tables(django_db_blocker):
    dynamo.sync_tables(log=lambda _msg: None)


@pytest.fixture(autouse=True)
def _empty_tables(_tables):
    """Every test starts from empty tables (each xdist worker has its own)."""
    dynamo.empty_tables()


@pytest.fixture
def make_staff():
    def make(role: str = roles.MANAGER, *, email: str | None = None, password: str = PASSWORD):
        email = email or f"{role}{next(_seq)}@staff.test"
        return staff_create(
            email=email, password=password, role=role, full_name=f"Test {role}", now=NOW
        )

    return make


@pytest.fixture
def manager(make_staff):
    return make_staff(roles.MANAGER)


@pytest.fixture
def make_room():
    def make(**overrides):
        data = {
            "roomId": f"R-{100 + next(_seq)}",
            "roomType": "Deluxe",
            "floorNumber": 1,
            "capacity": 2,
            "pricePerNight": 5000,
            "amenities": ["AC", "WiFi"],
        }
        data.update(overrides)
        return room_create(data=data, actor="factory@staff.test", now=NOW)

    return make


@pytest.fixture
def api():
    """An API client; `api.as_role(role)` signs it in with a bearer token of a new staff member."""
    client = APIClient()

    def as_role(role: str, make_staff_fn=None):
        user = (make_staff_fn or _default_make_staff)(role)
        token = api_token_issue(user=user, now=datetime.now(UTC)).token
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        client.user = user
        return client

    client.as_role = as_role
    return client


def _default_make_staff(role):
    return staff_create(
        email=f"{role}{next(_seq)}@staff.test", password=PASSWORD, role=role, now=NOW
    )


@pytest.fixture
def admin_client(manager):
    """Django's test client signed in to the admin as a manager."""
    client = Client()
    client.force_login(manager)
    client.user = manager
    return client
