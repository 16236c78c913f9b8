"""The hotel's page: a manager edits it in the back office (audited, versioned, every field's
problem at once); the home page, the footer and the emails show it in the guest's language
with the default language's words as the fallback; search engines get it as schema.org data
and a sitemap."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from django.utils import translation

from hotel.accounts import roles
from hotel.audit.selectors import audit_for_object
from hotel.contact import hotel_contact
from hotel.errors import StaleObject, ValidationFailed
from hotel.profile import HotelProfile, hotel_profile, profile_forget, profile_item, profile_save

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
PAGE = "/admin/hotel-page/"


def profile_data(**overrides) -> dict:
    data = {
        "name": "Casa del Puerto",
        "address": "Calle del Muelle 3, 29001 Málaga",
        "phone": "+34 952 000 111",
        "email": "hola@casa.test",
        "checkInFrom": "15:00",
        "checkOutUntil": "10:30",
        "description": "A small hotel on the old harbour.",
        "houseRules": "No smoking in the rooms.\nQuiet hours from 22:00.",
        "directions": "20 minutes by taxi from the airport.",
        "facilities": "Roof terrace\nBicycle hire",
        "translations": {
            "de": {
                "description": "Ein kleines Hotel am alten Hafen.",
                "facilities": "Dachterrasse",
            },
        },
    }
    data.update(overrides)
    return data


def saved(**overrides) -> HotelProfile:
    return profile_save(data=profile_data(**overrides), version=None, actor="mgr", now=NOW)


def test_before_any_save_the_settings_stand_in(settings):
    settings.HOTEL_NAME = "Settings Hotel"
    profile = hotel_profile()
    assert profile.name == "Settings Hotel" and profile.check_in_from == "14:00"
    assert profile_item() is None


def test_a_save_is_audited_and_read_in_each_language_with_the_fallback():
    item = saved()
    assert item.version == 1 and item.facilities == ["Roof terrace", "Bicycle hire"]
    entry = audit_for_object(object_type="hotel.profile", object_id="HOTEL")[0]
    assert entry.action == "create" and entry.actor == "mgr"
    assert entry.after["checkInFrom"] == "15:00"
    english = hotel_profile("en")
    assert english.house_rules == ["No smoking in the rooms.", "Quiet hours from 22:00."]
    german = hotel_profile("de")
    assert german.description == "Ein kleines Hotel am alten Hafen."
    assert german.facilities == ["Dachterrasse"]
    assert german.house_rules == english.house_rules  # not translated: the English words
    assert hotel_profile("fr").description == "A small hotel on the old harbour."
    with translation.override("de"):
        assert hotel_contact()["hotel"].description.startswith("Ein kleines")


def test_every_fields_problem_is_named_at_once_and_nothing_is_written():
    with pytest.raises(ValidationFailed) as refused:
        saved(name=" ", email="not-mail", checkInFrom="3pm", checkOutUntil="25:00",
              description="x" * 2001, translations={"es": {"houseRules": "y" * 4001}})  # fmt: skip
    assert set(refused.value.details["fields"]) == {
        "name", "email", "checkInFrom", "checkOutUntil", "description", "houseRules_es"
    }  # fmt: skip
    assert profile_item(cached=False) is None


def test_a_save_over_a_newer_version_is_refused():
    first = saved()
    profile_save(data=profile_data(phone="+34 1"), version=first.version, actor="a", now=NOW)
    with pytest.raises(StaleObject):
        profile_save(data=profile_data(phone="+34 2"), version=first.version, actor="b", now=NOW)
    with pytest.raises(StaleObject):  # "nothing stored yet" is a version too
        profile_save(data=profile_data(), version=None, actor="c", now=NOW)
    assert profile_item(cached=False).phone == "+34 1"


def test_a_manager_edits_the_page_in_the_back_office(client_for):
    manager = client_for(roles.MANAGER)
    page = manager.get(PAGE)
    assert page.status_code == 200 and 'name="houseRules_de"' in page.content.decode()
    form = {
        "name": "Casa del Puerto",
        "address": "Calle del Muelle 3",
        "phone": "+34 952 000 111",
        "email": "hola@casa.test",
        "checkInFrom": "15:00",
        "checkOutUntil": "10:30",
        "houseRules": "No pets.",
        "houseRules_es": "No se admiten mascotas.",
        "facilities": "Roof terrace",
    }
    assert manager.post(PAGE, form).status_code == 302
    assert hotel_profile("es").house_rules == ["No se admiten mascotas."]
    again = manager.post(PAGE, {**form, "checkInFrom": "noon"})  # stale form and bad time
    assert again.status_code == 200 and "HH:MM" in again.content.decode()
    stale = manager.post(PAGE, {**form, "version": ""})
    assert "Someone else changed" in stale.content.decode()


@pytest.mark.parametrize("role", [roles.FRONT_DESK])
def test_only_managers_edit_the_hotel_page(client_for, role):
    response = client_for(role).get(PAGE)
    assert response.status_code in (302, 403)
    assert response.status_code == 403 or "/admin/login/" in response["Location"]


def test_the_home_page_shows_the_hotel_and_tells_search_engines(client):
    saved()
    page = client.get("/").content.decode()
    section = re.search(r'data-testid="hotel-page">(.*?)</section>', page, re.S).group(1)
    for text in ("About Casa del Puerto", "from 15:00", "until 10:30", "No smoking in the rooms.",
                 "20 minutes by taxi", "Roof terrace", "Calle del Muelle 3"):  # fmt: skip
        assert text in section, text
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    )
    assert data["@type"] == "Hotel" and data["name"] == "Casa del Puerto"
    assert (data["checkinTime"], data["checkoutTime"]) == ("15:00", "10:30")
    assert data["telephone"] == "+34 952 000 111"
    assert {f["name"] for f in data["amenityFeature"]} == {"Roof terrace", "Bicycle hire"}
    german = client.get("/de/").content.decode()
    assert "Ein kleines Hotel am alten Hafen." in german and "Dachterrasse" in german
    assert "Casa del Puerto" in client.get("/no-such-page").content.decode()  # every page


def test_the_json_ld_cannot_close_its_script(client):
    saved(description="</script><script>alert(1)</script>")
    page = client.get("/").content.decode()
    assert "</script><script>alert(1)" not in page
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    assert json.loads(block)["description"] == "</script><script>alert(1)</script>"


def test_the_sitemap_lists_each_guest_page_in_each_language(client):
    response = client.get("/sitemap.xml")
    body = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    locs = re.findall(r"<loc>([^<]+)</loc>", body)
    assert "http://testserver/" in locs and "http://testserver/de/search" in locs
    assert "http://testserver/es/booking/find" in locs and len(locs) == 12
    assert body.count('hreflang="fr"') == 12
    robots = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in robots and "Disallow: /de/booking/" in robots
    assert "Allow: /booking/find" in robots and "Sitemap: http://testserver/sitemap.xml" in robots


def test_every_emails_footer_names_the_hotel_and_its_times():
    from django.template.loader import render_to_string

    saved()
    for part in ("txt", "html"):
        with translation.override("en"):
            footer = render_to_string(f"emails/_contact.{part}", hotel_contact())
        assert "Casa del Puerto" in footer and "hola@casa.test" in footer
        assert "Check-in from 15:00, check-out until 10:30." in footer
    with translation.override("de"):
        german = render_to_string("emails/_contact.txt", hotel_contact())
    assert "15:00" in german and "Check-in from" not in german


def test_an_error_page_in_an_outage_does_not_ask_dynamodb(client, monkeypatch):
    saved()
    hotel_profile()  # this process's copy

    def down(*args, **kwargs):
        raise AssertionError("read during an outage page")

    monkeypatch.setattr(HotelProfile, "get", down)
    profile_forget()
    from django.test import RequestFactory

    from hotel.site.errors import server_error

    request = RequestFactory().get("/somewhere")
    response = server_error(request)
    assert response.status_code == 500


def test_a_refused_save_leaves_guests_the_page_as_it_was():
    first = saved()
    assert hotel_profile().phone == "+34 952 000 111"  # this process's copy
    profile_save(data=profile_data(phone="+34 1"), version=first.version, actor="a", now=NOW)
    assert hotel_profile().phone == "+34 1"
    with pytest.raises(StaleObject):
        profile_save(data=profile_data(phone="+34 2"), version=first.version, actor="b", now=NOW)
    assert hotel_profile().phone == "+34 1"
    assert profile_item().phone == "+34 1"


def test_a_failed_read_keeps_the_old_copy_and_waits_before_asking_again(monkeypatch):
    from pynamodb.exceptions import GetError

    import hotel.profile as profile_module

    saved()
    profile_forget()
    assert hotel_profile().name == "Casa del Puerto"
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        raise GetError("down")

    monkeypatch.setattr(HotelProfile, "get", failing)
    monkeypatch.setattr(profile_module, "PROFILE_TTL", 0.0)  # the copy is old
    assert hotel_profile().name == "Casa del Puerto"
    assert hotel_profile().name == "Casa del Puerto"
    assert len(calls) == 1  # the second page did not ask again within FAILED_RETRY
