"""Galleries in chromium: a room type's photos on the results page (a phone loads the small
copy, a thumbnail shows its photo, alt text and caption in the large frame), and the hotel's
own photos and map on the home page, in German. Screenshots land in
artifacts/screenshots/<test>/ (docs/img/gallery-*.jpg were taken from them)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hotel.demo_profile import seed_demo_profile
from tests.browser.conftest import DESKTOP, _new_page, page_width
from tests.browser.test_guest_flow import hotel_rooms, serve_media, stay  # noqa: F401

PHONE_360 = {"width": 360, "height": 780}


def deluxe_card(page):
    return page.locator(".result").filter(has=page.get_by_role("heading", name="Deluxe"))


@pytest.mark.usefixtures("hotel_rooms")
@pytest.mark.parametrize("viewport", [PHONE_360, DESKTOP], ids=["phone", "desktop"])
def test_a_thumbnail_shows_its_photo_words_and_caption(browser, live_app, screenshot, viewport):
    context, page = _new_page(browser, live_app, viewport)
    serve_media(page)
    check_in, check_out = stay()
    page.goto(f"/search?check_in={check_in}&check_out={check_out}&guests=2")
    card = deluxe_card(page)
    main = card.locator("img.gallery__main")
    main.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=main.element_handle())
    # The demo photos are 800 px wide: a 360 px phone and an 18rem desktop column both take
    # the 480 px WebP copy, not the original JPEG.
    assert main.evaluate("img => img.currentSrc").endswith("-480w.webp")
    assert main.get_attribute("alt") == "A large bed and a reading chair by the window"
    caption = card.locator(".gallery__caption")
    assert caption.is_hidden()  # the first photo has no caption

    thumbs = card.locator(".thumbs a")
    assert thumbs.count() == 3
    thumbs.nth(1).click()
    assert main.get_attribute("alt") == "The sea and the hills beyond the balcony rail"
    assert caption.is_visible() and caption.inner_text() == "The view from the window"
    assert thumbs.nth(1).get_attribute("aria-current") == "true"
    assert thumbs.nth(0).get_attribute("aria-current") is None
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=main.element_handle())
    assert "-480w.webp" in main.evaluate("img => img.currentSrc")
    assert page_width(page) <= viewport["width"]
    assert page.js_errors == []
    card.screenshot(path=str(screenshot(page, "01-results").with_name("02-gallery.png")))
    context.close()


@pytest.mark.usefixtures("hotel_rooms")
def test_the_hotels_photos_and_map_in_german_on_a_phone(browser, live_app, screenshot):
    seed_demo_profile(now=datetime.now(UTC), log=lambda _msg: None)
    context, page = _new_page(browser, live_app, PHONE_360)
    serve_media(page)
    page.goto("/de/")
    photos = page.get_by_test_id("hotel-photos")
    photos.scroll_into_view_if_needed()
    main = photos.locator("img.gallery__main")
    assert main.get_attribute("alt").startswith("Das Hotel, ein cremefarbenes")
    assert photos.locator(".gallery__caption").inner_text() == "An der alten Hafenfront"
    photos.locator(".thumbs a").nth(1).click()
    assert photos.locator(".gallery__caption").inner_text() == "Frühstück auf der Dachterrasse"
    hotel_map = page.get_by_test_id("hotel-map")
    hotel_map.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=hotel_map.element_handle()
    )
    assert hotel_map.get_attribute("alt").startswith("Karte: das Hotel an der Harbour Road")
    assert hotel_map.evaluate("img => img.currentSrc").endswith("-480w.webp")
    scripts = page.evaluate("[...document.scripts].map(s => s.src).filter(Boolean)")
    assert all(src.startswith(live_app) for src in scripts)  # no third-party map script
    assert page_width(page) <= PHONE_360["width"]
    page.get_by_test_id("hotel-page").screenshot(
        path=str(screenshot(page, "01-home").with_name("02-hotel-page.png"))
    )
    context.close()


@pytest.mark.usefixtures("hotel_rooms")
def test_a_manager_reorders_and_describes_a_gallery_in_the_admin(page, make_staff, screenshot):
    from hotel.accounts import roles
    from rooms.models import RoomType
    from tests.browser.test_backoffice import sign_in

    serve_media(page)
    sign_in(page, make_staff(roles.MANAGER))
    page.goto("/admin/rooms/roomtype/Deluxe/change/")
    page.get_by_role("link", name="Gallery (3)").click()
    page.wait_for_url("**/gallery/")
    page.locator("#photo-3").wait_for()  # the new page parsed, not only its navigation begun
    assert page.locator(".photo-row").count() == 3
    screenshot(page, "01-gallery-editor")
    page.fill("#id_position_2", "1")  # the bathroom first
    page.fill("#id_position_0", "3")
    page.locator("#photo-3 summary").click()  # rows are numbered from 1
    page.fill("#id_caption_2_de", "Das Bad mit Wanne")
    page.click("input[type=submit][value=Save]")
    page.wait_for_url("**/gallery/")
    assert "saved" in page.locator(".messagelist").inner_text()
    stored = RoomType.get("Deluxe", consistent_read=True)
    assert stored.gallery[stored.photos[0]]["caption"]["de"] == "Das Bad mit Wanne"
    assert page.input_value("#id_caption_0_de") == "Das Bad mit Wanne"  # shown first now
    screenshot(page, "02-saved")
    assert page.js_errors == []
