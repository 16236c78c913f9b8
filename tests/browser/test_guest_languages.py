"""The guest journey in another language, in chromium: German on a 360 px phone from the
home page (the hotel's page in German) to the German confirmation, paid through Stripe.js;
Spanish on a desktop from a browser that prefers Spanish, through a refused form. Every step
checks the page's language, that no English sentence of the flow shows, and (phone) that
nothing scrolls sideways. Screenshots land in artifacts/screenshots/<test>/.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.utils import translation

from hotel.profile import profile_save

from .conftest import DESKTOP, _new_page, page_width
from .test_guest_flow import VISA, enter_card, hotel_rooms, serve_media, stay  # noqa: F401

PHONE_360 = {"width": 360, "height": 780}


def words(language: str, text: str) -> str:
    with translation.override(language):
        translated = translation.gettext(text)
    assert translated != text, f"{text!r} has no {language} translation"
    return translated


def the_hotel_page() -> None:
    profile_save(
        data={
            "name": "Harbour View Hotel",
            "address": "1 Harbour Road, Fort Kochi",
            "phone": "+91 484 000 000",
            "email": "stay@harbour.test",
            "checkInFrom": "14:00",
            "checkOutUntil": "11:00",
            "description": "Twelve rooms on the old harbour front.",
            "houseRules": "No smoking indoors.",
            "directions": "30 minutes by taxi from the airport.",
            "facilities": "Rooftop terrace\nAirport pick-up",
            "translations": {
                "de": {
                    "description": "Zwölf Zimmer an der alten Hafenfront.",
                    "houseRules": "Rauchen ist im Haus nicht gestattet.",
                    "directions": "30 Minuten mit dem Taxi vom Flughafen.",
                    "facilities": "Dachterrasse\nFlughafentransfer",
                },
                "es": {"description": "Doce habitaciones frente al viejo puerto."},
            },
        },
        version=None,
        actor="test",
        now=datetime.now(UTC),
    )


@pytest.mark.usefixtures("hotel_rooms", "localstripe_webhooks")
def test_the_journey_in_german_on_a_360px_phone(browser, live_app, screenshot):
    the_hotel_page()
    context, page = _new_page(browser, live_app, PHONE_360)
    serve_media(page)
    check_in, check_out = stay()

    page.goto("/de/")
    page.locator(".room-card img").first.wait_for()
    assert page.evaluate("document.documentElement.lang") == "de"
    hotel = page.get_by_test_id("hotel-page")
    assert "Zwölf Zimmer an der alten Hafenfront." in hotel.inner_text()
    assert "Dachterrasse" in hotel.inner_text() and "Rooftop terrace" not in hotel.inner_text()
    screenshot(page, "01-home")
    hotel.scroll_into_view_if_needed()
    screenshot(page, "02-hotel-page")
    assert page_width(page) <= PHONE_360["width"]

    page.fill("#id_check_in", check_in)
    page.fill("#id_check_out", check_out)
    page.fill("#id_adults", "2")
    page.get_by_role("button", name=words("de", "Check availability")).click()
    page.wait_for_url(re.compile(r"/de/search\?"))
    screenshot(page, "03-results")
    assert page_width(page) <= PHONE_360["width"]
    card = page.locator(".result").filter(has=page.get_by_role("heading", name="Standard"))
    assert "10.080,00" in card.inner_text()  # German money
    card.get_by_role("link", name=words("de", "Book"), exact=True).click()
    page.wait_for_url(re.compile(r"/de/book/Standard/\?"))
    terms = page.get_by_test_id("terms").inner_text()
    assert "23:59" in terms and "Free cancellation" not in terms
    page.fill("#id_guest_name", "Lena Gast")
    page.fill("#id_guest_email", "lena@guest.test")
    screenshot(page, "04-details")
    assert page_width(page) <= PHONE_360["width"]
    page.get_by_role("button", name=words("de", "Hold this room and continue to payment")).click()
    page.wait_for_url(re.compile(r"/de/booking/.+/pay$"))
    page.locator("#card-element input").first.wait_for()
    screenshot(page, "05-pay")
    assert page_width(page) <= PHONE_360["width"]

    enter_card(page, VISA)
    page.locator("#pay-button").click()
    page.wait_for_url(re.compile(r"/de/booking/.+/confirmation$"))
    page.get_by_role("heading", name=words("de", "Your booking is confirmed")).wait_for()
    assert page.evaluate("document.documentElement.lang") == "de"
    main = page.inner_text("main")
    assert "10.080,00" in main and "Your booking" not in main
    screenshot(page, "06-confirmation")
    assert page_width(page) <= PHONE_360["width"]
    assert page.js_errors == []
    context.close()


@pytest.mark.usefixtures("hotel_rooms")
def test_the_journey_in_spanish_on_a_desktop_from_the_browsers_language(
    browser, live_app, screenshot
):
    the_hotel_page()
    context, page = _new_page(browser, live_app, DESKTOP)
    context.set_extra_http_headers({"Accept-Language": "es-ES,es;q=0.9"})
    serve_media(page)
    check_in, check_out = stay()

    page.goto("/")
    page.wait_for_url(re.compile(r"/es/$"))  # the browser's language, on the first visit
    page.locator(".room-card img").first.wait_for()
    assert page.evaluate("document.documentElement.lang") == "es"
    assert "Doce habitaciones" in page.get_by_test_id("hotel-page").inner_text()
    screenshot(page, "01-home")

    page.fill("#id_check_in", check_in)
    page.fill("#id_check_out", check_out)
    page.fill("#id_adults", "2")
    page.get_by_role("button", name=words("es", "Check availability")).click()
    page.wait_for_url(re.compile(r"/es/search\?"))
    screenshot(page, "02-results")
    card = page.locator(".result").filter(has=page.get_by_role("heading", name="Deluxe"))
    card.get_by_role("link", name=words("es", "Book"), exact=True).click()
    page.wait_for_url(re.compile(r"/es/book/Deluxe/\?"))
    page.fill("#id_guest_email", "not-an-email")
    page.get_by_role("button", name=words("es", "Hold this room and continue to payment")).click()
    page.locator("#form-errors").wait_for()
    page.wait_for_load_state("load")
    focused = page.evaluate("document.activeElement && document.activeElement.id")
    assert focused == "form-errors", focused  # the focus moved to what went wrong
    text = page.inner_text("main")
    assert "This field is required." not in text and "Enter a valid email" not in text
    screenshot(page, "03-refused")

    # The switcher: English, and the choice is remembered.
    page.get_by_test_id("language-switch").get_by_role("link", name="English").click()
    page.wait_for_url(re.compile(r"/book/Deluxe/\?"))
    assert page.evaluate("document.documentElement.lang") == "en"
    page.goto("/")
    assert page.evaluate("document.documentElement.lang") == "en"  # not sent back to Spanish
    assert page.js_errors == []
    context.close()
