"""A room type's overbooking limit, changed by staff, moves the ceiling of the nights
already counted (rooms.room_type_services -> rooms.stock -> bookings.inventory)."""

from datetime import UTC, datetime, timedelta

from bookings.inventory import inventory_read, nights_ensure
from bookings.services import hotel_today
from rooms.room_type_services import room_type_update


def test_raising_and_lowering_the_overbooking_limit_moves_existing_nights(make_room):
    make_room(roomId="R-1", roomType="Deluxe")
    make_room(roomId="R-2", roomType="Deluxe")
    now = datetime.now(UTC)
    nights = [hotel_today(now) + timedelta(days=d) for d in (3, 4)]
    nights_ensure(room_type="Deluxe", nights=nights)

    def ceilings():
        items = inventory_read(first=nights[0], last=nights[-1], room_type="Deluxe")
        return [items[("Deluxe", n)].ceiling for n in nights]

    assert ceilings() == [2, 2]
    room_type_update(code="Deluxe", data={"overbookingLimit": 2}, actor="test", now=now)
    assert ceilings() == [4, 4]
    room_type_update(code="Deluxe", data={"overbookingLimit": 1}, actor="test", now=now)
    assert ceilings() == [3, 3]
