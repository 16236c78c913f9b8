"""The demo hotel that `make run` seeds: 5 floors, 3 room types, prices, amenities, photos."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from django.core.files import File
from pynamodb.exceptions import DoesNotExist

from .models import Room
from .photos import room_add_photo
from .services import room_create

PHOTOS = Path(__file__).resolve().parent / "demo_photos"

# type: (capacity, price per night in minor units, amenities, description)
ROOM_TYPES = {
    "Standard": (
        2,
        450000,
        ["WiFi", "AC", "TV", "Shower"],
        "A quiet double room with a work desk and a rain shower.",
    ),
    "Deluxe": (
        3,
        700000,
        ["WiFi", "AC", "TV", "Minibar", "Bathtub", "Sea view"],
        "A larger room with a sea view, a reading corner and a bathtub.",
    ),
    "Suite": (
        4,
        1250000,
        ["WiFi", "AC", "TV", "Minibar", "Bathtub", "Sea view", "Living room", "Balcony"],
        "Bedroom and separate living room with a balcony over the harbour.",
    ),
}
# Each floor: rooms 01-06 (three Standard, two Deluxe, one Suite); floors 1-5 -> 30 rooms.
FLOOR_LAYOUT = ["Standard", "Standard", "Standard", "Deluxe", "Deluxe", "Suite"]
FLOORS = range(1, 6)


def demo_rooms() -> list[dict]:
    rooms = []
    for floor in FLOORS:
        for number, room_type in enumerate(FLOOR_LAYOUT, start=1):
            capacity, price, amenities, description = ROOM_TYPES[room_type]
            rooms.append(
                {
                    "roomId": f"R-{floor}{number:02d}-{room_type.upper()}",
                    "roomType": room_type,
                    "floorNumber": floor,
                    "capacity": capacity,
                    # Higher floors cost a little more: the view.
                    "pricePerNight": price + (floor - 1) * 20000,
                    "amenities": amenities,
                    "description": description,
                }
            )
    return rooms


def seed_demo_rooms(*, now: datetime, log=print) -> int:
    """Create the demo rooms that do not exist yet (with a photo). Returns how many were made."""
    created = 0
    for data in demo_rooms():
        try:
            Room.get(data["roomId"])
            continue
        except DoesNotExist:
            pass
        room_create(data=data, actor="demo-seed", now=now)
        with open(PHOTOS / f"{data['roomType'].lower()}.jpg", "rb") as fh:
            room_add_photo(
                room_id=data["roomId"],
                upload=File(fh, name=f"{data['roomType'].lower()}.jpg"),
                actor="demo-seed",
                now=now,
            )
        created += 1
    log(f"demo rooms: {created} created, {len(demo_rooms()) - created} already there")
    return created
