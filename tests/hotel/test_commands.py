"""Management commands: createstaff and the idempotent demo seed."""

import pytest
from django.core.management import CommandError, call_command

from bookings.extras.models import Extra
from hotel.accounts.models import StaffAccount
from hotel.profile import profile_item
from rooms.demo import demo_rooms
from rooms.models import Room, RoomType


def test_createstaff_creates_an_account_that_can_log_in(client):
    call_command(
        "createstaff", email="Desk@Hotel.test", role="front_desk", password="s3cret-pass-99"
    )
    item = StaffAccount.get("desk@hotel.test")
    assert item.role == "front_desk"
    assert client.login(username="desk@hotel.test", password="s3cret-pass-99")


def test_createstaff_refuses_weak_passwords_and_duplicates():
    with pytest.raises(CommandError, match="password"):
        call_command("createstaff", email="a@hotel.test", password="123")
    call_command("createstaff", email="a@hotel.test", password="s3cret-pass-99")
    with pytest.raises(CommandError, match="already exists"):
        call_command("createstaff", email="a@hotel.test", password="s3cret-pass-99")


def test_seed_demo_is_idempotent_and_meets_the_demo_brief(settings, tmp_path, capsys):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "0 created" in out and "already there" in out
    rooms = list(Room.scan())
    assert len(rooms) == len(demo_rooms()) >= 24
    assert {r.roomType for r in rooms} == {"Standard", "Deluxe", "Suite"}
    assert len({r.floorNumber for r in rooms}) >= 4
    assert all(r.pricePerNight > 0 and r.capacity > 0 and r.amenities for r in rooms)
    assert all(len(r.photos) == 1 and (tmp_path / r.photos[0]).is_file() for r in rooms)
    assert StaffAccount.get(settings.HOTEL_DEMO_EMAIL).role == "manager"
    extras = {e.code: e for e in Extra.scan()}
    assert (extras["PARKING"].dailyStock, extras["SHUTTLE"].dailyStock) == (10, 8)
    assert extras["BREAKFAST"].includedIn == ["BB"]
    types = sorted(RoomType.scan(), key=lambda t: t.sortOrder)
    assert [(t.roomType, t.beds, t.sizeM2) for t in types] == [
        ("Standard", "1 queen", 22),
        ("Deluxe", "1 king", 32),
        ("Suite", "1 king + sofa bed", 55),
    ]
    assert [t.roomCount for t in types] == [15, 10, 5]
    assert [t.view for t in types] == ["Garden view", "Sea view", "Harbour view"]
    assert types[1].translations["de"]["name"] == "Deluxe mit Meerblick"
    assert [len(t.photos) for t in types] == [3, 3, 4]  # galleries, described in every language
    for t in types:
        assert all((tmp_path / name).is_file() for name in t.photos)
        assert all(set(t.gallery[name]["alt"]) == {"en", "de", "fr", "es"} for name in t.photos)
    page = profile_item(cached=False)
    assert page.translations["de"]["description"] and len(page.photos) == 3
    assert (
        page.mapImage["alt"]["es"].startswith("Mapa")
        and (tmp_path / page.mapImage["name"]).is_file()
    )


def test_seed_demo_refuses_cloud_stages(settings):
    settings.STAGE = "prod"
    with pytest.raises(CommandError, match="local stage only"):
        call_command("seed_demo")
