"""No request path opens an ORM connection: crawl every page staff and guests can reach."""

import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.db.backends.dummy.base import DatabaseWrapper
from django.db.models.sql.compiler import SQLCompiler

from hotel.accounts import roles

LINK = re.compile(r'(?:href|action)="([^"#]+)"')


@pytest.fixture
def orm_calls(monkeypatch):
    calls = []

    def record(self, *args, **kwargs):
        calls.append(type(self).__name__)
        raise AssertionError("ORM database used")

    # Every ORM query is compiled by SQLCompiler.execute_sql; raw access goes through the wrapper.
    monkeypatch.setattr(SQLCompiler, "execute_sql", record)
    for name in ("ensure_connection", "_cursor", "cursor", "connect"):
        monkeypatch.setattr(DatabaseWrapper, name, record, raising=False)
    return calls


def crawl(client, starts, limit=200):
    seen, queue, statuses = set(), list(starts), {}
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        statuses[url] = response.status_code
        content_type = response.get("Content-Type", "")
        if response.status_code == 200 and content_type.startswith("text/html"):
            for link in LINK.findall(response.content.decode()):
                target = urljoin(url, link.replace("&amp;", "&"))
                parts = urlsplit(target)
                if (
                    parts.netloc
                    or "logout" in parts.path
                    or parts.path.startswith((settings.STATIC_URL, settings.MEDIA_URL))
                ):
                    continue
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return statuses


def test_no_database_is_configured():
    # DATABASES = {} in settings; Django fills in only its dummy backend, which refuses queries.
    assert [db["ENGINE"] for db in settings.DATABASES.values()] == ["django.db.backends.dummy"]


def test_crawling_every_page_as_a_manager_never_touches_an_orm(admin_client, make_room, orm_calls):
    make_room(roomId="R-101")
    make_room(roomId="R-102", status="maintenance")
    statuses = crawl(admin_client, ["/", "/admin/", "/api/rooms", "/api/docs/", "/healthz"])
    assert orm_calls == []
    assert len(statuses) > 10
    errors = {url: code for url, code in statuses.items() if code >= 500}
    assert errors == {}


def test_login_logout_and_api_writes_never_touch_an_orm(client, api, make_staff, orm_calls):
    from tests.conftest import PASSWORD

    user = make_staff(roles.MANAGER)
    response = client.post("/admin/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.post("/admin/logout/").status_code in (200, 302)
    staff_api = api.as_role(roles.MANAGER)
    room = {
        "roomId": "R-1",
        "roomType": "Suite",
        "floorNumber": 1,
        "capacity": 2,
        "pricePerNight": 1,
    }
    assert staff_api.post("/api/rooms", room, format="json").status_code == 201
    assert staff_api.patch("/api/rooms/R-1", {"capacity": 3}, format="json").status_code == 200
    assert staff_api.delete("/api/rooms/R-1").status_code == 204
    assert orm_calls == []
