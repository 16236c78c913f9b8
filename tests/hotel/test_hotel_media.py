"""The hotel page's photos and map image: uploaded by a manager with resized copies, ordered
and described per language in one versioned write, shown on the home page; a refused write
leaves no file behind."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from hotel.accounts import roles
from hotel.errors import NotFound, StaleObject
from hotel.profile import profile_item
from hotel.profile_media import profile_media_save
from tests.hotel.test_hotel_profile import NOW, saved

MEDIA_PAGE = "/admin/hotel-page/photos/"


def upload(name="terrace.jpg", size=(1600, 900)):
    out = io.BytesIO()
    Image.new("RGB", size, (200, 160, 90)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def media_save(item, **kw):
    args = {"version": item.version, "order": list(item.photos or []), "words": {},
            "uploads": [], "actor": "mgr", "now": NOW}  # fmt: skip
    return profile_media_save(**{**args, **kw})


def test_photos_and_a_map_reach_the_home_page_in_the_guests_language(client, media):
    item = media_save(
        saved(),
        uploads=[upload("terrace.jpg"), upload("lobby.jpg")],
        map_upload=upload("map.png", size=(1200, 800)),
        map_words={"alt": {"en": "The harbour, the hotel marked", "de": "Der Hafen"}},
    )
    terrace, lobby = item.photos
    assert item.gallery[terrace]["v"] and item.mapImage["alt"]["de"] == "Der Hafen"
    item = media_save(item, order=[lobby, terrace],
                      words={lobby: {"alt": {"en": "The lobby", "de": "Die Lobby"},
                                     "caption": {"de": "Rund um die Uhr offen"}}})  # fmt: skip
    assert item.photos == [lobby, terrace]
    html = client.get("/de/").content.decode()
    assert 'data-testid="hotel-photos"' in html
    assert 'alt="Die Lobby"' in html and "Rund um die Uhr offen</figcaption>" in html
    assert 'alt="Der Hafen"' in html and 'data-testid="hotel-map"' in html
    assert html.index('alt="Die Lobby"') < html.index('alt="Casa del Puerto, Foto 2"')  # order
    english = client.get("/").content.decode()
    assert (
        'alt="The harbour, the hotel marked"' in english
        and "<script src=" not in english.split('id="hotel"')[1].split("</section>")[0]
    )  # no map script


def test_removed_photos_and_a_replaced_map_leave_storage(media):
    item = media_save(saved(), uploads=[upload()], map_upload=upload("map.png"))
    [photo] = item.photos
    old_map = item.mapImage
    files = [photo, *item.gallery[photo]["v"].values(), old_map["name"]]
    item = media_save(item, order=[], map_upload=upload("map2.png"))
    assert item.photos == [] and item.mapImage["name"] != old_map["name"]
    assert not any((media / f).exists() for f in files)
    item = media_save(item, remove_map=True)
    assert item.mapImage is None


def test_a_save_over_a_newer_version_changes_nothing_and_keeps_no_upload(media):
    item = saved()
    media_save(item, uploads=[upload()])  # someone else saved first
    before = {p for p in media.rglob("*") if p.is_file()}
    with pytest.raises(StaleObject):
        media_save(item, uploads=[upload("mine.jpg")])
    assert {p for p in media.rglob("*") if p.is_file()} == before
    assert len(profile_item(cached=False).photos) == 1


def test_photos_need_a_saved_hotel_page(media, admin_client):
    with pytest.raises(NotFound):
        profile_media_save(version=None, order=[], words={}, uploads=[], actor="m", now=NOW)
    response = admin_client.get(MEDIA_PAGE)
    assert response.status_code == 302 and response["Location"] == "/admin/hotel-page/"


def test_a_manager_uploads_orders_and_describes_in_the_back_office(admin_client, media):
    item = saved()
    assert "Photos and map (0)" in admin_client.get("/admin/hotel-page/").content.decode()
    response = admin_client.post(
        MEDIA_PAGE,
        {"version": str(item.version), "upload": [upload("a.jpg"), upload("b.jpg")],
         "map_upload": upload("map.jpg"), "map_alt_en": "Our street"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    item = profile_item(cached=False)
    first, second = item.photos
    response = admin_client.post(
        MEDIA_PAGE,
        {"version": str(item.version), "position_0": "2", "position_1": "1",
         "alt_1_es": "La terraza", "map_alt_en": "Our street"},
    )  # fmt: skip
    assert response.status_code == 302
    item = profile_item(cached=False)
    assert item.photos == [second, first]
    assert item.gallery[second]["alt"] == {"es": "La terraza"}
    assert item.mapImage["alt"] == {"en": "Our street"}
    stale = admin_client.post(MEDIA_PAGE, {"version": "1", "map_alt_en": "Old page"})
    assert stale.status_code == 409 and "changed by someone else" in stale.content.decode()


def test_only_managers_open_the_photos_page(client_for):
    saved()
    assert client_for(roles.FRONT_DESK).get(MEDIA_PAGE).status_code == 403
