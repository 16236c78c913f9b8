"""From the first version's data (rooms without types, bookings without counters) to room
types and counters: `manage.py migrate_inventory`, idempotent and self-checking; and
`manage.py assign_rooms`, the evening job."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command

from bookings import services
from bookings.exceptions import RoomUnavailable
from bookings.inventory import inventory_read
from bookings.inventory_migration import inventory_migrate
from bookings.models import Booking, InventoryNight, RoomNight
from rooms.models import Room, RoomType
from tests.conftest import NOW
from tests.invariants import assert_inventory_consistent

from .conftest import day


def legacy_room(room_id, room_type="Deluxe", price=10000, capacity=2, **kw):
    Room(
        roomId=room_id,
        roomType=room_type,
        floorNumber=1,
        capacity=capacity,
        pricePerNight=price,
        currency="INR",
        lastUpdated=NOW,
        **kw,
    ).save()


def legacy_booking(booking_id, room_id, start, nights, status="confirmed", room_type="Deluxe"):
    booking = Booking(
        bookingId=booking_id,
        roomId=room_id,
        roomType=room_type,
        checkIn=day(start).isoformat(),
        checkOut=day(start + nights).isoformat(),
        status=status,
        guestName="Ada",
        guestEmail="ada@guest.test",
        guests=1,
        totalPrice=10000 * nights,
        subtotal=10000 * nights,
        tax=0,
        currency="INR",
        nightly=[],
        guestTokenHash="x",
        createdAt=NOW,
        updatedAt=NOW,
    )
    booking.save()
    if status in ("pending", "confirmed", "checked-in"):
        for n in range(nights):
            RoomNight(roomId=room_id, night=day(start + n).isoformat(), bookingId=booking_id).save()


@pytest.fixture
def first_version():
    legacy_room("R-1", price=9000)
    legacy_room("R-2", price=11000, capacity=3)
    legacy_room("S-1", room_type="Suite", price=30000, capacity=4)
    legacy_room("S-2", room_type="Suite", price=30000, capacity=4, status="maintenance")
    legacy_booking("BK-1", "R-1", 0, 3)
    legacy_booking("BK-2", "R-2", 1, 2)
    legacy_booking("BK-3", "R-2", 4, 1, status="cancelled")
    legacy_booking("BK-4", "S-1", 0, 1, status="checked-in", room_type="Suite")


def test_types_and_counters_are_built_and_checked(first_version):
    report = inventory_migrate(now=NOW, log=lambda _line: None)

    assert sorted(report.types_created) == ["Deluxe", "Suite"]
    assert report.mismatches == []
    deluxe = RoomType.get("Deluxe")
    assert (deluxe.roomCount, deluxe.sellableRooms, deluxe.basePrice, deluxe.maxGuests) == (
        2,
        2,
        9000,
        3,
    )
    suite = RoomType.get("Suite")
    assert (suite.roomCount, suite.sellableRooms) == (2, 1)
    counters = inventory_read(first=day(0), last=day(4), room_type="Deluxe")
    assert [counters[("Deluxe", day(n))].sold for n in range(3)] == [1, 2, 2]
    assert ("Deluxe", day(4)) not in counters  # the cancelled stay holds nothing
    assert_inventory_consistent()


def test_a_second_run_changes_nothing(first_version):
    inventory_migrate(now=NOW, log=lambda _line: None)
    before = sorted((i.slot, i.sold, i.sellable, i.ceiling) for i in InventoryNight.scan())

    again = inventory_migrate(now=NOW, log=lambda _line: None)

    assert again.types_created == [] and again.mismatches == []
    assert sorted((i.slot, i.sold, i.sellable, i.ceiling) for i in InventoryNight.scan()) == before


def test_after_the_migration_the_type_sells_what_is_left(first_version):
    inventory_migrate(now=NOW, log=lambda _line: None)
    services.booking_create(
        room_type="Deluxe",
        check_in=day(0),
        check_out=day(1),
        guests=1,
        guest_name="Bo",
        guest_email="bo@guest.test",
        actor="t",
        now=NOW,
    )
    with pytest.raises(RoomUnavailable):  # are both sold on night 1
        services.booking_create(
            room_type="Deluxe",
            check_in=day(1),
            check_out=day(2),
            guests=1,
            guest_name="Cy",
            guest_email="cy@guest.test",
            actor="t",
            now=NOW,
        )
    assert_inventory_consistent()


def test_the_command_reports_and_fails_on_a_mismatch(first_version, monkeypatch):
    out = io.StringIO()
    call_command("migrate_inventory", stdout=out)
    assert "0 mismatch(es)" in out.getvalue()
    monkeypatch.setattr(
        "bookings.inventory_migration.inventory_check", lambda sold: ["Deluxe 2026-03-09: sold 9"]
    )
    with pytest.raises(CommandError, match="1 counter"):
        call_command("migrate_inventory", stdout=io.StringIO(), stderr=io.StringIO())


def test_assign_rooms_gives_tomorrows_arrivals_a_room(make_room, settings):
    from django.utils import timezone

    from bookings.clock import hotel_today

    make_room(roomId="R-1")
    tomorrow = hotel_today(timezone.now()) + timedelta(days=1)
    booking = services.booking_create(
        room_type="Deluxe",
        check_in=tomorrow,
        check_out=tomorrow + timedelta(days=2),
        guests=1,
        guest_name="Di",
        guest_email="di@guest.test",
        actor="t",
        now=timezone.now(),
    ).booking
    out = io.StringIO()

    call_command("assign_rooms", stdout=out)

    assert "1 assigned, 0 moved, 0 unplaced" in out.getvalue()
    assert Booking.get(booking.bookingId).roomId == "R-1"
    with pytest.raises(CommandError):
        call_command("assign_rooms", "--days", "0", stdout=io.StringIO())
