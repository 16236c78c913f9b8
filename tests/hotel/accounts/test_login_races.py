"""Login lockout under real concurrency: 30 requests at once through HTTP (a Django test client
per thread, released together by a barrier) get at most LOGIN_MAX_FAILURES password verdicts;
every other answer is 429. The API token endpoint and the admin login form share one counter."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from hotel.accounts.models import ApiToken
from tests.conftest import PASSWORD

STORM = 30


def storm(requests):
    """Run every callable in its own thread, all released at once; their results in order."""
    barrier = threading.Barrier(len(requests))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(run, requests))


def token_request(email, password):
    def call():
        return APIClient().post(
            "/api/auth/token", {"email": email, "password": password}, format="json"
        )

    return call


def admin_login(email, password):
    def call():
        return Client().post(
            "/admin/login/?next=/admin/", {"username": email, "password": password}
        )

    return call


def test_parallel_wrong_passwords_get_at_most_the_limit_of_verdicts(manager):
    answers = storm([token_request(manager.email, f"guess-{n}") for n in range(STORM)])

    codes = [a.status_code for a in answers]
    assert set(codes) <= {401, 429}
    assert codes.count(401) == settings.LOGIN_MAX_FAILURES
    for answer in answers:
        if answer.status_code == 429:
            assert answer.json()["error"]["code"] == "LOGIN_LOCKED"
            assert int(answer["Retry-After"]) > 0
    # The right password, once the slots are spent: refused, no token.
    right = token_request(manager.email, PASSWORD)()
    assert right.status_code == 429
    assert ApiToken.count() == 0


def test_the_right_password_after_a_parallel_storm_gets_no_token(manager):
    storm([token_request(manager.email, f"guess-{n}") for n in range(STORM - 1)])

    answers = storm([token_request(manager.email, PASSWORD) for _ in range(3)])

    assert [a.status_code for a in answers] == [429, 429, 429]
    assert "token" not in str([a.json() for a in answers])
    assert ApiToken.count() == 0


def test_parallel_admin_logins_share_the_counter_with_the_api(manager):
    answers = storm(
        [admin_login(manager.email, f"guess-{n}") for n in range(STORM // 2)]
        + [token_request(manager.email, f"guess-{n}") for n in range(STORM // 2)]
    )

    codes = [a.status_code for a in answers]
    assert set(codes) <= {200, 401, 429}  # admin form re-shown, API 401, or refused
    assert len(codes) - codes.count(429) == settings.LOGIN_MAX_FAILURES
    for answer in answers:
        if answer.status_code == 429:
            assert int(answer["Retry-After"]) > 0
        if answer.status_code == 429 and answer["Content-Type"].startswith("text/html"):
            assert b"Too many failed logins for this account" in answer.content
    client = Client()
    page = client.post(
        "/admin/login/?next=/admin/", {"username": manager.email, "password": PASSWORD}
    )
    assert page.status_code == 429
    assert b"Too many failed logins for this account" in page.content
    assert client.get("/admin/").status_code == 302  # not signed in


def test_unknown_email_storm_is_bounded_too():
    answers = storm([token_request("ghost@staff.test", f"guess-{n}") for n in range(STORM)])

    codes = [a.status_code for a in answers]
    assert codes.count(401) == settings.LOGIN_MAX_FAILURES
    assert codes.count(429) == STORM - settings.LOGIN_MAX_FAILURES


def test_a_success_frees_the_slots_for_the_next_logins(manager):
    issue = token_request(manager.email, PASSWORD)
    wrong = token_request(manager.email, "typo")
    # Typos and logins one after another, more than the limit in all: never locked.
    codes = [call().status_code for call in [wrong, wrong, issue] * settings.LOGIN_MAX_FAILURES]
    assert 429 not in codes
