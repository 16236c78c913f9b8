"""The demo hotel that `make run` seeds: 5 floors, 3 room types, prices, amenities, photos."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from django.core.files import File
from pynamodb.exceptions import DoesNotExist

from hotel.errors import Conflict

from .gallery import room_type_add_photo
from .models import Room
from .photos import room_add_photo
from .room_type_services import room_type_create
from .room_types import room_type_get
from .services import room_create

PHOTOS = Path(__file__).resolve().parent / "demo_photos"


# Each type's gallery, in order: [file, {"alt": {"en": …, "de": …}, "caption": {…}}].
GALLERIES = json.loads((PHOTOS / "galleries.json").read_text(encoding="utf-8"))
# Each type's view and its words in the other guest languages.
WORDS = json.loads((PHOTOS / "words.json").read_text(encoding="utf-8"))


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
# type: what guests read about it (beds, m², adults, children, guests at most, sort order)
TYPE_DETAILS = {
    "Standard": ("Standard double", "1 queen", 22, 2, 0, 2, 0),
    "Deluxe": ("Deluxe sea view", "1 king", 32, 2, 1, 3, 1),
    "Suite": ("Harbour suite", "1 king + sofa bed", 55, 4, 2, 4, 2),
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


def demo_room_types() -> list[dict]:
    types = []
    for code, (capacity, price, amenities, description) in ROOM_TYPES.items():
        name, beds, size, adults, children, guests, order = TYPE_DETAILS[code]
        del capacity  # the rooms' own; the type says adults, children and guests
        types.append(
            {
                "roomType": code,
                "name": name,
                "description": description,
                "beds": beds,
                "sizeM2": size,
                "maxAdults": adults,
                "maxChildren": children,
                "maxGuests": guests,
                "amenities": amenities,
                "basePrice": price,
                "sortOrder": order,
                **WORDS[code],
            }
        )
    return types


def seed_demo_room_types(*, now: datetime, log=print) -> int:
    """Create the demo room types that do not exist yet, each with its photo (before the
    rooms: a room names an existing type). Returns how many were made."""
    created = 0
    for data in demo_room_types():
        try:
            room_type_create(data=data, actor="demo-seed", now=now)
        except Conflict:
            pass
        else:
            created += 1
        if not room_type_get(code=data["roomType"], consistent=True).photos:
            for name, words in GALLERIES[data["roomType"]]:
                with open(PHOTOS / name, "rb") as fh:
                    room_type_add_photo(
                        code=data["roomType"],
                        upload=File(fh, name=name),
                        words=words,
                        actor="demo-seed",
                        now=now,
                    )
    log(f"demo room types: {created} created, {len(ROOM_TYPES) - created} already there")
    return created


def seed_demo_rooms(*, now: datetime, log=print) -> int:
    """Create the demo room types and rooms that do not exist yet (with a photo). Returns
    how many rooms were made."""
    seed_demo_room_types(now=now, log=log)
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
