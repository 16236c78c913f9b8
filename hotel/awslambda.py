"""The Lambda entry point: Zappa's handler, plus what Zappa 0.63 gets wrong for this project.

zappa_settings.json sets `"lambda_handler": "hotel.awslambda.handler"`. Everything goes
through `zappa.handler.LambdaHandler` (API Gateway v1/v2 events, scheduled events, stream
records, `{"command": …}` invocations) with two corrections:

- Set-Cookie: Zappa 0.63 sends each cookie twice (v2 `cookies`) or four times (v1
  `headers` + `multiValueHeaders`); `fix_cookies` leaves each cookie once.
- EventBridge domain events (`source: hotel`, published by `hotel.events.EventBridgeBus`)
  match none of Zappa's event kinds and would be dropped silently; they go to
  `hotel.jobs.domain_event`.
"""

from __future__ import annotations

import os
from http.cookies import SimpleCookie

from zappa.handler import LambdaHandler

from hotel import jobs, snapstart
from hotel.logging import aws_request_id_var, request_id_var


def _cookie_key(header: str) -> tuple[str, str, str]:
    """(name, path, domain): two Set-Cookie with the same key set the same browser cookie."""
    cookie = SimpleCookie()
    try:
        cookie.load(header)
    except Exception:  # noqa: BLE001 - an unparsable cookie is kept as it is
        return (header, "", "")
    for name, morsel in cookie.items():
        return (name, morsel["path"], morsel["domain"].lower())
    return (header, "", "")


def dedupe_cookies(cookies: list[str]) -> list[str]:
    """One Set-Cookie per cookie (name, path, domain), the last one winning, in first-seen
    order, without the leading space Django's WSGI handler leaves in the value."""
    last: dict[tuple[str, str, str], str] = {}
    for header in cookies:
        header = header.strip()
        last[_cookie_key(header)] = header
    return list(last.values())


def fix_cookies(response: dict) -> dict:
    """Each cookie once in an API Gateway response.

    Zappa 0.63's WSGI middleware sends every Set-Cookie twice (as `Set-Cookie` and
    `set-cookie`): in v2 both land in `cookies`; in v1 both in `headers` and in
    `multiValueHeaders`, which API Gateway merges, so the browser would get them four
    times. v2 keeps one per cookie in `cookies`; v1 keeps one per cookie under
    `multiValueHeaders["Set-Cookie"]` and none in `headers`.
    """
    if isinstance(response.get("cookies"), list):
        response["cookies"] = dedupe_cookies(response["cookies"])
    headers = response.get("headers")
    multi = response.get("multiValueHeaders")
    found: list[str] = []
    if isinstance(multi, dict):
        for key in [k for k in multi if k.lower() == "set-cookie"]:
            found += multi.pop(key)
    if isinstance(headers, dict):
        for key in [k for k in headers if k.lower() == "set-cookie"]:
            value = headers.pop(key)
            if not isinstance(multi, dict):
                found.append(value)
    if found:
        cookies = dedupe_cookies(found)
        if isinstance(multi, dict):
            multi["Set-Cookie"] = cookies
        elif isinstance(headers, dict):
            headers["Set-Cookie"] = cookies[-1]  # no multiValueHeaders: one cookie at most
    return response


def warm_up() -> None:
    """Load Zappa's settings, set Django up, import the URL conf and make the DynamoDB client.

    Run at import inside Lambda, i.e. during the init phase, before the first request is
    waiting (and with the CPU boost Lambda gives init), rather than inside that request.
    The DynamoDB client was the first request's biggest cost (botocore parsing DynamoDB's
    service model: 150 ms of 200 ms here), then the URL patterns' regexes and the resolver's
    reverse table (`hotel.snapstart.prime_routes`: the first request 40 -> 13 ms here).
    Under SnapStart, `hotel.snapstart.prime` does more.
    """
    LambdaHandler()
    from django.urls import get_resolver

    from hotel import dynamo

    get_resolver().url_patterns  # noqa: B018 - imports every view module once
    dynamo.connection().client  # noqa: B018 - the one DynamoDB client every table shares
    if snapstart.snapstart_init():
        snapstart.prime()
    else:
        snapstart.prime_routes()  # what the first request would compile (SnapStart: all)


def handler(event, context):
    """The Lambda handler (see the module docstring)."""
    request_id_var.set("")
    aws_request_id_var.set(getattr(context, "aws_request_id", "") or "")
    if jobs.is_domain_event(event):
        LambdaHandler()  # a singleton: loads zappa_settings and sets Django up once per container
        return jobs.domain_event(event, context)
    response = LambdaHandler.lambda_handler(event, context)
    return fix_cookies(response) if isinstance(response, dict) else response


if os.environ.get("AWS_LAMBDA_FUNCTION_NAME") and not os.environ.get("HOTEL_LAZY_INIT"):
    warm_up()
