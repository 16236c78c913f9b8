"""Managers add staff, change their role, deactivate them and set their passwords."""

from __future__ import annotations

from django.utils import timezone

from hotel.accounts import roles
from hotel.accounts.models import StaffAccount
from hotel.accounts.services import (
    api_token_issue,
    api_token_user,
    staff_authenticate,
    staff_get,
)
from hotel.audit.selectors import audit_for_object

ADD = "/admin/accounts/staffuser/add/"


def change_url(email: str) -> str:
    return f"/admin/accounts/staffuser/{email}/change/"


def staff_form(**overrides) -> dict:
    data = {
        "email": "Asha@Hotel.test",
        "fullName": "Asha Rao",
        "role": roles.HOUSEKEEPING,
        "password": "linen-and-towels-77",
        "password_again": "linen-and-towels-77",
    }
    data.update(overrides)
    return data


def edit_form(user, **overrides) -> dict:
    data = {
        "fullName": user.full_name,
        "role": user.role,
        "_version": str(StaffAccount.get(user.email).version),
    }
    if user.is_active:
        data["isActive"] = "on"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_staff_list_shows_roles_and_never_passwords(admin_client, make_staff):
    make_staff(roles.ACCOUNTANT, email="books@hotel.test")

    response = admin_client.get("/admin/accounts/staffuser/")

    assert response.status_code == 200
    assert b"books@hotel.test" in response.content
    assert b"Accountant" in response.content
    assert b"md5$" not in response.content


def test_the_staff_list_filters_by_role(admin_client, make_staff):
    make_staff(roles.ACCOUNTANT, email="books@hotel.test")
    make_staff(roles.HOUSEKEEPING, email="linen@hotel.test")

    response = admin_client.get("/admin/accounts/staffuser/", {"role": roles.HOUSEKEEPING})

    assert b"linen@hotel.test" in response.content
    assert b"books@hotel.test" not in response.content


def test_a_manager_adds_a_staff_member(admin_client):
    response = admin_client.post(ADD, staff_form())

    assert response.status_code == 302
    user = staff_get(email="asha@hotel.test")
    assert (user.full_name, user.role, user.is_active) == ("Asha Rao", roles.HOUSEKEEPING, True)
    now = timezone.now()
    assert staff_authenticate(email="asha@hotel.test", password="linen-and-towels-77", now=now)
    [entry] = audit_for_object(object_type="accounts.staff", object_id="asha@hotel.test")
    assert (entry.action, entry.actor) == ("create", admin_client.user.email)


def test_adding_staff_checks_both_passwords_and_their_strength(admin_client):
    differ = admin_client.post(ADD, staff_form(password_again="something-else-88"))
    weak = admin_client.post(ADD, staff_form(password="123", password_again="123"))

    assert "password_again" in differ.context["form"].errors
    assert weak.context["form"].errors["password"]
    assert staff_get(email="asha@hotel.test") is None


def test_adding_an_existing_email_is_refused(admin_client, make_staff):
    make_staff(roles.HOUSEKEEPING, email="asha@hotel.test")

    response = admin_client.post(ADD, staff_form())

    assert response.status_code == 200
    assert b"already exists" in response.content


def test_deactivating_staff_revokes_their_tokens(admin_client, make_staff):
    user = make_staff(roles.FRONT_DESK, email="desk@hotel.test")
    token = api_token_issue(user=user, now=timezone.now()).token
    assert api_token_user(token=token, now=timezone.now()) is not None

    response = admin_client.post(change_url(user.email), edit_form(user, isActive=None))

    assert response.status_code == 302
    assert staff_get(email=user.email).is_active is False
    assert api_token_user(token=token, now=timezone.now()) is None
    entry = audit_for_object(object_type="accounts.staff", object_id=user.email)[0]
    assert entry.action == "deactivate"
    assert entry.changes == {"isActive": [True, False]}


def test_changing_a_role(admin_client, make_staff):
    user = make_staff(roles.FRONT_DESK, email="desk@hotel.test")

    admin_client.post(change_url(user.email), edit_form(user, role=roles.ACCOUNTANT))

    assert staff_get(email=user.email).role == roles.ACCOUNTANT


def test_a_manager_cannot_deactivate_themselves(admin_client):
    me = admin_client.user

    response = admin_client.post(change_url(me.email), edit_form(me, isActive=None))

    assert response.status_code == 200
    assert "cannot deactivate your own account" in response.content.decode()
    assert staff_get(email=me.email).is_active is True


def test_a_stale_staff_edit_is_refused(admin_client, make_staff):
    user = make_staff(roles.FRONT_DESK, email="desk@hotel.test")
    data = edit_form(user, role=roles.ACCOUNTANT)
    admin_client.post(change_url(user.email), edit_form(user, fullName="Changed first"))

    response = admin_client.post(change_url(user.email), data)

    assert response.status_code == 200
    assert b"Someone else changed this staff member" in response.content
    assert staff_get(email=user.email).role == roles.FRONT_DESK


def test_staff_cannot_be_deleted(admin_client, make_staff):
    user = make_staff(roles.FRONT_DESK, email="desk@hotel.test")

    assert admin_client.get(f"/admin/accounts/staffuser/{user.email}/delete/").status_code == 403


def test_a_manager_sets_someone_elses_password(admin_client, make_staff):
    user = make_staff(roles.FRONT_DESK, email="desk@hotel.test")
    url = f"/admin/accounts/staffuser/{user.email}/password/"

    assert admin_client.get(url).status_code == 200
    mismatch = admin_client.post(url, {"password": "fresh-start-123", "password_again": "x"})
    assert "password_again" in mismatch.context["form"].errors
    response = admin_client.post(
        url, {"password": "fresh-start-123", "password_again": "fresh-start-123"}
    )

    assert response.status_code == 302
    assert staff_authenticate(email=user.email, password="fresh-start-123", now=timezone.now())
    entry = audit_for_object(object_type="accounts.staff", object_id=user.email)[0]
    assert entry.action == "set_password"
    assert "passwordHash" not in (entry.after or {})


def test_other_roles_cannot_set_passwords(client_for, make_staff):
    user = make_staff(roles.FRONT_DESK, email="desk@hotel.test")
    client = client_for(roles.FRONT_DESK)

    response = client.post(
        f"/admin/accounts/staffuser/{user.email}/password/",
        {"password": "fresh-start-123", "password_again": "fresh-start-123"},
    )

    assert response.status_code == 403
