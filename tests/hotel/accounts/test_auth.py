"""Staff authentication: passwords, lockout, sessions in DynamoDB, roles."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.auth import authenticate

from hotel.accounts import roles
from hotel.accounts.models import StaffAccount, StoredSession
from hotel.accounts.services import LoginLocked, staff_authenticate, staff_create
from hotel.accounts.sessions import SessionStore
from hotel.errors import Conflict, ValidationFailed
from hotel.throttle import ThrottleCounter
from tests.conftest import PASSWORD

# The real clock, not the suite's fixed NOW: throttle windows and sessions carry a DynamoDB TTL,
# and DynamoDB Local deletes items whose TTL has passed within seconds, mid-test.
NOW = datetime.now(UTC).replace(microsecond=0)


def test_password_is_stored_hashed_never_plain(manager):
    item = StaffAccount.get(manager.email)
    assert PASSWORD not in item.passwordHash
    assert item.passwordHash.startswith(settings.PASSWORD_HASHERS[0].rsplit(".", 1)[1][:3].lower())


def test_correct_password_authenticates_case_insensitive_email(manager):
    user = staff_authenticate(email=manager.email.upper(), password=PASSWORD, now=NOW)
    assert user is not None and user.email == manager.email


def test_wrong_password_returns_none_and_counts_a_failure(manager):
    assert staff_authenticate(email=manager.email, password="nope", now=NOW) is None
    assert ThrottleCounter.get(f"login:{manager.email}").failures == 1


def test_lockout_after_max_failures_refuses_even_the_right_password(manager):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        assert staff_authenticate(email=manager.email, password="wrong", now=NOW) is None
    with pytest.raises(LoginLocked) as excinfo:
        staff_authenticate(email=manager.email, password=PASSWORD, now=NOW)
    assert excinfo.value.status_code == 429
    later = NOW + timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS + 1)
    assert staff_authenticate(email=manager.email, password=PASSWORD, now=later) is not None


def test_unknown_email_is_throttled_too():
    for _ in range(settings.LOGIN_MAX_FAILURES):
        assert staff_authenticate(email="ghost@x.test", password="x", now=NOW) is None
    with pytest.raises(LoginLocked):
        staff_authenticate(email="ghost@x.test", password="x", now=NOW)


def test_success_clears_the_failure_count(manager):
    staff_authenticate(email=manager.email, password="wrong", now=NOW)
    staff_authenticate(email=manager.email, password=PASSWORD, now=NOW)
    assert ThrottleCounter.count(f"login:{manager.email}") == 0


def test_inactive_staff_cannot_log_in(manager):
    manager.is_active = False
    manager.save(update_fields=["is_active"])
    assert staff_authenticate(email=manager.email, password=PASSWORD, now=NOW) is None


def test_django_authenticate_goes_through_the_dynamo_backend(manager):
    assert authenticate(None, username=manager.email, password=PASSWORD).email == manager.email
    assert authenticate(None, username=manager.email, password="bad") is None


def test_duplicate_email_is_a_conflict(manager):
    with pytest.raises(Conflict):
        staff_create(email=manager.email, password=PASSWORD, role=roles.MANAGER, now=NOW)


def test_create_validates_email_role_and_password():
    with pytest.raises(ValidationFailed) as excinfo:
        staff_create(email="not-an-email", password="123", role="chef", now=NOW)
    fields = excinfo.value.details["fields"]
    assert set(fields) == {"email", "role", "password"}


@pytest.mark.parametrize(
    ("role", "perm", "allowed"),
    [
        (roles.MANAGER, "rooms.delete_room", True),
        (roles.FRONT_DESK, "rooms.change_room_status", True),
        (roles.FRONT_DESK, "rooms.add_room", False),
        (roles.FRONT_DESK, "bookings.change_booking", True),
        (roles.HOUSEKEEPING, "rooms.change_room_status", True),
        (roles.HOUSEKEEPING, "bookings.view_booking", False),
        (roles.ACCOUNTANT, "payments.refund_payment", True),
        (roles.ACCOUNTANT, "rooms.change_room", False),
    ],
)
def test_roles_grant_exactly_their_permissions(make_staff, role, perm, allowed):
    assert make_staff(role).has_perm(perm) is allowed


def test_session_round_trip_and_delete():
    store = SessionStore()
    store["cart"] = "R-101"
    store.save()
    key = store.session_key
    assert StoredSession.get(key).expiresAt > NOW
    assert SessionStore(session_key=key)["cart"] == "R-101"
    store.delete()
    assert not SessionStore().exists(key)


def test_expired_session_is_treated_as_empty_before_ttl_sweeps_it():
    store = SessionStore()
    store["x"] = 1
    store.set_expiry(1)
    store.save()
    item = StoredSession.get(store.session_key)
    item.expiresAt = NOW - timedelta(days=1)
    item.save()
    assert SessionStore(session_key=store.session_key).load() == {}
