"""The extras catalog in the admin: managers add and edit (the services' rules), the front
desk reads, others are refused."""

from __future__ import annotations

from bookings.extras.models import Extra
from hotel.accounts import roles

EXTRAS = "/admin/bookings/extra/"


def extra_form(**overrides) -> dict:
    data = {
        "code": "parking",
        "name": "Parking",
        "description": "",
        "price": "20.00",
        "unit": "per_night",
        "taxCategory": "standard",
        "bookableOnline": "on",
        "dailyStock": "10",
        "active": "on",
        "sortOrder": "2",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_a_manager_adds_and_edits_an_extra(admin_client):
    refused = admin_client.post(EXTRAS + "add/", extra_form(code="x", price="-1"))
    assert refused.status_code == 200
    assert {"code", "price"} <= set(refused.context["form"].errors)

    assert admin_client.post(EXTRAS + "add/", extra_form()).status_code == 302
    stored = Extra.get("PARKING")
    assert (stored.price, stored.unit, stored.dailyStock) == (2000, "per_night", 10)
    listed = admin_client.get(EXTRAS)
    assert b"PARKING" in listed.content and b"per night" in listed.content

    changed = admin_client.post(
        EXTRAS + "PARKING/change/",
        extra_form(code=None, dailyStock="", price="25.00", _version="1"),
    )
    assert changed.status_code == 302
    stored = Extra.get("PARKING")
    assert (stored.price, stored.dailyStock, stored.revision) == (2500, None, 2)


def test_the_desk_reads_the_catalog_and_changes_nothing(admin_client, client_for):
    admin_client.post(EXTRAS + "add/", extra_form())
    desk = client_for(roles.FRONT_DESK)
    assert desk.get(EXTRAS).status_code == 200
    assert desk.post(EXTRAS + "add/", extra_form(code="OTHER")).status_code == 403
    assert client_for(roles.HOUSEKEEPING).get(EXTRAS).status_code == 403
