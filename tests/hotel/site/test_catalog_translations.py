"""Rate plans' names and extras' names and descriptions per guest language: entered in the
admin, shown on the guest pages of that language (search, booking, pay, manage) and the
English where a language has none. What a booking stored stays in English (its plan's name
in `terms`, its extras' names: the bill's words); the pages name them in their language."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from bookings.extras.models import Extra
from bookings.links import manage_path
from bookings.models import Booking, RatePlan
from hotel.accounts import roles
from tests.hotel.backoffice.test_extras_admin import extra_form
from tests.hotel.backoffice.test_rate_plans_admin import plan_form

from .pages import guest_form, html, room, stay  # noqa: F401  (the room fixture)

pytestmark = pytest.mark.usefixtures("room")  # a Standard to search and book

PLANS = "/admin/bookings/rateplan/"
EXTRAS = "/admin/bookings/extra/"
PLAN_DE = "Nicht erstattbar, dafür günstig"
PLAN_EN = "Non-refundable"
EXTRA_DE = "Frühstück vom Büfett"
EXTRA_WORDS_DE = "Jeden Morgen frisch gebacken."
EXTRA_EN = "Buffet breakfast"
EXTRA_WORDS_EN = "Freshly baked every morning."


@pytest.fixture
def nonref(admin_client):
    """NONREF, sold for every type, named in German by a manager in the admin."""
    response = admin_client.post(
        PLANS + "add/",
        plan_form(name=PLAN_EN, roomTypes=[], name_de=PLAN_DE, name_fr=""),
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    return RatePlan.get("NONREF")


@pytest.fixture
def breakfast(admin_client):
    """An extra bookable online, named and described in German by a manager in the admin."""
    response = admin_client.post(
        EXTRAS + "add/",
        extra_form(
            code="breakfast",
            name=EXTRA_EN,
            description=EXTRA_WORDS_EN,
            price="450.00",
            unit="per_person_per_night",
            dailyStock="",
            name_de=EXTRA_DE,
            description_de=EXTRA_WORDS_DE,
        ),
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    return Extra.get("BREAKFAST")


def offer_names(page: str) -> list[str]:
    return re.findall(r'<h3 class="offer__name"[^>]*>([^<]+)</h3>', page)


def test_a_plans_german_name_is_stored_from_the_admin_and_shown_on_its_form(admin_client, nonref):
    assert nonref.translations == {"de": {"name": PLAN_DE}}
    form = admin_client.get(PLANS + "NONREF/change/").context["form"]
    assert form["name_de"].value() == PLAN_DE and form["name_es"].value() == ""
    assert form.fields["name_de"].label == "Name (Deutsch)"


def test_the_front_desk_reads_the_german_name_and_changes_nothing(client_for, nonref):
    desk = client_for(roles.FRONT_DESK)
    response = desk.get(PLANS + "NONREF/change/")
    assert response.status_code == 200
    rows = {row["name"]: row for row in response.context["rows"]}
    assert rows["name_de"]["readonly"] and rows["name_de"]["contents"] == PLAN_DE
    assert rows["name_de"]["label"] == "Name (Deutsch)"
    assert "name_fr" not in rows and "translations" not in rows  # no word, no JSON
    names = list(rows)
    assert names[names.index("name") + 1] == "name_de"


def test_search_names_the_plans_in_the_pages_language(client, nonref):
    german = offer_names(html(client.get("/de/search", {**stay(), "guests": 2})))
    assert PLAN_DE in german and PLAN_EN not in german
    assert "Flexible" in german  # FLEX has no German name: the English one
    english = offer_names(html(client.get("/search", {**stay(), "guests": 2})))
    assert PLAN_EN in english and PLAN_DE not in english
    spanish = offer_names(html(client.get("/es/search", {**stay(), "guests": 2})))
    assert PLAN_EN in spanish and PLAN_DE not in spanish


def test_extras_are_offered_in_the_pages_language(client, breakfast):
    german = html(client.get("/de/book/Standard/", guest_form(adults=2)))
    assert EXTRA_DE in german and EXTRA_WORDS_DE in german
    assert EXTRA_EN not in german and EXTRA_WORDS_EN not in german
    english = html(client.get("/book/Standard/", guest_form(adults=2)))
    assert EXTRA_EN in english and EXTRA_WORDS_EN in english and EXTRA_DE not in english
    french = html(client.get("/fr/book/Standard/", guest_form(adults=2)))
    assert EXTRA_EN in french and EXTRA_WORDS_EN in french and EXTRA_DE not in french


def test_a_german_booking_stores_english_and_its_pages_speak_each_language(
    client, nonref, breakfast
):
    booking_page = html(client.get("/de/book/Standard/", guest_form(adults=2, rate_plan="NONREF")))
    assert PLAN_DE in booking_page and PLAN_EN not in booking_page
    response = client.post(
        "/de/book/Standard/", guest_form(adults=2, rate_plan="NONREF", extra_BREAKFAST="1")
    )
    assert response.status_code == 302, html(response)
    [booking] = list(Booking.scan())
    # The snapshot keeps the default language: the bill and the back office read it.
    assert booking.terms["name"] == PLAN_EN
    assert [e["name"] for e in booking.extras] == [EXTRA_EN]

    pay = html(client.get(response["Location"]))  # the German pay page
    assert PLAN_DE in pay and EXTRA_DE in pay
    assert PLAN_EN not in pay and EXTRA_EN not in pay

    with translation.override("de"):
        german_manage = manage_path(booking_id=booking.bookingId)
    assert german_manage.startswith("/de/")
    german = html(client.get(german_manage))
    assert PLAN_DE in german and EXTRA_DE in german and EXTRA_EN not in german
    english = html(client.get(manage_path(booking_id=booking.bookingId)))
    assert PLAN_EN in english and EXTRA_EN in english
    assert PLAN_DE not in english and EXTRA_DE not in english


def test_an_extra_added_on_the_german_manage_page_is_named_in_german(client, breakfast):
    response = client.post("/de/book/Standard/", guest_form(adults=2))
    assert response.status_code == 302, html(response)
    [booking] = list(Booking.scan())
    with translation.override("de"):
        path = manage_path(booking_id=booking.bookingId)
    page = html(client.get(path))
    action = re.search(r'action="([^"]+/extras)"', page).group(1)
    added = client.post(action, {"code": "BREAKFAST", "quantity": "1"}, follow=True)
    page = html(added)
    assert EXTRA_DE in page and EXTRA_EN not in page
    assert Booking.get(booking.bookingId).extras[0]["name"] == EXTRA_EN
