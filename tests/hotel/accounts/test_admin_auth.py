"""Staff login, lockout, logout and password change in /admin/ (sessions in DynamoDB)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone
from pynamodb.exceptions import DoesNotExist

from hotel.accounts.models import StoredSession
from hotel.accounts.services import staff_authenticate
from hotel.audit.selectors import audit_for_object
from tests.conftest import PASSWORD

LOGIN = "/admin/login/?next=/admin/"


def test_login_page_renders():
    response = Client().get("/admin/login/")

    assert response.status_code == 200
    assert b'id="login-form"' in response.content


def test_anonymous_users_are_sent_to_the_login_page():
    response = Client().get("/admin/rooms/room/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/admin/rooms/room/")


def test_login_with_the_right_password_opens_the_admin(manager):
    client = Client()

    response = client.post(LOGIN, {"username": manager.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/admin/dashboard/"  # the working page, not the index
    assert client.get("/admin/").status_code == 200


def test_login_email_is_not_case_sensitive(manager):
    response = Client().post(LOGIN, {"username": manager.email.upper(), "password": PASSWORD})

    assert response.status_code == 302


def test_a_wrong_password_shows_the_generic_error(manager):
    client = Client()

    response = client.post(LOGIN, {"username": manager.email, "password": "not-it"})

    assert response.status_code == 200
    assert b"Please enter the correct" in response.content
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("failures", [5, 6])
def test_repeated_failures_lock_the_account_with_a_clear_message(manager, failures):
    client = Client()
    for _ in range(failures):
        response = client.post(LOGIN, {"username": manager.email, "password": "guess"})

    assert b"Too many failed logins for this account" in response.content

    response = client.post(LOGIN, {"username": manager.email, "password": PASSWORD})

    assert response.status_code == 429  # refused before the password is checked
    assert int(response["Retry-After"]) > 0
    assert b"Too many failed logins for this account" in response.content
    assert b"Please enter the correct" not in response.content
    assert client.get("/admin/").status_code == 302


def test_logout_deletes_the_session_item(manager):
    client = Client()
    client.post(LOGIN, {"username": manager.email, "password": PASSWORD})
    session_key = client.cookies["sessionid"].value
    assert StoredSession.get(session_key).sessionKey == session_key

    response = client.post("/admin/logout/")

    assert response.status_code == 200
    with pytest.raises(DoesNotExist):
        StoredSession.get(session_key)
    assert client.get("/admin/").status_code == 302


def test_password_change_keeps_the_session_and_is_audited(manager):
    client = Client()
    client.post(LOGIN, {"username": manager.email, "password": PASSWORD})
    new_password = "a-brand-new-secret-42"

    assert client.get("/admin/password_change/").status_code == 200
    response = client.post(
        "/admin/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": new_password,
            "new_password2": new_password,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/password_change/done/"
    assert client.get("/admin/").status_code == 200
    now = timezone.now()
    assert staff_authenticate(email=manager.email, password=new_password, now=now) is not None
    assert staff_authenticate(email=manager.email, password=PASSWORD, now=now) is None
    actions = [
        e.action for e in audit_for_object(object_type="accounts.staff", object_id=manager.email)
    ]
    assert "set_password" in actions


def test_password_change_rejects_a_wrong_old_password(admin_client):
    response = admin_client.post(
        "/admin/password_change/",
        {
            "old_password": "wrong",
            "new_password1": "x-new-pass-99",
            "new_password2": "x-new-pass-99",
        },
    )

    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/admin/"])
def test_a_rejected_next_lands_on_the_admin_not_a_404(manager, next_url):
    client = Client()

    response = client.post(
        f"/admin/login/?next={next_url}", {"username": manager.email, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get(response["Location"]).status_code == 200
