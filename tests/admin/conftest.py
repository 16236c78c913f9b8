"""Admin fixtures: clients signed in per role, a spy on Room reads, a temporary MEDIA_ROOT."""

from __future__ import annotations

import pytest
from django.test import Client

from rooms.models import Room


@pytest.fixture
def client_for(make_staff):
    """`client_for(role)`: a test client signed in as a new staff member with that role."""

    def make(role: str) -> Client:
        user = make_staff(role)
        client = Client()
        client.force_login(user)
        client.user = user
        return client

    return make


@pytest.fixture
def room_reads(monkeypatch):
    """Record every Room query and scan (by kind and index) while still running them."""
    calls: list[tuple[str, str | None]] = []
    real_query, real_scan = Room.query, Room.scan

    def query(hash_key, *args, **kwargs):
        calls.append(("query", kwargs.get("index_name")))
        return real_query(hash_key, *args, **kwargs)

    def scan(*args, **kwargs):
        calls.append(("scan", kwargs.get("index_name")))
        return real_scan(*args, **kwargs)

    monkeypatch.setattr(Room, "query", query)
    monkeypatch.setattr(Room, "scan", scan)
    return calls


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path
