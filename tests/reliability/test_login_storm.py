"""Password guessing in parallel against gunicorn (2 workers x 4 threads, real sockets): 30
token requests at once get at most LOGIN_MAX_FAILURES password verdicts between them, the rest
429 with Retry-After; the right password afterwards gets no token."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.conf import settings

from hotel.accounts import roles
from hotel.accounts.models import ApiToken
from tests.conftest import PASSWORD

pytestmark = pytest.mark.reliability

STORM = 30


def fire(calls):
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def test_a_token_storm_against_gunicorn_gets_at_most_the_limit_of_verdicts(app_server, make_staff):
    user = make_staff(roles.MANAGER)

    def attempt(password):
        return lambda: requests.post(
            f"{app_server.url}/api/auth/token",
            json={"email": user.email, "password": password},
            timeout=30,
        )

    answers = fire([attempt(f"guess-{n}") for n in range(STORM)])
    codes = [a.status_code for a in answers]

    assert set(codes) <= {401, 429}, codes
    assert codes.count(401) == settings.LOGIN_MAX_FAILURES
    assert all(int(a.headers["Retry-After"]) > 0 for a in answers if a.status_code == 429)
    late = fire([attempt(PASSWORD) for _ in range(4)])
    assert [a.status_code for a in late] == [429] * 4
    assert ApiToken.count() == 0
