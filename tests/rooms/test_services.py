"""Room services against DynamoDB Local: photos, optimistic locking, audit, outage."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from hotel import dynamo
from hotel.audit.selectors import audit_for_object
from hotel.errors import NotFound, StaleObject, ValidationFailed
from rooms import photos, services
from rooms.models import Room
from tests.conftest import NOW


def jpeg_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_photo_is_stored_through_the_default_storage(make_room, media):
    make_room(roomId="R-1")
    upload = SimpleUploadedFile("view.jpg", jpeg_bytes(), content_type="image/jpeg")
    room = photos.room_add_photo(room_id="R-1", upload=upload, actor="a@x.test", now=NOW)
    [name] = room.photos
    assert name.startswith("rooms/R-1/") and (media / name).read_bytes() == jpeg_bytes()
    photos.room_remove_photo(room_id="R-1", name=name, actor="a@x.test", now=NOW)
    assert not (media / name).exists() and Room.get("R-1").photos == []


@pytest.mark.parametrize(
    ("name", "content"), [("virus.exe", b"MZ"), ("fake.jpg", b"not an image at all")]
)
def test_non_images_are_refused_and_nothing_is_stored(make_room, media, name, content):
    make_room(roomId="R-1")
    with pytest.raises(ValidationFailed):
        photos.room_add_photo(
            room_id="R-1", upload=SimpleUploadedFile(name, content), actor="a@x.test", now=NOW
        )
    assert list(media.rglob("*.*")) == []
    assert Room.get("R-1").photos == []


def test_deleting_a_room_deletes_its_photos(make_room, media):
    make_room(roomId="R-1")
    upload = SimpleUploadedFile("a.png", b"", content_type="image/png")
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, "PNG")
    upload = SimpleUploadedFile("a.png", buffer.getvalue())
    [name] = photos.room_add_photo(room_id="R-1", upload=upload, actor="a", now=NOW).photos
    services.room_delete(room_id="R-1", actor="a", now=NOW)
    assert not (media / name).exists()


def test_concurrent_editors_second_write_loses(make_room):
    make_room(roomId="R-1", capacity=2)
    first = Room.get("R-1")
    second = Room.get("R-1")
    services.room_update(
        room_id="R-1", data={"capacity": 3}, actor="a", now=NOW, expected_version=first.version
    )
    with pytest.raises(StaleObject):
        services.room_update(
            room_id="R-1", data={"capacity": 4}, actor="b", now=NOW, expected_version=second.version
        )
    assert Room.get("R-1").capacity == 3


def test_version_race_inside_dynamodb_is_refused(make_room, monkeypatch):
    """Even if the version check in code passes, the conditional write catches the race."""
    make_room(roomId="R-1", capacity=2)
    original_get = services._get

    def get_then_someone_else_writes(room_id):
        room = original_get(room_id)
        other = Room.get(room_id)
        other.capacity = 9
        other.save()
        return room

    monkeypatch.setattr(services, "_get", get_then_someone_else_writes)
    with pytest.raises(StaleObject):
        services.room_update(room_id="R-1", data={"capacity": 3}, actor="a", now=NOW)
    assert Room.get("R-1").capacity == 9
    assert [e.action for e in audit_for_object(object_type="rooms.room", object_id="R-1")] == [
        "create"
    ]


def test_update_audits_before_and_after(make_room):
    make_room(roomId="R-1", capacity=2)
    later = NOW + timedelta(minutes=5)
    services.room_set_status(room_id="R-1", status="maintenance", actor="hk@x.test", now=later)
    entry = audit_for_object(object_type="rooms.room", object_id="R-1")[0]
    assert entry.actor == "hk@x.test" and entry.action == "update"
    assert entry.changes == {"status": ["available", "maintenance"]}


def test_no_op_update_writes_nothing(make_room):
    make_room(roomId="R-1", capacity=2)
    room = services.room_update(room_id="R-1", data={"capacity": 2}, actor="a", now=NOW)
    assert room.version == 1
    assert len(audit_for_object(object_type="rooms.room", object_id="R-1")) == 1


def test_update_of_a_missing_room_is_not_found():
    with pytest.raises(NotFound):
        services.room_update(room_id="R-404", data={"capacity": 2}, actor="a", now=NOW)


def test_api_answers_503_with_retry_after_when_dynamodb_is_unreachable(api, monkeypatch):
    monkeypatch.setattr(Room.Meta, "host", "http://127.0.0.1:9")
    monkeypatch.setattr(Room, "_connection", None)
    try:
        response = api.get("/api/rooms")
    finally:
        monkeypatch.undo()
        Room._connection = None
        dynamo.share_connections()  # back on the one client every table shares
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
    assert response["Retry-After"] == "5"
