"""The guest site in four languages: each under its own URL, chosen from the browser or the
switcher and remembered, money and days written the language's way, and the guest's language
kept on the booking. The back office and the API stay English."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.utils import timezone, translation

from bookings.models import Booking
from bookings.reservations.models import Reservation
from hotel.languages import guest_language
from hotel.templatetags.money import format_money

from .pages import guest_form, html, stay

BOOK = "/book/Standard/"

LANGUAGES = ("de", "fr", "es")


@pytest.fixture
def standard(make_room):
    return make_room(roomId="R-1", roomType="Standard", capacity=2, pricePerNight=450000)


def translated(text: str, language: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_prefixed_page_is_in_its_language(client, standard, language):
    page = html(client.get(f"/{language}/"))
    assert f'<html lang="{language}">' in page
    words = translated("Find your room", language)
    assert words != "Find your room"  # the catalog has it
    assert words in page and "Find your room" not in page
    # Links stay in the language: the search form and the menu point under the prefix.
    assert f'href="/{language}/booking/find"' in page
    assert f'action="/{language}/search"' in page


def test_english_keeps_its_paths_and_every_page_names_its_translations(client, standard):
    response = client.get("/search", {**stay(), "guests": 2})
    page = html(response)
    assert response.status_code == 200 and '<html lang="en">' in page
    alternates = dict(re.findall(r'<link rel="alternate" hreflang="(\w+)" href="([^"]+)"', page))
    assert set(alternates) == {"en", "de", "fr", "es"}
    assert alternates["de"].startswith("http://testserver/de/search?")
    assert alternates["en"].startswith("http://testserver/search?")
    assert "check_in=" in alternates["fr"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [("de-DE,de;q=0.9,en;q=0.8", "/de/"), ("fr-CA", "/fr/"), ("es;q=0.9, en;q=0.5", "/es/")],
)
def test_a_browser_that_prefers_another_language_is_sent_to_it(client, standard, header, expected):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=header)
    assert response.status_code == 302 and response["Location"] == expected
    assert "private" in response["Cache-Control"]
    assert {"accept-language", "cookie"} <= {v.strip().lower() for v in response["Vary"].split(",")}


def test_english_or_an_unknown_language_stays_put(client, standard):
    for header in ("en-GB,en;q=0.9", "ja-JP", ""):
        response = client.get("/", HTTP_ACCEPT_LANGUAGE=header)
        assert response.status_code == 200, header


def test_the_switcher_remembers_the_choice_and_keeps_the_page(client, standard):
    query = "check_in=2030-01-02&check_out=2030-01-04&guests=2"
    page = html(client.get(f"/search?{query}"))
    switch = re.search(r'<a href="([^"]+)" hreflang="es"', page).group(1).replace("&amp;", "&")
    response = client.get(switch)
    assert response.status_code == 302
    assert response["Location"] == f"/es/search?{query}"
    assert response.cookies["django_language"].value == "es"
    # Remembered: an English address now opens the Spanish page, whatever the browser says.
    again = client.get("/booking/find", HTTP_ACCEPT_LANGUAGE="de")
    assert again.status_code == 302 and again["Location"] == "/es/booking/find"
    # Back to English: the cookie says so, and the English pages stay English.
    back = client.get("/language?lang=en&next=/es/booking/find")
    assert back["Location"] == "/booking/find"
    assert client.get("/booking/find", HTTP_ACCEPT_LANGUAGE="de").status_code == 200


def test_the_switcher_refuses_what_it_does_not_know(client):
    assert client.get("/language?lang=xx&next=/").status_code == 400
    assert (
        client.get("/language", {"lang": "de", "next": "https://evil.test/"})["Location"] == "/de/"
    )
    assert client.post("/language?lang=de").status_code == 405


def test_the_back_office_and_the_api_stay_english(client, standard):
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200 and '<html lang="en"' in html(response)
    api = client.get("/api/rooms/NOPE", HTTP_ACCEPT_LANGUAGE="de")
    assert api.status_code in (401, 404)
    assert api["Content-Type"].startswith("application/json")
    assert client.get("/api/rooms", HTTP_ACCEPT_LANGUAGE="fr").status_code != 302


def test_an_unknown_page_gets_the_error_page_in_its_language(client):
    response = client.get("/de/no-such-page")
    assert response.status_code == 404
    page = html(response)
    assert '<html lang="de">' in page
    assert translated("Page not found", "de") in page or "Seite" in page


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "₹5,040.00"),
        ("de", "5.040,00\u00a0₹"),
        ("fr", "5\u00a0040,00\u00a0₹"),
        ("es", "5\u00a0040,00\u00a0₹"),
    ],
)
def test_money_is_written_the_languages_way(language, expected):
    with translation.override(language):
        assert format_money(504000, "INR") == expected
        assert format_money(-1250, "EUR").startswith("-")
        assert not re.search(r"\d[.,]\d\d(\D|$)", format_money(1500, "JPY"))  # no cents


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Fri 27 Nov 2026"),
        ("de", "Fr., 27. November 2026"),
        ("fr", "ven 27 novembre 2026"),
        ("es", "vie 27 de noviembre de 2026"),
    ],
)
def test_days_are_written_the_languages_way(language, expected):
    from hotel.templatetags.dates import format_day

    with translation.override(language):
        assert format_day(date(2026, 11, 27)) == expected


def test_a_booking_made_on_a_german_page_keeps_german(client, standard):
    response = client.post("/de" + BOOK, guest_form())
    assert response.status_code == 302
    match = re.fullmatch(r"/de/booking/(BK-\d{8}-[A-Z0-9]{8}):[\w-]+/pay", response["Location"])
    assert match, response["Location"]
    assert Booking.get(match.group(1)).language == "de"
    english = client.post(BOOK, guest_form(guest_email="en@guest.test", **stay(offset=60)))
    booking_id = re.search(r"(BK-\d{8}-[A-Z0-9]{8})", english["Location"]).group(1)
    assert Booking.get(booking_id).language is None  # the default needs no storage


def test_the_api_takes_the_guests_language_and_refuses_one_it_does_not_speak(api, standard):
    dates = stay()
    body = {
        "roomType": "Standard",
        "checkIn": dates["check_in"],
        "checkOut": dates["check_out"],
        "adults": 2,
        "guestName": "Jean Guest",
        "guestEmail": "jean@guest.test",
        "language": "fr",
    }
    created = api.post("/api/bookings", body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["language"] == "fr"
    assert Booking.get(created.json()["bookingId"]).language == "fr"
    refused = api.post(
        "/api/bookings", {**body, "language": "tlh", "adults": 0}, format="json"
    ).json()
    assert set(refused["error"]["details"]["fields"]) >= {"language", "adults"}
    plain = api.post("/api/bookings", {**body, "language": None}, format="json")
    assert plain.status_code == 400  # null is not a language
    default = {k: v for k, v in body.items() if k != "language"}
    later = stay(offset=60)
    default.update(checkIn=later["check_in"], checkOut=later["check_out"])
    made = api.post("/api/bookings", {**default, "guestEmail": "x@guest.test"}, format="json")
    assert made.json()["language"] == "en"


def test_a_reservation_keeps_the_bookers_language(api, standard, make_room):
    make_room(roomId="R-2", roomType="Standard", capacity=2, pricePerNight=450000)
    dates = stay()
    stay_body = {"roomType": "Standard", "checkIn": dates["check_in"],
                 "checkOut": dates["check_out"], "adults": 1}  # fmt: skip
    created = api.post(
        "/api/reservations",
        {"booker": {"name": "Ana", "email": "ana@guest.test"}, "stays": [stay_body] * 2,
         "language": "es"},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["language"] == "es" and [s["language"] for s in body["stays"]] == ["es", "es"]
    assert Reservation.get(body["reservationId"]).language == "es"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("de", "de"), ("de-AT", "de"), ("FR_ca", "fr"), ("en", None), ("ja", None), (None, None)],
)
def test_guest_language_keeps_only_a_language_worth_storing(value, expected):
    assert guest_language(value) == expected


def test_the_manage_page_states_the_terms_as_dates_in_the_guests_language(client, standard):
    from datetime import timedelta

    from bookings.links import manage_path
    from bookings.services import booking_create
    from hotel.templatetags.dates import format_day

    dates = stay()
    check_in = date.fromisoformat(dates["check_in"])
    created = booking_create(
        room_type="Standard",
        check_in=check_in,
        check_out=date.fromisoformat(dates["check_out"]),
        guests=2,
        guest_name="Lena Gast",
        guest_email="lena@guest.test",
        source="web",
        actor="guest",
        now=timezone.now(),
        language="de",
    )
    page = html(client.get("/de" + manage_path(booking_id=created.booking.bookingId)))
    terms = re.search(r'<ul data-testid="terms">(.*?)</ul>', page, re.S).group(1)
    with translation.override("de"):
        deadline = format_day(check_in - timedelta(days=7))
        free = translation.gettext("Free cancellation until %(when)s.").split("%(when)s")[0]
    assert free.strip() and free.strip() != "Free cancellation until"
    assert free in terms and deadline.split(",")[-1].strip() in terms
    assert "23:59" in terms and "10.080,00" in terms  # the stay, written the German way


def test_a_german_page_does_not_leave_german_behind_in_the_thread(client, standard):
    from django.urls import reverse

    assert client.get("/de/").status_code == 200
    assert translation.get_language() == "en" and reverse("home") == "/"


def test_the_split_functions_api_is_english_whatever_the_browser_says(client, settings):
    settings.ROOT_URLCONF = "hotel.urls_payments"  # the payments function's conf: no pages
    response = client.get("/api/payments", HTTP_ACCEPT_LANGUAGE="de")
    assert response["Content-Language"] == "en"
    settings.ROOT_URLCONF = "hotel.urls"
    assert client.get("/api/payments", HTTP_ACCEPT_LANGUAGE="de")["Content-Language"] == "en"


def test_what_a_booking_stores_stays_in_the_default_language(client, standard):
    response = client.post("/de" + BOOK, guest_form())
    booking_id = re.search(r"(BK-\d{8}-[A-Z0-9]{8})", response["Location"]).group(1)
    (room,) = [line for line in Booking.get(booking_id).terms["lines"] if line["kind"] == "room"]
    assert room["label"].endswith("2 nights")  # the back office and the API read it


def test_a_page_nobody_answers_names_no_translations(client):
    page = html(client.get("//evil.test/x"))
    assert "evil.test" not in page and 'rel="alternate"' not in page
    assert 'href="/language?lang=de&amp;next=/"' in page


def test_the_booking_rules_speak_the_pages_language_and_the_api_stays_english(
    client, api, standard
):
    past = {"check_in": "2020-01-01", "check_out": "2020-01-03", "guests": 2}
    german = translated("Check-in cannot be in the past.", "de")
    assert german in html(client.get("/de/search", past))
    refused = api.post(
        "/api/bookings",
        {"roomType": "Standard", "checkIn": stay()["check_in"], "checkOut": stay()["check_in"],
         "adults": 2, "guestName": "X", "guestEmail": "x@guest.test"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="de",
    )  # fmt: skip
    assert refused.status_code == 400
    assert "Check-out must be after check-in." in str(refused.json())


def test_a_services_refusal_speaks_the_pages_language_and_the_api_stays_english(
    client, api, standard
):
    """The change page renders a refused change by its code (hotel.site.refusals), not the
    service's English ("No Standard is left…"), which the API keeps."""
    from bookings.links import manage_path

    held, taken = stay(30), stay(40)
    for dates, email in ((taken, "bo@guest.test"), (held, "ada@guest.test")):
        created = api.post(
            "/api/bookings",
            {"roomType": "Standard", "checkIn": dates["check_in"],
             "checkOut": dates["check_out"], "adults": 2, "guestName": "Ada Gast",
             "guestEmail": email},
            format="json",
        )  # fmt: skip
        assert created.status_code == 201, created.json()
    booking = created.json()
    path = "/de" + manage_path(booking_id=booking["bookingId"])
    response = client.post(f"{path}change", taken)  # the one Standard is taken then
    page = html(response)
    words = translated(
        "No room of this type is left for every night of these dates. Please choose other dates.",
        "de",
    )
    assert response.status_code == 200 and words.replace("'", "&#x27;") in page
    refused = api.post(
        f"/api/bookings/{booking['bookingId']}/change",
        {"checkIn": taken["check_in"], "checkOut": taken["check_out"]},
        format="json",
        HTTP_X_BOOKING_TOKEN=booking["guestToken"],
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert refused.status_code == 409
    english = refused.json()["error"]["message"]
    assert english.startswith("No Standard is left") and english not in page
    assert Booking.get(booking["bookingId"]).checkIn == held["check_in"]


def _vary(response) -> set[str]:
    return {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}


def test_an_english_page_a_guest_would_have_been_sent_from_varies_on_the_language_and_is_shared(
    client, standard
):
    """A shared cache (other than CloudFront, which keys on the cookie) must not hand the
    English page to a guest whose cookie or browser asks for German: it varies on both, and
    is still cached. Prefixed pages are the same for everyone: shared, no Vary: Cookie."""
    for path in ("/", "/search?" + "&".join(f"{k}={v}" for k, v in stay().items())):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == "public, max-age=60", path
        assert {"accept-language", "cookie"} <= _vary(response), path
    german = client.get("/de/")
    assert german["Cache-Control"] == "public, max-age=60" and "cookie" not in _vary(german)
    robots = client.get("/robots.txt")  # not a page the guest is sent from: as it was
    assert robots.status_code == 200 and "cookie" not in _vary(robots)


def test_whether_a_path_is_a_guest_page_is_worked_out_once_per_url_pattern(client, standard):
    """The answer is kept per pattern (hotel.site.language._is_guest_page): asked again, the
    home page still varies on the language and cookie; the API's pattern is no guest page."""
    from hotel.site import language

    language._guest_patterns.clear()
    for _ in range(2):
        assert {"accept-language", "cookie"} <= _vary(client.get("/"))
        assert client.get("/api/room-types").status_code == 200
    assert {view: guest for (_, view, _), guest in language._guest_patterns.items()} == {
        "home": True,
        "room-type-list": False,
    }
