"""Rate plans over HTTP, as the issue's contract spells them: managers write, staff read."""

from __future__ import annotations

import pytest

from hotel.audit.models import AuditEntry  # noqa: F401


@pytest.fixture
def manager(api, make_room):
    make_room(roomId="101", roomType="Deluxe")
    return api.as_role("manager")


def test_smoke(manager):
    r = manager.post(
        "/api/rate-plans",
        {
            "ratePlan": "NONREF",
            "name": "Non-refundable",
            "roomTypes": ["Deluxe"],
            "adjustment": {"kind": "percent", "value": -15},
            "cancellation": "0:0",
            "payment": "prepay",
        },
        format="json",
    )
    print(r.status_code, r.json())
    r = manager.get("/api/rate-plans")
    print(r.status_code, r.json())
    assert 0
