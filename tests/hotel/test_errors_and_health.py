"""The one error shape, request ids, health check, schema and docs."""

import json

import pytest
from django.conf import settings

from hotel import dynamo
from tests.rooms.test_api import assert_error


def test_unknown_api_route_is_404_in_the_error_shape(client):
    assert_error(client.get("/api/nothing-here"), 404, "NOT_FOUND")


def test_wrong_method_is_405(client):
    assert_error(client.get("/api/auth/token"), 405, "METHOD_NOT_ALLOWED")


def test_every_response_carries_a_request_id(client):
    assert len(client.get("/api/rooms")["X-Request-Id"]) >= 8
    assert client.get("/healthz")["X-Request-Id"]


def test_a_sane_incoming_request_id_is_echoed_and_a_bad_one_replaced(client):
    assert client.get("/api/rooms", HTTP_X_REQUEST_ID="trace-12345678")["X-Request-Id"] == (
        "trace-12345678"
    )
    assert client.get("/api/rooms", HTTP_X_REQUEST_ID="<script>")["X-Request-Id"] != "<script>"


def test_healthz_ok_when_dynamodb_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_503_in_the_error_shape_when_dynamodb_is_down(client, monkeypatch):
    monkeypatch.setitem(
        settings.DYNAMODB,
        "endpoint",
        "http://127.0.0.1:9",  # nothing listens on port 9
    )
    dynamo.connection.cache_clear()
    try:
        response = client.get("/healthz")
    finally:
        monkeypatch.undo()
        dynamo.connection.cache_clear()
        dynamo.share_connections()
    error = assert_error(response, 503, "SERVICE_UNAVAILABLE")
    assert error["message"]
    assert response["Retry-After"] == "5"


def test_openapi_schema_lists_the_room_and_auth_endpoints(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/rooms", "/api/rooms/{room_id}", "/api/auth/token"} <= set(schema["paths"])
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_api_docs_page_uses_local_assets_only(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html


@pytest.mark.parametrize("origin_allowed", [True, False])
def test_cors_only_for_configured_origins(client, settings, origin_allowed):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example"] if origin_allowed else []
    response = client.get("/api/rooms", HTTP_ORIGIN="https://app.example")
    assert (response.get("Access-Control-Allow-Origin") == "https://app.example") is origin_allowed


def test_the_schema_command_describes_the_bearer_tokens_too(tmp_path):
    # The extension is registered by the generator class, not only by the schema's view.
    from django.core.management import call_command

    out = tmp_path / "schema.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(out))
    schema = json.loads(out.read_text())
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
