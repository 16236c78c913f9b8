"""A room type's name and description per guest language: entered in the admin ("Name
(Deutsch)" after the English field), shown on the guest pages of that language (home,
search), the English where a language has none; taken and returned by the API as
`translations`, a bad one refused with 400 naming it."""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from hotel.accounts import roles
from hotel.audit.selectors import audit_for_object
from hotel.dynamo_admin.forms import add_domain_errors
from hotel.dynamo_admin.translations import translated_form
from hotel.errors import ValidationFailed
from rooms.models import RoomType
from rooms.room_type_services import room_type_update
from tests.hotel.site.pages import html, stay
from tests.rooms.test_api import assert_error
from tests.rooms.test_room_types_admin import change_form, change_url
from tests.rooms.test_room_types_api import TWIN

GERMAN_NAME = "Stilles Zimmer zum Hof"
GERMAN_WORDS = "Ein ruhiges Zimmer mit Blick auf den Garten."
ENGLISH_NAME = "Quiet courtyard room"
ENGLISH_WORDS = "A quiet room over the garden."


@pytest.fixture
def standard(make_room):
    make_room(roomId="S-1", roomType="Standard", capacity=2, pricePerNight=450000)
    return RoomType.get("Standard", consistent_read=True)


@pytest.fixture
def manager_api(api):
    return api.as_role(roles.MANAGER)


def german_in_the_admin(admin_client, room_type, **words):
    data = change_form(
        room_type,
        name=ENGLISH_NAME,
        description=ENGLISH_WORDS,
        name_de=GERMAN_NAME,
        description_de=GERMAN_WORDS,
    )
    data.update(words)
    response = admin_client.post(change_url(room_type.roomType), data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    return RoomType.get(room_type.roomType, consistent_read=True)


# --- the admin -----------------------------------------------------------------------------------


def test_the_change_form_has_each_language_after_the_english_field(admin_client, standard):
    room_type_update(
        code="Standard",
        data={"translations": {"fr": {"name": "Chambre standard"}}},
        actor="test",
        now=timezone.now(),
    )
    response = admin_client.get(change_url("Standard"))
    page = html(response)
    form = response.context["form"]
    assert form["name_fr"].value() == "Chambre standard" and form["name_de"].value() == ""
    names = [row["name"] for row in response.context["rows"]]
    at = names.index("name")
    assert names[at : at + 4] == ["name", "name_de", "name_fr", "name_es"]
    at = names.index("description")
    assert names[at + 1 : at + 4] == ["description_de", "description_fr", "description_es"]
    assert "translations" not in names
    assert "Name (Deutsch)" in page and "Description (Español)" in page


def test_german_words_saved_in_the_admin_are_stored_and_audited(admin_client, standard):
    saved = german_in_the_admin(admin_client, standard, name_fr="  ", description_es="")
    # Only the words given are kept: no empty language, no empty word.
    assert saved.translations == {"de": {"name": GERMAN_NAME, "description": GERMAN_WORDS}}
    assert saved.name == ENGLISH_NAME
    entry = audit_for_object(object_type="rooms.roomtype", object_id="Standard")[0]
    assert entry.action == "update" and entry.actor == admin_client.user.email
    assert entry.after["translations"] == saved.translations
    assert not entry.before.get("translations")
    history = html(admin_client.get("/admin/rooms/roomtype/Standard/history/"))
    assert f"de name: {GERMAN_NAME}" in history


def test_a_too_long_word_is_refused_on_its_own_field(admin_client, standard):
    response = admin_client.post(change_url("Standard"), change_form(standard, name_de="x" * 81))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name_de"}
    assert RoomType.get("Standard").translations is None


def test_a_services_error_on_a_translation_lands_on_its_field():
    from django import forms

    class Form(forms.Form):
        name = forms.CharField()

        def field_for_error(self, name):
            return name

    form = translated_form(Form, {"name": 80})(data={"name": "Twin"})
    assert form.is_valid()
    add_domain_errors(
        form, ValidationFailed(details={"fields": {"translations.de.name": ["Too long."]}})
    )
    assert form.errors == {"name_de": ["Too long."]}


# --- the guest site ------------------------------------------------------------------------------


def test_german_pages_show_the_german_words_and_english_pages_the_english(
    admin_client, client, standard
):
    german_in_the_admin(admin_client, standard)

    home = html(client.get("/de/"))
    assert GERMAN_NAME in home and GERMAN_WORDS in home
    assert ENGLISH_NAME not in home and ENGLISH_WORDS not in home
    search = html(client.get("/de/search", {**stay(), "guests": 2}))
    assert f'-name">{GERMAN_NAME}</h2>' in search and GERMAN_WORDS in search
    assert ENGLISH_NAME not in search

    for english in (html(client.get("/")), html(client.get("/search", {**stay(), "guests": 2}))):
        assert ENGLISH_NAME in english and ENGLISH_WORDS in english
        assert GERMAN_NAME not in english and GERMAN_WORDS not in english


def test_a_language_without_words_shows_the_english(admin_client, client, standard):
    german_in_the_admin(admin_client, standard, description_de="")
    french = html(client.get("/fr/search", {**stay(), "guests": 2}))
    assert f'-name">{ENGLISH_NAME}</h2>' in french and ENGLISH_WORDS in french
    assert GERMAN_NAME not in french
    # German has a name but no description: the English description stands in.
    german = html(client.get("/de/"))
    assert GERMAN_NAME in german and ENGLISH_WORDS in german


# --- the API -------------------------------------------------------------------------------------


def test_the_api_takes_and_returns_translations(manager_api):
    given = {"de": {"name": "Zweibettzimmer", "description": ""}, "fr": {}}
    created = manager_api.post("/api/room-types", {**TWIN, "translations": given}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["translations"] == {"de": {"name": "Zweibettzimmer"}}
    anonymous = APIClient()  # the public shape carries them too
    assert anonymous.get("/api/room-types/Twin").json()["translations"] == {
        "de": {"name": "Zweibettzimmer"}
    }

    patched = manager_api.patch(
        "/api/room-types/Twin",
        {"translations": {"es": {"name": "Habitación doble", "description": "Dos camas."}}},
        format="json",
    )
    assert patched.status_code == 200, patched.json()
    stored = RoomType.get("Twin", consistent_read=True)
    assert stored.translations == {"es": {"name": "Habitación doble", "description": "Dos camas."}}

    # Left out (also by a PUT), they are kept; null removes them.
    put = manager_api.put("/api/room-types/Twin", {**TWIN, "name": "Twin"}, format="json")
    assert put.status_code == 200 and put.json()["translations"] == patched.json()["translations"]
    cleared = manager_api.patch("/api/room-types/Twin", {"translations": None}, format="json")
    assert cleared.status_code == 200 and cleared.json()["translations"] == {}
    assert RoomType.get("Twin", consistent_read=True).translations is None


@pytest.mark.parametrize(
    ("translations", "field"),
    [
        ({"de": {"name": "x" * 81}}, "translations.de.name"),
        ({"de": {"description": "x" * 2001}}, "translations.de.description"),
        ({"de": {"nmae": "Zweibett"}}, "translations.de.nmae"),
        ({"de": {"name": 3}}, "translations.de.name"),
        ({"de": "Zweibettzimmer"}, "translations.de"),
        ({"xx": {"name": "Twin"}}, "translations.xx"),
        ({"en": {"name": "Twin"}}, "translations.en"),
        ("Zweibettzimmer", "translations"),
    ],
)
def test_the_api_refuses_a_bad_translation_naming_it(manager_api, translations, field):
    response = manager_api.post(
        "/api/room-types", {**TWIN, "translations": translations}, format="json"
    )
    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert set(error["details"]["fields"]) == {field}
    assert RoomType.count() == 0
