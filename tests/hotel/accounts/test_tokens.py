"""POST /api/auth/token, bearer authentication, expiry and revocation."""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.test import Client
from rest_framework.test import APIClient

from hotel.accounts import roles
from hotel.accounts.models import ApiToken, StaffAccount
from hotel.accounts.services import (
    api_token_issue,
    api_token_user,
    api_tokens_revoke_all,
    staff_get,
)
from tests.conftest import NOW, PASSWORD
from tests.rooms.test_api import NEW_ROOM, assert_error


def issue(api, email, password=PASSWORD):
    return api.post("/api/auth/token", {"email": email, "password": password}, format="json")


def test_token_issued_for_valid_credentials(api, manager):
    response = issue(api, manager.email)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == {"token", "expiresAt"}
    expires = datetime.fromisoformat(body["expiresAt"].replace("Z", "+00:00"))
    expected = datetime.now(UTC) + timedelta(seconds=settings.API_TOKEN_TTL_SECONDS)
    assert abs((expires - expected).total_seconds()) < 60


def test_token_is_stored_only_as_a_hash(api, manager):
    token = issue(api, manager.email).json()["token"]
    stored = [item.tokenHash for item in ApiToken.scan()]
    assert len(stored) == 1 and token not in stored[0] and len(stored[0]) == 64


def test_bearer_token_authenticates_a_write(api, manager):
    token = issue(api, manager.email).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.post("/api/rooms", NEW_ROOM, format="json").status_code == 201


def test_wrong_password_is_401(api, manager):
    assert_error(issue(api, manager.email, "wrong"), 401, "INVALID_CREDENTIALS")


def test_repeated_failures_lock_the_token_endpoint(api, manager):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        issue(api, manager.email, "wrong")
    error = assert_error(issue(api, manager.email), 429, "LOGIN_LOCKED")
    assert error["details"]["retryAfterSeconds"] > 0


def test_token_request_validation(api):
    error = assert_error(
        api.post("/api/auth/token", {"email": "x"}, format="json"), 400, "VALIDATION_ERROR"
    )
    assert {"email", "password"} <= set(error["details"]["fields"])


def test_garbage_bearer_token_is_401(api):
    api.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert_error(api.post("/api/rooms", NEW_ROOM, format="json"), 401, "AUTHENTICATION_FAILED")


def test_expired_token_is_refused_before_ttl_deletes_it(manager):
    issued = api_token_issue(user=manager, now=NOW)
    assert api_token_user(token=issued.token, now=NOW) is not None
    later = NOW + timedelta(seconds=settings.API_TOKEN_TTL_SECONDS)
    assert api_token_user(token=issued.token, now=later) is None


def test_delete_revokes_the_token_in_use(api, manager):
    token = issue(api, manager.email).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.delete("/api/auth/token").status_code == 204
    assert_error(api.post("/api/rooms", NEW_ROOM, format="json"), 401, "AUTHENTICATION_FAILED")


def test_revoke_all_of_a_staff_member(api, make_staff):
    user = make_staff(roles.FRONT_DESK)
    tokens = [api_token_issue(user=user, now=datetime.now(UTC)).token for _ in range(3)]
    assert api_tokens_revoke_all(email=user.email) == 3
    assert all(api_token_user(token=t, now=datetime.now(UTC)) is None for t in tokens)


def test_deactivated_staff_token_stops_working(manager):
    issued = api_token_issue(user=manager, now=NOW)
    manager.is_active = False
    manager.save(update_fields=["is_active"])
    assert api_token_user(token=issued.token, now=NOW) is None


# --- a password change or reset ends the member's API tokens, as it ends their sessions -------


def bearer(api, token):
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


def test_changing_ones_own_password_in_the_admin_revokes_api_tokens(api, manager):
    token = issue(api, manager.email).json()["token"]
    assert bearer(api, token).post("/api/rooms", NEW_ROOM, format="json").status_code == 201
    admin = Client()
    admin.post("/admin/login/?next=/admin/", {"username": manager.email, "password": PASSWORD})
    new = "a-brand-new-secret-42"

    changed = admin.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )

    assert changed.status_code == 302
    error = assert_error(
        bearer(APIClient(), token).post("/api/rooms", NEW_ROOM | {"roomId": "R-2"}, format="json"),
        401,
        "AUTHENTICATION_FAILED",
    )
    assert "revoked" in error["message"]
    assert ApiToken.count() == 0
    fresh = issue(APIClient(), manager.email, new).json()["token"]
    assert bearer(APIClient(), fresh).delete("/api/auth/token").status_code == 204


def test_a_manager_setting_a_staff_password_revokes_their_tokens(api, admin_client, make_staff):
    desk = make_staff(roles.FRONT_DESK, email="desk@hotel.test")
    token = issue(api, desk.email).json()["token"]
    url = f"/admin/accounts/staffuser/{desk.email}/password/"

    reset = admin_client.post(
        url, {"password": "fresh-start-123", "password_again": "fresh-start-123"}
    )

    assert reset.status_code == 302
    assert_error(bearer(APIClient(), token).get("/api/bookings"), 401, "AUTHENTICATION_FAILED")


def test_djangos_set_password_and_save_revokes_tokens(api, manager):
    token = issue(api, manager.email).json()["token"]
    user = staff_get(email=manager.email)

    user.set_password("changed-by-command-77")  # what `manage.py changepassword` does
    user.save()

    assert_error(bearer(APIClient(), token).get("/api/bookings"), 401, "AUTHENTICATION_FAILED")


def test_a_token_issued_with_the_old_password_dies_even_if_revocation_missed_it(api, manager):
    """The token carries a stamp of the password it was issued under: a login racing the
    change (token written after the revocation swept the table) still ends with it."""
    token = issue(api, manager.email).json()["token"]
    item = StaffAccount.get(manager.email)
    item.update(actions=[StaffAccount.passwordHash.set(make_password("changed-elsewhere-1"))])

    assert_error(bearer(APIClient(), token).get("/api/bookings"), 401, "AUTHENTICATION_FAILED")


def test_other_changes_keep_tokens(api, manager):
    token = issue(api, manager.email).json()["token"]
    user = staff_get(email=manager.email)
    user.full_name = "Renamed Manager"
    user.save(update_fields=["full_name"])

    assert bearer(APIClient(), token).get("/api/bookings").status_code == 200
