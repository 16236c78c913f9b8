"""response_for: every kind of exception leaves in the one error shape; actor_from."""

import json
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from django.test import RequestFactory
from rest_framework import exceptions as drf

from hotel.actor import GUEST, actor_from
from hotel.api.responses import is_expected, response_for
from hotel.errors import NoSuchEndpoint, ServiceUnavailable, ValidationFailed


@pytest.fixture
def request_():
    request = RequestFactory().get("/api/x")
    request.request_id = "req-12345678"
    request.user = AnonymousUser()
    return request


@pytest.mark.parametrize(
    ("exc", "status", "code", "message"),
    [
        (ValidationFailed(details={"fields": {"a": ["b"]}}), 400, "VALIDATION_ERROR", None),
        (NoSuchEndpoint(), 404, "NOT_FOUND", "No such API endpoint."),
        (Http404(), 404, "NOT_FOUND", "Not found."),
        (PermissionDenied(), 403, "PERMISSION_DENIED", None),
        (RequestDataTooBig(), 413, "PAYLOAD_TOO_LARGE", "The request body is too large."),
        (drf.ValidationError({"x": ["bad"]}), 400, "VALIDATION_ERROR", "Some fields are invalid."),
        (drf.NotAuthenticated(), 401, "NOT_AUTHENTICATED", None),
        (RuntimeError("boom"), 500, "INTERNAL_ERROR", "Something went wrong on our side."),
    ],
)
def test_each_exception_in_the_error_shape(request_, exc, status, code, message):
    response = response_for(exc, request_)
    body = json.loads(response.content)
    assert response.status_code == status
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "statusCode", "requestId", "details"}
    assert body["error"]["code"] == code and body["error"]["statusCode"] == status
    assert body["error"]["requestId"] == "req-12345678"
    if message:
        assert body["error"]["message"] == message
    assert is_expected(exc) is (status != 500)


def test_field_errors_are_flattened(request_):
    body = json.loads(response_for(drf.ValidationError({"a": {"b": ["x"]}}), request_).content)
    assert body["error"]["details"] == {"fields": {"a.b": ["x"]}}


def test_retry_after_on_503_and_on_a_429_that_says_when(request_):
    assert response_for(ServiceUnavailable(), request_)["Retry-After"] == "5"
    locked = ValidationFailed(details={"retryAfterSeconds": 42})
    locked.status_code = 429
    assert response_for(locked, request_)["Retry-After"] == "42"


def test_actor_from_a_request(request_):
    now = datetime(2026, 1, 2, tzinfo=UTC)
    actor = actor_from(request_, now=now)
    assert (actor.who, actor.now, actor.request_id) == (GUEST, now, "req-12345678")
    assert actor.as_kwargs() == {"actor": GUEST, "now": now, "request_id": "req-12345678"}


def test_a_guest_page_acts_as_the_guest_even_for_logged_in_staff(request_, manager):
    request_.user = manager
    assert actor_from(request_).who == manager.email
    assert actor_from(request_, guest=True).who == GUEST
