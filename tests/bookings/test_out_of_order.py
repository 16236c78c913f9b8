"""A room out of order on given nights: the type sells one fewer, the room is not sold or
assigned on them, refused (409, nothing changed) when it would leave a guest without a room."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from bookings import services
from bookings.availability import rooms_search
from bookings.clock import hotel_today
from bookings.exceptions import RoomUnavailable
from bookings.inventory import inventory_read
from bookings.models import RoomNight
from bookings.out_of_order import room_out_of_order_add, room_out_of_order_remove
from hotel.errors import Conflict, NotFound, ValidationFailed
from rooms.models import Room
from rooms.services import room_delete
from tests.conftest import NOW
from tests.invariants import assert_inventory_consistent

from .conftest import day


@pytest.fixture
def twins(make_room):
    make_room(roomId="R-1", capacity=2, pricePerNight=10000)
    make_room(roomId="R-2", capacity=2, pricePerNight=10000)


def sell(start=0, nights=2, **kw):
    return services.booking_create(
        room_type="Deluxe",
        check_in=day(start),
        check_out=day(start + nights),
        guests=1,
        guest_name="Ada",
        guest_email="ada@guest.test",
        actor="t",
        now=NOW,
        **kw,
    ).booking


def out(room_id="R-2", start=1, nights=2, reason="Leaking pipe"):
    return room_out_of_order_add(
        room_id=room_id,
        start=day(start),
        end=day(start + nights),
        reason=reason,
        actor="hk",
        now=NOW,
    )


def counters(first=0, last=3):
    items = inventory_read(first=day(first), last=day(last), room_type="Deluxe")
    return [
        (items[("Deluxe", day(n))].sellable, items[("Deluxe", day(n))].outOfOrder)
        if ("Deluxe", day(n)) in items
        else None
        for n in range(first, last + 1)
    ]


def test_a_period_takes_one_room_out_of_those_nights_only(twins):
    period = out()

    assert counters(1, 2) == [(1, 1), (1, 1)]
    assert Room.get("R-2").outOfOrderPeriods[0]["id"] == period["id"]
    assert {n.night for n in RoomNight.query("R-2")} == {day(1).isoformat(), day(2).isoformat()}
    search = rooms_search(check_in=day(1), check_out=day(3), now=NOW)
    assert [o.available for o in search.types] == [1]
    assert [room.roomId for room, _ in search.rooms] == ["R-1"]
    assert [
        o.available for o in rooms_search(check_in=day(3), check_out=day(4), now=NOW).types
    ] == [2]
    sell(start=1)
    with pytest.raises(RoomUnavailable):
        sell(start=2, nights=1)
    assert_inventory_consistent()


def test_removing_a_period_gives_the_nights_back(twins):
    period = out()
    room_out_of_order_remove(room_id="R-2", period_id=period["id"], actor="hk", now=NOW)

    assert counters(1, 2) == [(2, 0), (2, 0)]
    assert list(RoomNight.query("R-2")) == []
    assert Room.get("R-2").outOfOrderPeriods is None
    with pytest.raises(NotFound):
        room_out_of_order_remove(room_id="R-2", period_id=period["id"], actor="hk", now=NOW)


def test_refused_when_a_booking_has_the_room_and_nothing_changes(twins):
    booking = services.booking_create(
        room_id="R-2",
        check_in=day(2),
        check_out=day(3),
        guests=1,
        guest_name="Ada",
        guest_email="ada@guest.test",
        actor="t",
        now=NOW,
    ).booking

    with pytest.raises(RoomUnavailable) as refused:
        out()

    assert refused.value.details["bookings"] == [booking.bookingId]
    assert counters(1, 2) == [(2, 0), (2, 0)]
    assert Room.get("R-2").outOfOrderPeriods is None
    assert_inventory_consistent()


def test_refused_when_the_type_has_sold_every_room_left(twins):
    a, b = sell(start=1, nights=1), sell(start=1, nights=1)

    with pytest.raises(Conflict) as refused:
        out()

    assert refused.value.code == "ROOMS_SOLD"
    assert set(refused.value.details["bookings"]) == {a.bookingId, b.bookingId}
    assert counters(1, 2) == [(2, 0), (2, 0)]
    assert_inventory_consistent()


def test_the_assigner_keeps_bookings_out_of_the_room_on_those_nights(twins):
    out(room_id="R-1", start=0, nights=3)
    booking = sell(start=1, nights=1)

    services.rooms_assign(start=day(0), end=day(3), actor="t", now=NOW)

    assert RoomNight.get("R-2", day(1).isoformat()).bookingId == booking.bookingId
    assert_inventory_consistent()


def test_bad_periods_are_400_with_every_field(twins):
    with pytest.raises(ValidationFailed) as bad:
        room_out_of_order_add(
            room_id="R-1", start=day(3), end=day(1), reason="", actor="hk", now=NOW
        )
    assert set(bad.value.details["fields"]) == {"to", "reason"}


def test_a_room_with_a_period_to_come_is_not_deleted(twins):
    out()
    with pytest.raises(Conflict) as refused:
        room_delete(room_id="R-2", actor="m", now=NOW)
    assert refused.value.code == "ROOM_OUT_OF_ORDER"


def test_the_api_adds_and_removes_periods(api, twins):
    client = api.as_role("housekeeping")
    first = hotel_today(timezone.now()) + timedelta(days=30)
    body = {
        "from": first.isoformat(),
        "to": (first + timedelta(days=2)).isoformat(),
        "reason": "Paint",
    }

    created = client.post("/api/rooms/R-2/out-of-order", body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["from"] == first.isoformat()
    items = inventory_read(first=first, last=first, room_type="Deluxe")
    assert items[("Deluxe", first)].sellable == 1
    bad = client.post(
        "/api/rooms/R-2/out-of-order", {"from": "x", "to": first.isoformat()}, format="json"
    )
    assert bad.status_code == 400
    assert set(bad.json()["error"]["details"]["fields"]) == {"from", "reason"}
    gone = client.delete(f"/api/rooms/R-2/out-of-order/{created.json()['id']}")
    assert gone.status_code == 204
    items = inventory_read(first=first, last=first, room_type="Deluxe")
    assert items[("Deluxe", first)].sellable == 2
    accountant = api.as_role("accountant")
    assert accountant.post("/api/rooms/R-2/out-of-order", body, format="json").status_code == 403
