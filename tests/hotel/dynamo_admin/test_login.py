"""Where staff land after signing in: their working page (the dashboard; the housekeeping
board for room attendants), not the admin index, unless they asked for another page."""

from __future__ import annotations

import pytest
from django.test import Client

from hotel.accounts import roles
from tests.conftest import PASSWORD

DASHBOARD = "/admin/dashboard/"


def sign_in(user, next_url: str | None = None, *, in_query: bool = False):
    client = Client()
    data = {"username": user.email, "password": PASSWORD}
    url = "/admin/login/"
    if next_url is not None and in_query:
        url += f"?next={next_url}"
    elif next_url is not None:
        data["next"] = next_url
    return client, client.post(url, data)


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        (roles.MANAGER, DASHBOARD),
        (roles.FRONT_DESK, DASHBOARD),
        (roles.ACCOUNTANT, DASHBOARD),
        (roles.HOUSEKEEPING, "/admin/housekeeping/"),
    ],
)
@pytest.mark.parametrize("how", ["no next", "index as next", "bare /admin/ bounce"])
def test_staff_land_on_their_working_page(make_staff, role, landing, how):
    user = make_staff(role)
    next_url = {"no next": None, "index as next": "/admin/", "bare /admin/ bounce": "/admin/"}
    _, response = sign_in(user, next_url[how], in_query=how == "bare /admin/ bounce")

    assert response.status_code == 302
    assert response["Location"] == landing


def test_the_login_page_offers_no_other_destination(make_staff):
    """What a browser does: GET the form (its hidden `next`), POST it back."""
    client = Client()
    form = client.get("/admin/").url  # the bounce of a bare /admin/
    page = client.get(form)
    assert page.status_code == 200
    hidden_next = page.context["next"]

    user = make_staff(roles.FRONT_DESK)
    response = client.post(
        form, {"username": user.email, "password": PASSWORD, "next": hidden_next}
    )

    assert response["Location"] == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200


def test_a_page_asked_for_is_still_where_login_goes(make_staff):
    _, response = sign_in(make_staff(roles.MANAGER), "/admin/rooms/room/", in_query=True)

    assert response["Location"] == "/admin/rooms/room/"


def test_an_already_signed_in_user_opening_the_login_goes_to_the_dashboard(admin_client):
    response = admin_client.get("/admin/login/")

    assert response.status_code == 302 and response["Location"] == DASHBOARD
    assert admin_client.get("/admin/").status_code == 200  # the index is still there
