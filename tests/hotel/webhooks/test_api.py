"""The webhook API: subscribe (the secret once), list, read, change, delete; every field's
problem in one 400; managers only."""

from __future__ import annotations

from hotel.accounts import roles
from hotel.webhooks.models import WebhookSubscription


def test_a_manager_subscribes_and_gets_the_secret_once(manager_api, receiver):
    response = manager_api.post(
        "/api/webhooks",
        {"url": receiver.url, "events": ["booking.created", "payment.succeeded"]},
        format="json",
    )

    body = response.json()
    assert response.status_code == 201, body
    assert body["webhookId"].startswith("WH-") and body["secret"].startswith("whsec_")
    assert body["events"] == ["booking.created", "payment.succeeded"] and body["active"]
    assert response["Location"].endswith(f"/api/webhooks/{body['webhookId']}")
    listed = manager_api.get("/api/webhooks")
    one = manager_api.get(f"/api/webhooks/{body['webhookId']}")
    assert listed.status_code == one.status_code == 200
    assert listed.json()["count"] == 1
    assert "booking.no_show" in listed.json()["eventTypes"]
    for later in (listed, one):
        assert (
            body["secret"] not in later.content.decode() and "secret" not in later.content.decode()
        )
    stored = WebhookSubscription.get(body["webhookId"])
    assert body["secret"] not in str(stored.attribute_values)  # derived, never stored


def test_unknown_events_bad_url_and_missing_fields_are_named_in_one_400(manager_api):
    bad = manager_api.post(
        "/api/webhooks",
        {"url": "ftp://crm.example/hook", "events": ["booking.created", "booking.eaten"]},
        format="json",
    )
    empty = manager_api.post("/api/webhooks", {}, format="json")
    extra = manager_api.post(
        "/api/webhooks",
        {"url": "https://", "events": [], "colour": "red", "description": "x" * 201},
        format="json",
    )

    assert bad.status_code == empty.status_code == extra.status_code == 400
    fields = bad.json()["error"]["details"]["fields"]
    assert set(fields) == {"url", "events"}
    assert fields["events"][0].startswith("Unknown event type(s): booking.eaten. Choose from:")
    assert "http" in fields["url"][0]
    assert bad.json()["error"]["code"] == "VALIDATION_ERROR"
    assert set(empty.json()["error"]["details"]["fields"]) == {"url", "events"}
    assert set(extra.json()["error"]["details"]["fields"]) == {
        "url",
        "events",
        "colour",
        "description",
    }
    assert list(WebhookSubscription.scan()) == []


def test_a_private_address_is_refused_when_private_addresses_are_not_allowed(manager_api, settings):
    settings.HOTEL_OUTBOUND_ALLOW_PRIVATE = False

    response = manager_api.post(
        "/api/webhooks",
        {"url": "http://127.0.0.1:8000/hook", "events": ["booking.created"]},
        format="json",
    )

    assert response.status_code == 400
    assert "public" in response.json()["error"]["details"]["fields"]["url"][0]


def test_change_switch_off_rotate_the_secret_and_delete(manager_api, subscribe, receiver):
    made = subscribe(receiver.url)
    url = f"/api/webhooks/{made['webhookId']}"

    changed = manager_api.patch(
        url, {"events": ["payment.refunded"], "active": False}, format="json"
    ).json()
    rotated = manager_api.patch(url, {"rotateSecret": True}, format="json").json()
    deleted = manager_api.delete(url)

    assert changed["events"] == ["payment.refunded"] and changed["active"] is False
    assert changed["disabledReason"].startswith("Switched off by") and "secret" not in changed
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != made["secret"]
    assert deleted.status_code == 204
    assert manager_api.get(url).status_code == 404
    assert manager_api.get(url).json()["error"]["code"] == "WEBHOOK_NOT_FOUND"


def test_only_managers_see_or_change_webhooks(api, subscribe, receiver):
    made = subscribe(receiver.url)
    desk = api.as_role(roles.FRONT_DESK)

    assert desk.get("/api/webhooks").status_code == 403
    assert desk.get(f"/api/webhooks/{made['webhookId']}/deliveries").status_code == 403
    assert desk.delete(f"/api/webhooks/{made['webhookId']}").status_code == 403


def test_the_answers_that_show_a_secret_are_not_stored_by_any_cache(manager_api, receiver):
    created = manager_api.post(
        "/api/webhooks", {"url": receiver.url, "events": ["booking.created"]}, format="json"
    )
    url = f"/api/webhooks/{created.json()['webhookId']}"
    rotated = manager_api.patch(url, {"rotateSecret": True}, format="json")
    changed = manager_api.patch(url, {"description": "CRM"}, format="json")
    read = manager_api.get(url)

    assert created.status_code == 201 and "secret" in created.json()
    assert created["Cache-Control"] == "no-store"
    assert rotated.status_code == 200 and "secret" in rotated.json()
    assert rotated["Cache-Control"] == "no-store"
    # Without a secret the API's usual private answer (hotel.middleware.CacheControlMiddleware).
    assert changed["Cache-Control"] == read["Cache-Control"] == "private, no-cache"
