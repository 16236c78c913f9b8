"""What the guest page tests share: dates from the real clock, a room (of a type), a held
booking of the type, and a type dressed the way staff describe it (name, beds, photos)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.files import File

from bookings.links import manage_path
from bookings.services import booking_create
from rooms.demo import GALLERIES, PHOTOS
from rooms.gallery import room_type_add_photo
from rooms.models import RoomType
from rooms.room_types import room_types_forget


def today() -> date:
    return datetime.now(UTC).date()


def stay(offset: int = 30, nights: int = 2) -> dict:
    check_in = today() + timedelta(days=offset)
    return {"check_in": check_in.isoformat(), "check_out": str(check_in + timedelta(nights))}


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def room(make_room):
    return make_room(roomId="R-1", roomType="Standard", capacity=2, pricePerNight=450000)


@pytest.fixture
def booked(room):
    """A pending booking of a Standard, made the way the site makes it (no room assigned), and
    its manage path."""

    def make(email: str = "ada@guest.test", name: str = "Ada Guest", offset: int = 30):
        dates = stay(offset)
        created = booking_create(
            room_type="Standard",
            check_in=date.fromisoformat(dates["check_in"]),
            check_out=date.fromisoformat(dates["check_out"]),
            guests=2,
            guest_name=name,
            guest_email=email,
            source="web",
            actor="guest",
            now=datetime.now(UTC),
        )
        return created.booking, manage_path(booking_id=created.booking.bookingId)

    return make


def guest_form(**overrides) -> dict:
    data = {**stay(), "guests": 2, "guest_name": "Ada Guest", "guest_email": "ada@guest.test"}
    data.update(overrides)
    return data


def dress_type(code: str, *, photos: tuple[str, ...] = (), **fields) -> RoomType:
    """Give a room type what staff would (name, beds, size, …) and a gallery from the demo
    set, through the gallery's service (resized copies; the demo's alt text and captions)."""
    room_type = RoomType.get(code, consistent_read=True)
    actions = [getattr(RoomType, name).set(value) for name, value in fields.items()]
    if actions:
        room_type.update(actions=actions)
    words = {name: w for gallery in GALLERIES.values() for name, w in gallery}
    for photo in photos:
        with open(PHOTOS / photo, "rb") as fh:
            room_type_add_photo(code=code, upload=File(fh, name=photo), words=words.get(photo),
                                actor="test", now=datetime.now(UTC))  # fmt: skip
    room_types_forget()
    return RoomType.get(code, consistent_read=True)
