"""Room types in the admin: list, add, change (counts read-only), revisions, delete refused
while rooms use the type, and the gallery."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hotel.accounts import roles
from hotel.audit.selectors import audit_for_object
from rooms.models import RoomType
from rooms.room_type_services import room_type_create, room_type_update
from tests.helpers import png_bytes

LIST = "/admin/rooms/roomtype/"
ADD = LIST + "add/"


def change_url(code: str) -> str:
    return f"{LIST}{code}/change/"


def type_form(**overrides) -> dict:
    data = {
        "roomType": "Twin",
        "name": "Twin room",
        "description": "Two single beds.",
        "beds": "2 singles",
        "sizeM2": "18",
        "maxAdults": "2",
        "maxChildren": "1",
        "maxGuests": "2",
        "amenities": "WiFi, AC",
        "basePrice": "4200.00",
        "sortOrder": "3",
        "overbookingLimit": "0",
    }
    data.update(overrides)
    return data


def change_form(room_type: RoomType, **overrides) -> dict:
    data = type_form(
        name=room_type.name,
        maxAdults=str(room_type.maxAdults),
        maxChildren=str(room_type.maxChildren),
        maxGuests=str(room_type.maxGuests),
        basePrice=f"{room_type.basePrice / 100:.2f}",
        _version=str(room_type.revision),
    )
    data.pop("roomType")
    data.update(overrides)
    return data


def twin():
    return room_type_create(
        data={
            "roomType": "Twin",
            "name": "Twin room",
            "maxAdults": 2,
            "maxChildren": 1,
            "maxGuests": 2,
            "basePrice": 420000,
        },
        actor="test",
        now=timezone.now(),
    )


def test_adding_a_type_stores_money_in_minor_units_and_audits(admin_client):
    response = admin_client.post(ADD, type_form())

    assert response.status_code == 302, response.context and response.context["form"].errors
    room_type = RoomType.get("Twin")
    assert (room_type.basePrice, room_type.sizeM2, room_type.amenities) == (
        420000,
        18,
        ["WiFi", "AC"],
    )
    assert room_type.roomCount == 0 and room_type.revision == 1
    [entry] = audit_for_object(object_type="rooms.roomtype", object_id="Twin")
    assert (entry.action, entry.actor) == ("create", admin_client.user.email)


def test_the_list_shows_the_columns_with_money_and_the_room_count(admin_client, make_room):
    twin()
    make_room(roomId="T-1", roomType="Twin")
    page = admin_client.get(LIST).content.decode()
    assert "Twin room" in page and "₹4,200.00" in page
    assert 'class="field-roomCount">1<' in page


def test_rule_errors_are_shown_per_field(admin_client):
    response = admin_client.post(ADD, type_form(roomType="no spaces", maxGuests="9"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "roomType" in errors and "maxGuests" in errors
    assert RoomType.count() == 0


def test_the_change_form_keeps_the_counts_read_only(admin_client):
    twin()
    response = admin_client.get(change_url("Twin"))
    form = response.context["form"]
    assert {"roomCount", "sellableRooms", "roomType", "currency"}.isdisjoint(form.fields)
    assert form["_version"].value() == 1
    assert "Rooms in service" in response.content.decode()


def test_changing_a_type_saves_through_the_service(admin_client):
    room_type = twin()
    response = admin_client.post(change_url("Twin"), change_form(room_type, name="Twin superior"))
    assert response.status_code == 302
    saved = RoomType.get("Twin")
    assert saved.name == "Twin superior" and saved.revision == 2


def test_a_stale_edit_is_refused(admin_client):
    room_type = twin()
    room_type_update(code="Twin", data={"name": "Meanwhile"}, actor="x", now=timezone.now())
    response = admin_client.post(change_url("Twin"), change_form(room_type, name="Mine"))
    assert response.status_code == 200
    assert "Someone else changed this room type" in response.content.decode()
    assert RoomType.get("Twin").name == "Meanwhile"


def test_a_type_with_rooms_is_not_deleted_and_the_reason_is_shown(admin_client, make_room):
    twin()
    make_room(roomId="T-1", roomType="Twin")
    response = admin_client.post(
        f"{LIST}Twin/delete/", {"post": "yes", "_version": "1"}, follow=True
    )
    assert "still has 1 room" in response.content.decode()
    assert RoomType.count() == 1


def test_an_unused_type_is_deleted(admin_client):
    twin()
    confirm = admin_client.get(f"{LIST}Twin/delete/")
    assert confirm.status_code == 200
    response = admin_client.post(f"{LIST}Twin/delete/", {"post": "yes", "_version": "1"})
    assert response.status_code == 302
    assert RoomType.count() == 0


def test_a_photo_is_uploaded_shown_and_removed(admin_client, media):
    room_type = twin()
    upload = SimpleUploadedFile("view.png", png_bytes(), content_type="image/png")
    response = admin_client.post(change_url("Twin"), {**change_form(room_type), "photo": upload})
    assert response.status_code == 302
    room_type = RoomType.get("Twin")
    [name] = room_type.photos
    assert name.startswith("room-types/Twin/") and (media / name).read_bytes() == png_bytes()
    assert f'src="/media/{name}"' in admin_client.get(change_url("Twin")).content.decode()

    response = admin_client.post(
        change_url("Twin"), {**change_form(room_type), "remove_photos": [name]}
    )
    assert response.status_code == 302
    assert RoomType.get("Twin").photos == []
    assert not (media / name).exists()


def test_a_file_that_is_not_an_image_is_refused(admin_client, media):
    room_type = twin()
    upload = SimpleUploadedFile("notes.png", b"not an image", content_type="image/png")
    response = admin_client.post(
        change_url("Twin"), {**change_form(room_type), "photo": upload}, follow=True
    )
    assert "not a readable image" in response.content.decode()
    assert RoomType.get("Twin").photos == []


def test_front_desk_cannot_add_types(client_for):
    client = client_for(roles.FRONT_DESK)
    assert client.get(ADD).status_code == 403
