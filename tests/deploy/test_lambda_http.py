"""hotel.lambda_http: API Gateway's HTTP events into a WSGI app and back, with what Zappa's
handler did that the app relies on. A WSGI app that records its environ stands for Django
here; tests/deploy/test_packaged_handler.py runs the packaged Django app on the same events."""

from __future__ import annotations

import base64
import json
import logging

import pytest

from hotel.lambda_http import http_handler, is_http_event, viewer_address

from .conftest import load_event

CSRF = "csrftoken=abc; expires=Sun, 21 Nov 2027 22:42:51 GMT; Max-Age=31449600; Path=/"
SESSION = "sessionid=xyz; HttpOnly; Path=/; SameSite=Lax"


class Recorder:
    """A WSGI app: records the environ, answers what the test set."""

    def __init__(
        self, status="200 OK", headers=(("Content-Type", "application/json"),), body=b"{}"
    ):
        self.status, self.headers, self.body = status, list(headers), body
        self.environ: dict = {}

    def __call__(self, environ, start_response):
        self.environ = dict(environ)
        self.environ["body"] = environ["wsgi.input"].read()
        start_response(self.status, self.headers)
        return [self.body]


def call(event, app=None):
    app = app or Recorder()
    return http_handler(app)(event, None), app


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_the_viewer_is_the_hop_before_cloudfront_and_the_request_is_https(version):
    event = load_event(f"apigw_{version}_get_rooms")
    _, app = call(event)
    environ = app.environ
    assert environ["REMOTE_ADDR"] == "203.0.113.7"  # X-Forwarded-For: viewer, CloudFront
    assert environ["wsgi.url_scheme"] == "https" and environ["HTTPS"] == "on"
    assert environ["PATH_INFO"] == "/api/rooms" and environ["SCRIPT_NAME"] == ""
    assert environ["QUERY_STRING"] == "limit=2"
    assert environ["lambda.event"] is event


def test_an_underscore_header_cannot_stand_in_for_a_dashed_one():
    event = load_event("apigw_v2_get_rooms")
    event["headers"]["x_forwarded_for"] = "6.6.6.6, 130.176.1.12"  # after the real one
    event["headers"]["content_type"] = "text/evil"
    event["headers"]["x_lonely"] = "dropped"
    _, app = call(event)
    assert app.environ["REMOTE_ADDR"] == "203.0.113.7"
    assert app.environ["HTTP_X_FORWARDED_FOR"] == "203.0.113.7, 130.176.1.12"
    assert "CONTENT_TYPE" not in app.environ and "HTTP_CONTENT_TYPE" not in app.environ
    assert "HTTP_X_LONELY" not in app.environ
    event["headers"]["content-type"] = "application/json"
    _, app = call(event)
    assert app.environ["CONTENT_TYPE"] == app.environ["HTTP_CONTENT_TYPE"] == "application/json"


def test_paths_and_cookie_lines_arrive_as_the_client_sent_them():
    v1 = load_event("apigw_v1_get_rooms")
    v1["path"] = "/book/café/日本/"  # REST APIs hand the path over decoded
    v1["multiValueHeaders"]["Cookie"] = ["csrftoken=a", "sessionid=b"]
    _, app = call(v1)
    assert app.environ["PATH_INFO"] == "/book/café/日本/".encode().decode("latin-1")
    assert app.environ["HTTP_COOKIE"] == "csrftoken=a; sessionid=b"
    v2 = load_event("apigw_v2_get_rooms")
    v2["rawPath"] = "/book/caf%C3%A9/"  # HTTP APIs as the client encoded it
    _, app = call(v2)
    assert app.environ["PATH_INFO"] == "/book/café/".encode().decode("latin-1")


def test_hops_the_client_wrote_are_never_believed():
    assert viewer_address("6.6.6.6, 203.0.113.7, 130.176.1.12") == "203.0.113.7"
    assert viewer_address("203.0.113.7") == "203.0.113.7"
    assert viewer_address("") == "127.0.0.1"


def test_a_call_to_api_gateways_own_address_keeps_the_stage_in_links():
    v2 = load_event("apigw_v2_get_rooms")
    v2["requestContext"]["stage"] = "dev"
    v2["rawPath"] = "/dev/api/rooms"
    _, app = call(v2)
    assert (app.environ["SCRIPT_NAME"], app.environ["PATH_INFO"]) == ("/dev", "/api/rooms")
    v1 = load_event("apigw_v1_get_rooms")
    v1["requestContext"]["stage"] = "dev"
    v1["headers"]["Host"] = v1["multiValueHeaders"]["Host"][0] = "x.execute-api.amazonaws.com"
    _, app = call(v1)
    assert (app.environ["SCRIPT_NAME"], app.environ["PATH_INFO"]) == ("/dev", "/api/rooms")
    v2["rawPath"] = "/development/api/rooms"  # shares the stage's letters only
    _, app = call(v2)
    assert (app.environ["SCRIPT_NAME"], app.environ["PATH_INFO"]) == ("", "/development/api/rooms")


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_a_body_arrives_byte_for_byte(version):
    event = load_event(f"apigw_{version}_stripe_webhook")
    raw = event["body"].encode() if not event.get("isBase64Encoded") else None
    raw = raw or base64.b64decode(event["body"])
    _, app = call(event)
    assert app.environ["body"] == raw
    assert app.environ["CONTENT_LENGTH"] == str(len(raw))


def test_each_cookie_is_sent_once():
    app = Recorder(  # Django's WSGI handler leaves a space before each cookie
        status="302 Found",
        headers=[
            ("Location", "/admin/"),
            ("Set-Cookie", f" {CSRF}"),
            ("Set-Cookie", f" {SESSION}"),
        ],
        body=b"",
    )
    v2, _ = call(load_event("apigw_v2_admin_login"), app)
    assert v2["cookies"] == [CSRF, SESSION]
    assert v2["headers"]["location"] == "/admin/"
    v1, _ = call(load_event("apigw_v1_admin_login"), app)
    assert v1["multiValueHeaders"]["Set-Cookie"] == [CSRF, SESSION]
    assert v1["headers"] == {"Location": "/admin/"}  # no cookie twice when API Gateway merges


@pytest.mark.parametrize(
    ("content_type", "binary"),
    [
        ("application/json", False),
        ("text/html; charset=utf-8", False),
        ("application/javascript", False),
        ("image/svg+xml", False),
        ("image/webp", True),
        ("application/pdf", True),
    ],
)
def test_bodies_that_are_not_text_go_base64(content_type, binary):
    payload = b"\x89PNG\r\n\x00\xff" if binary else b"hello"
    answer, _ = call(
        load_event("apigw_v2_static"),
        Recorder(headers=[("Content-Type", content_type)], body=payload),
    )
    assert answer["isBase64Encoded"] is binary
    got = base64.b64decode(answer["body"]) if binary else answer["body"].encode()
    assert got == payload


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_an_exception_outside_django_is_a_500_in_the_error_shape(version, caplog):
    def broken(environ, start_response):
        raise RuntimeError("boom")

    with caplog.at_level(logging.ERROR, logger="hotel.lambda_http"):
        answer, _ = call(load_event(f"apigw_{version}_get_rooms"), broken)
    assert answer["statusCode"] == 500
    assert json.loads(answer["body"])["error"]["code"] == "SERVER_ERROR"
    assert "boom" in caplog.text


def test_each_request_gets_an_access_line_without_its_query(caplog):
    event = load_event("apigw_v2_get_rooms")
    event["rawQueryString"] = "token=guest-secret"
    with caplog.at_level(logging.INFO, logger="hotel.access"):
        call(event)
    [line] = [r.getMessage() for r in caplog.records if r.name == "hotel.access"]
    assert line.startswith("GET /api/rooms 200 ") and line.endswith("ms")
    assert "secret" not in line


@pytest.mark.parametrize(
    ("name", "http"),
    [
        ("apigw_v1_get_rooms", True),
        ("apigw_v2_post_booking", True),
        ("scheduled_expire_holds", False),
        ("eventbridge_booking_confirmed", False),
        ("dynamodb_stream_bookings", False),
    ],
)
def test_only_api_gateway_requests_take_the_http_path(name, http):
    assert is_http_event(load_event(name)) is http
    assert is_http_event({"command": "hotel.jobs.expire_holds"}) is False
    assert is_http_event({"requestContext": {"elb": {}}, "httpMethod": "GET", "path": "/"}) is False
