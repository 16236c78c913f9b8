"""The split deployment's functions route only their part (hotel/function_urls.py): each
answers the paths CloudFront sends it (infra.functions) and imports no other function's
views, the admin or the guest site."""

from __future__ import annotations

import json
import os
import runpy
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import clear_url_caches

from infra.functions import FUNCTIONS, function_for_path
from infra.lambda_local import LambdaFunction, override_zappa_settings
from tests.helpers import fresh_python
from tests.rooms.test_api import assert_error

from .conftest import load_event

REPO = Path(__file__).resolve().parents[2]
# A concrete path for each CloudFront route of the functions with a URL conf of their own.
SAMPLES = {
    "rooms": [
        "/api/rooms",
        "/api/rooms/R-1",
        "/api/room-types",
        "/api/room-types/Deluxe",
        "/api/rooms/R-1/out-of-order",
        "/api/rooms/R-1/out-of-order/P-1",
    ],
    "payments": [
        "/api/payments",
        "/api/payments/TXN-1",
        "/api/payments/TXN-1/refund",
        "/api/bookings/BK-1/cancellation-quote",
        "/webhooks/stripe",
    ],
}
# What a function of its own must not import: the others' views and URL confs, the admin,
# the site. (Serializers are shared: the payments API answers with bookings' shape, which
# nests rooms'.)
VIEWS = {
    "rooms": ["rooms.urls", "rooms.api.views", "rooms.api.room_type_views"],
    "payments": ["payments.urls", "payments.api.views", "payments.api.booking_views"],
    "bookings": ["bookings.urls", "bookings.api.views", "bookings.api.assign_views"],
}
ELSEWHERE = {
    function: [m for other, modules in VIEWS.items() if other != function for m in modules]
    + ["hotel.admin_site", "hotel.site.urls", "hotel.urls"]
    for function in ("rooms", "payments")
}
PROBE = """
import json, os, sys
import django
django.setup()
from django.conf import settings
from django.urls import Resolver404, get_resolver
resolver = get_resolver()
resolver.url_patterns
def served(path):
    try:
        resolver.resolve(path)
        return True
    except Resolver404:
        return False
paths = json.loads(sys.argv[1])
print(json.dumps({"urlconf": settings.ROOT_URLCONF, "modules": sorted(sys.modules),
                  "served": {p: served(p) for p in paths}}))
"""


def probe(function: str, paths: list[str]) -> dict:
    """A fresh interpreter set up as `function`: its URL conf, its modules, what it serves."""
    done = fresh_python(PROBE, json.dumps(paths), HOTEL_FUNCTION=function)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("function", sorted(SAMPLES))
def test_a_split_function_serves_its_routes_and_imports_only_its_own_views(function):
    assert FUNCTIONS[function].name == function
    for path in SAMPLES[function]:  # the samples are the function's, by CloudFront's rules
        assert function_for_path(path).name == function, path
    others = [p for f, paths in SAMPLES.items() if f != function for p in paths]
    # (Not /api/rooms/availability: rooms' conf reads it as a room id, but CloudFront sends
    # it to bookings, as infra.functions' own tests check.)
    others += ["/api/bookings", "/api/room-assignments", "/admin/", "/", "/book/Deluxe"]

    seen = probe(function, SAMPLES[function] + others)

    assert seen["urlconf"] == f"hotel.urls_{function}"
    assert all(seen["served"][p] for p in SAMPLES[function]), seen["served"]
    assert not any(seen["served"][p] for p in others if function_for_path(p).name != function), (
        seen["served"]
    )
    loaded = [
        m
        for m in seen["modules"]
        for prefix in ELSEWHERE[function]
        if m == prefix or m.startswith(prefix + ".")
    ]
    assert loaded == []


def test_the_whole_conf_is_the_default_and_an_unknown_function_is_refused():
    assert probe("bookings", ["/admin/"])["urlconf"] == "hotel.urls"
    assert probe("all", ["/"])["urlconf"] == "hotel.urls"
    done = fresh_python("import django; django.setup()", HOTEL_FUNCTION="room")
    assert done.returncode != 0 and "HOTEL_FUNCTION 'room'" in done.stderr


@pytest.fixture
def urlconf():
    def use(function: str):
        clear_url_caches()
        return override_settings(ROOT_URLCONF=f"hotel.urls_{function}")

    yield use
    clear_url_caches()


def test_the_rooms_function_answers_in_the_api_shape(client, make_room, urlconf):
    make_room(roomId="R-1", roomType="Deluxe")
    with urlconf("rooms"):
        assert client.get("/api/rooms").json()["rooms"][0]["roomId"] == "R-1"
        assert client.get("/healthz").json() == {"status": "ok"}
        assert_error(client.get("/api/bookings"), 404, "NOT_FOUND")
        assert_error(client.get("/not-here"), 404, "NOT_FOUND")  # no page: JSON here too


def test_the_payments_function_answers_in_the_api_shape(client, urlconf):
    with urlconf("payments"):
        unsigned = client.post("/webhooks/stripe", b"{}", content_type="application/json")
        assert_error(unsigned, 400, "INVALID_WEBHOOK")
        assert_error(client.get("/api/payments"), 401, "NOT_AUTHENTICATED")
        assert_error(client.get("/api/rooms"), 404, "NOT_FOUND")


@pytest.fixture
def function_dir(lambda_dir, tmp_path):
    """The unzipped package as a split function deploys it: its files (linked, not copied)
    and a zappa_settings.py whose environment names the function."""

    def make(function: str) -> Path:
        target = tmp_path / function
        target.mkdir()
        for entry in lambda_dir.iterdir():
            if entry.name != "zappa_settings.py":
                (target / entry.name).symlink_to(entry)
        (target / "zappa_settings.py").write_text((lambda_dir / "zappa_settings.py").read_text())
        variables = runpy.run_path(str(target / "zappa_settings.py"))["ENVIRONMENT_VARIABLES"]
        override_zappa_settings(
            target, ENVIRONMENT_VARIABLES={**variables, "HOTEL_FUNCTION": function}
        )
        return target

    return make


def test_the_packaged_split_functions_answer_their_routes_only(
    function_dir, tmp_path, _tables, make_room
):
    make_room(roomId="R-FN")
    answers = {}
    for function in ("rooms", "payments"):
        fn = LambdaFunction(
            function_dir(function),
            tmp_path / f"{function}.log",
            {
                "DYNAMODB_ENDPOINT": os.environ["DYNAMODB_ENDPOINT"],
                "HOTEL_TABLE_PREFIX": os.environ["HOTEL_TABLE_PREFIX"],
                "STRIPE_API_BASE": os.environ["STRIPE_API_BASE"],
                "HOTEL_DATA_DIR": str(tmp_path / function / "data"),
            },
        )
        try:
            answers[function] = {
                "rooms": fn.invoke(load_event("apigw_v2_get_rooms")),
                "webhook": fn.invoke(load_event("apigw_v2_stripe_webhook")),
            }
        finally:
            fn.stop()
    rooms, payments = answers["rooms"], answers["payments"]
    assert rooms["rooms"]["statusCode"] == 200 and "R-FN" in rooms["rooms"]["body"]
    assert rooms["webhook"]["statusCode"] == 404
    assert payments["rooms"]["statusCode"] == 404
    assert payments["webhook"]["statusCode"] == 400  # served here: the signature is wrong
    for answer in (rooms["webhook"], payments["rooms"]):
        assert json.loads(answer["body"])["error"]["code"] == "NOT_FOUND"
