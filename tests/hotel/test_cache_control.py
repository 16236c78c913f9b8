"""Cache-Control where the view set none: API private, plain pages short, static immutable."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.files.storage import FileSystemStorage
from django.http import HttpResponse, JsonResponse
from django.test import RequestFactory

from hotel.middleware import CacheControlMiddleware, vary_on_language
from hotel.storage import IMMUTABLE, SHORT, S3HashedStaticStorage, is_hashed_name

factory = RequestFactory()


def through(request, response):
    return CacheControlMiddleware(lambda _request: response)(request)


def test_api_responses_are_private_and_revalidated(client, make_room):
    make_room()
    response = client.get("/api/rooms")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-cache"


def test_health_and_webhook_answers_are_private():
    for path in ("/healthz", "/webhooks/stripe"):
        response = through(factory.post(path), JsonResponse({}))
        assert response["Cache-Control"] == "private, no-cache"


def test_a_view_that_set_its_own_cache_control_keeps_it(client):
    response = client.get("/admin/login/")
    assert "no-store" in response["Cache-Control"]  # never_cache, untouched


def test_a_plain_html_page_is_cached_briefly():
    page = HttpResponse("<p>rooms</p>", content_type="text/html; charset=utf-8")
    assert through(factory.get("/rooms/"), page)["Cache-Control"] == "public, max-age=60"


@pytest.mark.parametrize(
    "case",
    ["post", "sets a cookie", "varies on cookie", "not found", "json outside the api"],
)
def test_anything_personal_or_unusual_is_private(case):
    request = factory.post("/book/") if case == "post" else factory.get("/book/")
    response = HttpResponse("<p>x</p>", content_type="text/html")
    if case == "sets a cookie":
        response.set_cookie("csrftoken", "abc")
    elif case == "varies on cookie":
        response["Vary"] = "Accept-Encoding, Cookie"
    elif case == "not found":
        response.status_code = 404
    elif case == "json outside the api":
        response = JsonResponse({})
    assert through(request, response)["Cache-Control"] == "private, no-cache"


def test_hashed_static_files_go_to_s3_immutable_and_originals_short(tmp_path):
    storage = S3HashedStaticStorage(
        bucket_name="hotel-static-test", manifest_storage=FileSystemStorage(location=tmp_path)
    )
    assert storage.get_object_parameters("admin/css/base.1a2b3c4d5e6f.css") == {
        "CacheControl": IMMUTABLE
    }
    assert storage.get_object_parameters("admin/css/base.css") == {"CacheControl": SHORT}
    assert IMMUTABLE == "public, max-age=31536000, immutable"
    assert is_hashed_name("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.37aa30ada62e.js")
    assert not is_hashed_name("hotel/site.css")


def test_a_page_varying_on_the_cookie_only_for_its_language_stays_shared():
    page = HttpResponse("<p>rooms</p>", content_type="text/html; charset=utf-8")
    vary_on_language(page)
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in page["Vary"].split(",")}
    assert through(factory.get("/rooms/"), page)["Cache-Control"] == "public, max-age=60"


@pytest.mark.parametrize("case", ["the view varies on cookie", "the session was read"])
def test_a_page_varying_on_the_cookie_for_more_than_its_language_is_private(case):
    request = factory.get("/rooms/")
    page = HttpResponse("<p>x</p>", content_type="text/html")
    if case == "the view varies on cookie":
        page["Vary"] = "Cookie"
    else:
        request.session = SimpleNamespace(accessed=True)
    vary_on_language(page)
    assert through(request, page)["Cache-Control"] == "private, no-cache"
