"""The packaged Lambda, run offline: build (or reuse) the zip, unzip it, start its handler.

`lambda_zip` builds the `dev` package with infra/package.py, the code path of `make
package`, reusing build/package/<stage>-<hash>.zip while requirements and sources are
unchanged. `lambda_fn` unzips it and starts its handler (infra/lambda_local.py) in an isolated
interpreter (`python -I -S`: no site-packages, no PYTHONPATH) whose only code is the
package, pointed at this test run's DynamoDB Local, tables and localstripe. The generated
zappa_settings.py keeps everything Zappa wrote for the stage but its environment variables,
which become the test stage's (a deployed stage would read secrets from AWS).
"""

from __future__ import annotations

import copy
import json
import os
import re
from pathlib import Path

import pytest

from infra.lambda_local import LambdaFunction, override_zappa_settings, unzip

HERE = Path(__file__).resolve().parent
EVENTS = HERE / "events"
STAGE = "dev"
SITE_HOST = "hotel.example"
FIGURES: dict[str, str] = {}
BOOKINGS_STREAM_ARN = json.loads((EVENTS / "dynamodb_stream_bookings.json").read_text())["Records"][
    0
]["eventSourceARN"]


def load_event(name: str) -> dict:
    return copy.deepcopy(json.loads((EVENTS / f"{name}.json").read_text()))


@pytest.fixture(scope="session")
def lambda_zip() -> Path:
    from infra import package

    path = package.build(STAGE)
    zipped, unzipped = package.sizes(path)
    FIGURES["package"] = (
        f"{path.name}: {zipped / 1e6:.1f} MB zipped, {unzipped / 1e6:.1f} MB unzipped"
    )
    return path


@pytest.fixture(scope="session")
def lambda_dir(lambda_zip, tmp_path_factory) -> Path:
    target = unzip(lambda_zip, tmp_path_factory.mktemp("lambda-task"))
    override_zappa_settings(
        target,
        ENVIRONMENT_VARIABLES={
            "HOTEL_STAGE": "test",
            "HOTEL_LOG_FORMAT": "json",
            "HOTEL_LOG_LEVEL": "INFO",
            "HOTEL_STATIC_BUCKET": "hotel-static-test",
            "HOTEL_STATIC_DOMAIN": SITE_HOST,
            "DJANGO_ALLOWED_HOSTS": SITE_HOST,
            "DJANGO_USE_X_FORWARDED_HOST": "true",
            # Emails are printed (to the log) so a test can see them leave.
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        },
        # What `zappa deploy` writes for an `event_source` on the bookings stream.
        AWS_EVENT_MAPPING={BOOKINGS_STREAM_ARN: ["bookings.stats.handle_stream"]},
    )
    return target


@pytest.fixture(scope="session")
def lambda_fn(lambda_dir, tmp_path_factory, _tables):
    log_path = tmp_path_factory.mktemp("lambda-log") / "stderr.log"
    function = LambdaFunction(
        lambda_dir,
        log_path,
        {
            # This test run's services and tables.
            "DYNAMODB_ENDPOINT": os.environ["DYNAMODB_ENDPOINT"],
            "HOTEL_TABLE_PREFIX": os.environ["HOTEL_TABLE_PREFIX"],
            "STRIPE_API_BASE": os.environ["STRIPE_API_BASE"],
            "HOTEL_DATA_DIR": str(log_path.parent / "data"),
            "LAMBDA_RECORD_AWS_CALLS": str(log_path.parent / "aws-calls.jsonl"),
        },
    )
    yield function
    function.stop()
    if function.calls:
        first = function.calls[0]
        FIGURES["cold start"] = (
            f"import {function.import_ms:.0f} ms + first request ({first['event_path']}) "
            f"{first['ms']:.0f} ms = {function.import_ms + first['ms']:.0f} ms"
        )
        warm: dict[str, list[float]] = {}
        for call in function.calls[1:]:
            warm.setdefault(str(call["event_path"]), []).append(call["ms"])
        FIGURES["warm"] = ", ".join(
            f"{path} {min(times):.0f} ms" for path, times in sorted(warm.items())
        )


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.section("packaged Lambda (measured, not asserted)")
        for name, value in FIGURES.items():
            terminalreporter.write_line(f"{name}: {value}")


def header(response: dict, name: str) -> str | None:
    """A response header, whatever the casing, from `headers` (v1 and v2)."""
    for key, value in (response.get("headers") or {}).items():
        if key.lower() == name.lower():
            return value
    return None


def set_cookies(response: dict) -> list[str]:
    """Every Set-Cookie the client would get: v2 `cookies`; v1 `multiValueHeaders`
    merged with `headers` the way API Gateway merges them (a pair in both counts once)."""
    if "cookies" in response:
        return list(response["cookies"])
    cookies = []
    for key, values in (response.get("multiValueHeaders") or {}).items():
        if key.lower() == "set-cookie":
            cookies += values
    for key, value in (response.get("headers") or {}).items():
        if key.lower() == "set-cookie" and value not in cookies:
            cookies.append(value)
    return cookies


def cookie_names(cookies: list[str]) -> list[str]:
    return [re.split(r"[=;]", cookie, maxsplit=1)[0].strip() for cookie in cookies]
