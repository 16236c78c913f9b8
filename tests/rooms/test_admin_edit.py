"""Add, change, delete rooms and their photos through the admin; optimistic locking; history."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hotel.audit.selectors import audit_for_object
from rooms.models import Room
from rooms.services import room_update
from tests.helpers import png_bytes

ADD = "/admin/rooms/room/add/"


def change_url(room_id: str) -> str:
    return f"/admin/rooms/room/{room_id}/change/"


def room_form(**overrides) -> dict:
    data = {
        "roomId": "305",
        "roomType": "Suite",
        "floorNumber": "3",
        "capacity": "4",
        "status": "available",
        "pricePerNight": "120.50",
        "amenities": "AC, WiFi, Sea view",
        "description": "Corner suite.",
    }
    data.update(overrides)
    return data


def change_form(room: Room, **overrides) -> dict:
    data = room_form(
        roomType=room.roomType,
        floorNumber=str(room.floorNumber),
        capacity=str(room.capacity),
        status=room.status,
        pricePerNight=f"{room.pricePerNight / 100:.2f}",
        amenities=", ".join(room.amenities),
        description=room.description,
        _version=str(room.version),
    )
    data.pop("roomId")
    data.update(overrides)
    return data


def test_the_add_form_renders_generated_fields(admin_client):
    response = admin_client.get(ADD)

    assert response.status_code == 200
    form = response.context["form"]
    assert {"roomId", "roomType", "floorNumber", "capacity", "pricePerNight"} <= set(form.fields)
    assert "_version" not in form.fields
    assert form["status"].value() == "available"
    assert b'enctype="multipart/form-data"' in response.content


def test_adding_a_room_stores_money_in_minor_units_and_audits(admin_client):
    response = admin_client.post(ADD, room_form())

    assert response.status_code == 302
    assert response["Location"] == "/admin/rooms/room/"
    room = Room.get("305")
    assert (room.roomType, room.floorNumber, room.capacity) == ("Suite", 3, 4)
    assert room.pricePerNight == 12050
    assert room.amenities == ["AC", "WiFi", "Sea view"]
    [entry] = audit_for_object(object_type="rooms.room", object_id="305")
    assert (entry.action, entry.actor) == ("create", admin_client.user.email)


def test_validation_errors_from_the_service_are_shown_per_field(admin_client):
    response = admin_client.post(ADD, room_form(roomId="bad id!", capacity="0"))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "capital letters" in errors["roomId"][0]
    assert "between 1 and 12" in errors["capacity"][0]
    assert b"Corner suite." in response.content
    assert Room.count() == 0


def test_type_errors_are_caught_by_the_form(admin_client):
    response = admin_client.post(ADD, room_form(floorNumber="third", pricePerNight="cheap"))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"floorNumber", "pricePerNight"}


def test_adding_an_existing_room_id_is_a_field_error(admin_client, make_room):
    make_room(roomId="305")

    response = admin_client.post(ADD, room_form())

    assert response.status_code == 200
    assert "already exists" in response.context["form"].errors["roomId"][0]


def test_the_change_form_has_the_id_read_only_and_the_version_hidden(admin_client, make_room):
    room = make_room(roomId="101")

    response = admin_client.get(change_url("101"))

    assert response.status_code == 200
    form = response.context["form"]
    assert "roomId" not in form.fields
    assert form["_version"].value() == room.version
    assert b'<div class="readonly">101</div>' in response.content
    assert b'name="_version" value="1"' in response.content


def test_changing_a_room_saves_through_the_service(admin_client, make_room):
    room = make_room(roomId="101")

    response = admin_client.post(change_url("101"), change_form(room, capacity="3"))

    assert response.status_code == 302
    saved = Room.get("101")
    assert saved.capacity == 3
    assert saved.version == room.version + 1


def test_a_stale_edit_is_refused_and_keeps_the_input(admin_client, make_room):
    room = make_room(roomId="101", capacity=2)
    opened = admin_client.get(change_url("101")).context["form"]["_version"].value()
    room_update(room_id="101", data={"capacity": 5}, actor="other@staff.test", now=timezone.now())

    response = admin_client.post(
        change_url("101"), change_form(room, capacity="3", _version=str(opened))
    )

    assert response.status_code == 200
    assert b"Someone else changed this room since you opened it" in response.content
    assert response.context["form"]["capacity"].value() == "3"
    assert Room.get("101").capacity == 5


def test_a_missing_version_is_refused(admin_client, make_room):
    room = make_room(roomId="101")
    data = change_form(room, capacity="3")
    del data["_version"]

    response = admin_client.post(change_url("101"), data)

    assert response.status_code == 200
    assert b"reload the page" in response.content
    assert Room.get("101").capacity == 2


def test_a_missing_room_redirects_with_a_message(admin_client):
    response = admin_client.get(change_url("NOPE"), follow=True)

    assert response.status_code == 200
    assert "does not exist" in response.content.decode()


def test_delete_asks_for_confirmation_then_deletes(admin_client, make_room):
    make_room(roomId="101")

    confirm = admin_client.get("/admin/rooms/room/101/delete/")
    assert confirm.status_code == 200
    assert b"Are you sure you want to delete the room" in confirm.content
    assert Room.count() == 1

    response = admin_client.post("/admin/rooms/room/101/delete/", {"post": "yes", "_version": "1"})

    assert response.status_code == 302
    assert Room.count() == 0
    assert audit_for_object(object_type="rooms.room", object_id="101")[0].action == "delete"


def test_a_stale_delete_is_refused(admin_client, make_room):
    make_room(roomId="101")
    room_update(room_id="101", data={"capacity": 5}, actor="x@staff.test", now=timezone.now())

    response = admin_client.post(
        "/admin/rooms/room/101/delete/", {"post": "yes", "_version": "1"}, follow=True
    )

    assert b"so it was not deleted" in response.content
    assert Room.count() == 1


def test_a_photo_upload_is_stored_and_shown_then_removed(admin_client, make_room, media):
    room = make_room(roomId="101")
    upload = SimpleUploadedFile("view.png", png_bytes(), content_type="image/png")

    response = admin_client.post(change_url("101"), {**change_form(room), "photo": upload})

    assert response.status_code == 302
    room = Room.get("101")
    [name] = room.photos
    assert (media / name).read_bytes() == png_bytes()
    page = admin_client.get(change_url("101"))
    assert f'src="/media/{name}"'.encode() in page.content
    listing = admin_client.get("/admin/rooms/room/")
    assert b'class="field-photo_count">1<' in listing.content

    response = admin_client.post(change_url("101"), {**change_form(room), "remove_photos": [name]})

    assert response.status_code == 302
    assert Room.get("101").photos == []
    assert not (media / name).exists()


def test_a_file_that_is_not_an_image_is_refused(admin_client, make_room, media):
    room = make_room(roomId="101")
    upload = SimpleUploadedFile("notes.png", b"not an image", content_type="image/png")

    response = admin_client.post(
        change_url("101"), {**change_form(room), "photo": upload}, follow=True
    )

    assert b"not a readable image" in response.content
    assert Room.get("101").photos == []
    assert list(media.rglob("*.png")) == []


def test_the_history_shows_who_and_before_and_after(admin_client, make_room):
    room = make_room(roomId="101", capacity=2)
    admin_client.post(change_url("101"), change_form(room, capacity="3"))

    response = admin_client.get("/admin/rooms/room/101/history/")

    assert response.status_code == 200
    text = response.content.decode()
    assert admin_client.user.email in text
    assert "factory@staff.test" in text
    assert "<strong>capacity</strong>:" in text
    assert "2 → 3" in text
