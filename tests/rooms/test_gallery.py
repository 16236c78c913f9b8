"""A room type's gallery: resized copies made on upload, order, alt text and captions per
language (services and the admin page), removal with every copy, and what guests get."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from hotel.accounts import roles
from hotel.audit.selectors import audit_for_object
from hotel.errors import StaleObject, ValidationFailed
from rooms import gallery
from rooms.models import RoomType
from rooms.room_type_services import room_type_create
from rooms.room_types import room_type_photos
from tests.conftest import NOW

GALLERY = "/admin/rooms/roomtype/Twin/gallery/"


def jpeg(size=(1600, 1000), color=(40, 120, 160), orientation: int | None = None) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, color)
    if orientation:
        exif = Image.Exif()
        exif[0x0112] = orientation
        image.save(out, "JPEG", exif=exif)
    else:
        image.save(out, "JPEG")
    return out.getvalue()


def upload(name="room.jpg", **kw):
    return SimpleUploadedFile(name, jpeg(**kw), content_type="image/jpeg")


@pytest.fixture
def twin():
    return room_type_create(
        data={"roomType": "Twin", "name": "Twin room", "maxAdults": 2, "maxGuests": 2,
              "basePrice": 420000},
        actor="t", now=NOW,
    )  # fmt: skip


def add(code="Twin", **kw):
    words = kw.pop("words", None)
    return gallery.room_type_add_photo(code=code, upload=upload(**kw), words=words, actor="t",
                                       now=NOW)  # fmt: skip


def test_an_upload_is_stored_with_narrower_webp_copies(twin, media):
    room_type = add(size=(1600, 1000))
    [name] = room_type.photos
    facts = room_type.gallery[name]
    assert (facts["w"], facts["h"]) == (1600, 1000)
    assert sorted(facts["v"], key=int) == ["480", "960"]  # none as wide as the original
    for width, stored in facts["v"].items():
        assert stored.endswith(f"-{width}w.webp")
        with Image.open(media / stored) as copy:
            assert copy.format == "WEBP" and copy.size == (int(width), int(width) * 1000 // 1600)
    small = add(size=(600, 400)).gallery
    assert [f["v"] for n, f in small.items() if n != name] == [
        {"480": small[_last(small)]["v"]["480"]}
    ]


def _last(gallery_facts):
    return list(gallery_facts)[-1]


def test_a_phone_photo_turned_by_exif_is_stored_upright(twin, media):
    room_type = add(size=(1200, 800), orientation=6)  # taken sideways: EXIF says turn 90°
    facts = room_type.gallery[room_type.photos[0]]
    assert (facts["w"], facts["h"]) == (800, 1200)
    with Image.open(media / facts["v"]["480"]) as copy:
        assert copy.size == (480, 720)


def test_guests_get_srcset_size_and_words_in_their_language(twin, media):
    words = {"alt": {"en": "The beds", "de": "Die Betten"}, "caption": {"en": "Two singles"}}
    room_type = add(words=words)
    with translation.override("de"):
        [photo] = room_type_photos(room_type)
    assert photo["alt"] == "Die Betten"
    assert photo["caption"] == "Two singles"  # no German caption: the English one
    assert (photo["width"], photo["height"]) == (1600, 1000)
    widths = [part.rsplit(" ", 1)[1] for part in photo["srcset"].split(", ")]
    assert widths == ["480w", "960w", "1600w"]
    assert photo["url"].endswith("-960w.webp") and photo["original"].endswith(".jpg")
    bare = add()  # no words: described by the type's name and its place
    with translation.override("en"):
        assert [p["alt"] for p in room_type_photos(bare)] == ["The beds", "The Twin room, photo 2"]


def test_reorder_and_words_are_one_audited_write_refused_over_a_newer_revision(twin, media):
    first = add().photos[0]
    room_type = add()
    second = room_type.photos[1]
    seen = room_type.revision
    updated = gallery.room_type_gallery_update(
        code="Twin",
        order=[second, first],
        words={second: {"alt": {"en": "A view", "fr": "Une vue"}}},
        expected_revision=seen,
        actor="manager@hotel.test",
        now=NOW,
    )
    assert updated.photos == [second, first]
    assert updated.gallery[second]["alt"] == {"en": "A view", "fr": "Une vue"}
    assert updated.gallery[second]["v"]  # the copies' facts are kept
    stored = RoomType.get("Twin", consistent_read=True)
    assert stored.photos == [second, first] and stored.revision == seen + 1
    [entry] = [
        e
        for e in audit_for_object(object_type="rooms.roomtype", object_id="Twin")
        if e.action == "edit_gallery"
    ]
    assert entry.actor == "manager@hotel.test"

    with pytest.raises(StaleObject):  # the editor had the page open before that write
        gallery.room_type_gallery_update(code="Twin", order=[first, second], words={},
                                         expected_revision=seen, actor="t", now=NOW)  # fmt: skip
    assert RoomType.get("Twin", consistent_read=True).photos == [second, first]


def test_bad_orders_and_long_words_are_refused_naming_the_field(twin, media):
    room_type = add()
    [name] = room_type.photos
    with pytest.raises(ValidationFailed) as refused:
        gallery.room_type_gallery_update(code="Twin", order=[name, name], words={},
                                         expected_revision=None, actor="t", now=NOW)  # fmt: skip
    assert "order" in refused.value.details["fields"]
    with pytest.raises(ValidationFailed) as refused:
        gallery.room_type_gallery_update(
            code="Twin", order=[name], words={name: {"alt": {"de": "x" * 161}}},
            expected_revision=None, actor="t", now=NOW,
        )  # fmt: skip
    assert list(refused.value.details["fields"]) == ["photos[0].alt.de"]
    assert RoomType.get("Twin", consistent_read=True).gallery[name].get("alt") is None


def test_removing_a_photo_deletes_it_and_every_copy(twin, media):
    room_type = add()
    [name] = room_type.photos
    files = [name, *room_type.gallery[name]["v"].values()]
    assert all((media / f).exists() for f in files)
    after = gallery.room_type_remove_photos(code="Twin", names=[name], actor="t", now=NOW)
    assert after.photos == [] and not after.gallery
    assert not any((media / f).exists() for f in files)


def test_a_write_that_fails_leaves_no_file_behind(twin, media, monkeypatch):
    def refused(*args, **kwargs):
        raise StaleObject("changed meanwhile")

    monkeypatch.setattr(gallery, "_write", refused)
    with pytest.raises(StaleObject):
        add()
    assert not list(media.rglob("*.*"))


def test_the_admin_page_reorders_describes_removes_and_uploads(twin, admin_client, media):
    one, two, three = (add(color=c).photos[-1] for c in ((1, 2, 3), (4, 5, 6), (7, 8, 9)))
    page = admin_client.get(GALLERY)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('class="photo-row"') == 3 and 'name="alt_0_de"' in html
    assert "Gallery (3)" in admin_client.get("/admin/rooms/roomtype/Twin/change/").content.decode()

    version = RoomType.get("Twin", consistent_read=True).revision
    response = admin_client.post(
        GALLERY,
        {
            "version": str(version),
            "position_0": "3", "position_1": "1", "position_2": "2",
            "remove_2": "on",
            "alt_0_en": "Beds", "alt_0_de": "Betten", "caption_1_es": "La vista",
            "upload": [upload("a.jpg"), upload("b.png", size=(500, 300))],
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = RoomType.get("Twin", consistent_read=True)
    assert stored.photos[:2] == [two, one] and len(stored.photos) == 4
    assert three not in stored.gallery and not (media / three).exists()
    assert stored.gallery[one]["alt"] == {"en": "Beds", "de": "Betten"}
    assert stored.gallery[two]["caption"] == {"es": "La vista"}
    assert stored.photos[3].endswith(".png")


def test_a_stale_admin_page_is_refused_and_changes_nothing(twin, admin_client, media):
    [name] = add().photos
    seen = RoomType.get("Twin", consistent_read=True).revision
    add()  # someone else adds a photo meanwhile
    response = admin_client.post(
        GALLERY, {"version": str(seen), "position_0": "1", "alt_0_en": "Mine"}
    )
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    assert not RoomType.get("Twin", consistent_read=True).gallery[name].get("alt")


def test_an_upload_that_is_not_an_image_is_refused_by_name(twin, admin_client, media):
    bad = SimpleUploadedFile("notes.jpg", b"not an image", content_type="image/jpeg")
    response = admin_client.post(GALLERY, {"version": "1", "upload": [bad]})
    assert response.status_code == 200
    assert "notes.jpg: The file is not a readable image." in response.content.decode()
    assert RoomType.get("Twin", consistent_read=True).photos == []


def test_front_desk_cannot_open_the_gallery(twin, client_for):
    assert client_for(roles.FRONT_DESK).get(GALLERY).status_code == 403


def test_the_home_page_shows_the_gallery_in_the_guests_language(twin, make_room, client, media):
    make_room(roomId="T-1", roomType="Twin")
    add(words={"alt": {"en": "Two beds", "de": "Zwei Betten"}, "caption": {"de": "Ruhig"}})
    add(words={"alt": {"en": "The sea"}})
    html = client.get("/de/").content.decode()
    assert 'alt="Zwei Betten"' in html and ">Ruhig</figcaption>" in html
    assert 'alt="The sea"' in html  # no German words for it: the English ones
    assert 'srcset="/media/room-types/Twin/' in html and 'width="1600" height="1000"' in html
    assert 'sizes="72px"' in html  # the thumbnails take the smallest copy
    assert 'alt="Two beds"' in client.get("/").content.decode()


def test_a_large_photo_is_resized_from_a_reduced_decode_and_keeps_its_size(twin, media):
    room_type = add(size=(6000, 4000))  # a 24-megapixel camera's JPEG
    facts = room_type.gallery[room_type.photos[0]]
    assert (facts["w"], facts["h"]) == (6000, 4000)
    assert sorted(facts["v"], key=int) == ["480", "960", "1600"]
    with Image.open(media / facts["v"]["1600"]) as copy:
        assert copy.size == (1600, 1067)


def test_the_api_presents_the_gallery_and_the_view(twin, api, media):
    add(words={"alt": {"en": "Beds", "de": "Betten"}, "caption": {"fr": "Calme"}})
    manager = api.as_role(roles.MANAGER)
    changed = manager.patch("/api/room-types/Twin", {"view": "Garden view"}, format="json",
                            HTTP_IF_MATCH=f'"{RoomType.get("Twin").revision}"')  # fmt: skip
    assert changed.status_code == 200, changed.json()
    body = api.get("/api/room-types/Twin").json()
    assert body["view"] == "Garden view"
    [photo] = body["gallery"]
    assert photo["url"].startswith("http://") and photo["url"].endswith(".jpg")
    assert (photo["width"], photo["height"]) == (1600, 1000)
    assert sorted(photo["sizes"]) == ["480", "960"]
    assert photo["sizes"]["480"].startswith("http://") and photo["sizes"]["480"].endswith(".webp")
    assert photo["alt"] == {"en": "Beds", "de": "Betten"} and photo["caption"] == {"fr": "Calme"}
    refused = manager.patch("/api/room-types/Twin", {"view": "x" * 81}, format="json")
    assert refused.status_code == 400 and "view" in refused.json()["error"]["details"]["fields"]


def test_a_card_names_the_view_in_the_pages_language(twin, make_room, client, media):
    from rooms.room_type_services import room_type_update

    make_room(roomId="T-1", roomType="Twin")
    room_type_update(
        code="Twin",
        data={"view": "Sea view", "translations": {"de": {"view": "Meerblick"}}},
        expected_revision=RoomType.get("Twin", consistent_read=True).revision,
        actor="t",
        now=NOW,
    )
    assert "Meerblick · " in client.get("/de/").content.decode()
    assert "Sea view · " in client.get("/").content.decode()


def cut_jpeg() -> bytes:
    """A JPEG cut off after its headers: Pillow's verify() passes it, decoding fails."""
    data = jpeg(size=(1200, 800), color=(10, 200, 90))
    return data[: len(data) // 3]


def test_a_jpeg_that_does_not_decode_is_refused_and_leaves_nothing(twin, media):
    bad = SimpleUploadedFile("cut.jpg", cut_jpeg(), content_type="image/jpeg")
    with pytest.raises(ValidationFailed) as refused:
        gallery.room_type_add_photo(code="Twin", upload=bad, actor="t", now=NOW)
    assert refused.value.details["fields"] == {"photo": ["The file is not a readable image."]}
    assert not list(media.rglob("*.*")) and RoomType.get("Twin").photos == []


def test_a_png_of_too_many_pixels_is_refused_before_decoding(twin, media):
    out = io.BytesIO()
    Image.new("L", (7000, 6000)).save(out, "PNG")  # 42 Mpx in a few KB
    big = SimpleUploadedFile("plan.png", out.getvalue(), content_type="image/png")
    with pytest.raises(ValidationFailed) as refused:
        gallery.room_type_add_photo(code="Twin", upload=big, actor="t", now=NOW)
    assert refused.value.details["fields"]["photo"] == [
        "The image has too many pixels for a room photo."
    ]


def test_files_stay_when_the_write_went_through_and_a_later_step_failed(twin, media, monkeypatch):
    import rooms.room_type_services as services

    def broken():
        raise RuntimeError("the cache stamp could not be written")

    monkeypatch.setattr(services, "room_types_forget", broken)
    with pytest.raises(RuntimeError):
        add()
    [name] = RoomType.get("Twin", consistent_read=True).photos
    assert (media / name).exists()  # the stored type names it: guests must be able to load it


def test_moving_one_photo_to_a_taken_position_puts_it_there(twin, admin_client, media):
    one, two, three = (add(color=c).photos[-1] for c in ((1, 2, 3), (4, 5, 6), (7, 8, 9)))
    version = RoomType.get("Twin", consistent_read=True).revision
    response = admin_client.post(
        GALLERY, {"version": str(version), "position_0": "1", "position_1": "2", "position_2": "1"}
    )
    assert response.status_code == 302
    assert RoomType.get("Twin", consistent_read=True).photos == [three, one, two]


def test_too_many_photos_are_refused_before_anything_is_written(
    twin, admin_client, media, monkeypatch
):
    monkeypatch.setattr(gallery, "MAX_PHOTOS", 2)
    [name] = add().photos
    response = admin_client.post(
        GALLERY,
        {"version": str(RoomType.get("Twin").revision), "position_0": "1",
         "upload": [upload("a.jpg"), upload("b.jpg")]},
    )  # fmt: skip
    assert response.status_code == 200 and "At most 2 photos" in response.content.decode()
    assert RoomType.get("Twin", consistent_read=True).photos == [name]


def test_a_refusal_after_some_writes_says_what_was_saved(twin, admin_client, media):
    first, second = add().photos[-1], add().photos[-1]
    bad = SimpleUploadedFile("cut.jpg", cut_jpeg(), content_type="image/jpeg")
    response = admin_client.post(
        GALLERY,
        {"version": str(RoomType.get("Twin").revision), "position_0": "1", "position_1": "2",
         "remove_0": "on", "upload": [bad]},
        follow=True,
    )  # fmt: skip
    page = response.content.decode()
    assert "1 photo(s) kept in order, 1 removed; then refused: " in page
    assert "The file is not a readable image." in page
    assert RoomType.get("Twin", consistent_read=True).photos == [second]
    assert not (media / first).exists()
