"""The audit log: recent actions on the index, and the manager's viewer (queries only)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hotel.audit.models import AuditEntry
from rooms.services import room_set_status
from tests.hotel.audit.test_admin_filters import entry_rows

AUDIT = "/admin/audit/auditentry/"


@pytest.fixture
def audit_reads(monkeypatch):
    calls = []
    real_query = AuditEntry.query

    def query(hash_key, *args, **kwargs):
        calls.append(("query", kwargs.get("index_name")))
        return real_query(hash_key, *args, **kwargs)

    def scan(*args, **kwargs):
        raise AssertionError("the audit log viewer must never scan")

    monkeypatch.setattr(AuditEntry, "query", query)
    monkeypatch.setattr(AuditEntry, "scan", scan)
    return calls


def test_the_index_shows_my_recent_actions(admin_client, make_room):
    make_room(roomId="101")
    admin_client.post(
        "/admin/rooms/room/", {"action": "mark_maintenance", "_selected_action": ["101"]}
    )

    response = admin_client.get("/admin/")

    assert response.status_code == 200
    text = response.content.decode()
    assert "Recent actions" in text
    assert '<a href="/admin/rooms/room/101/change/">101</a>' in text


def test_recent_actions_are_only_mine(admin_client, make_room):
    make_room(roomId="101")

    response = admin_client.get("/admin/")

    assert b"None available" in response.content


def test_filter_by_staff_member_queries_the_actor_index(admin_client, make_room, audit_reads):
    make_room(roomId="101")
    room_set_status(
        room_id="101", status="maintenance", actor="linen@hotel.test", now=datetime.now(UTC)
    )

    response = admin_client.get(AUDIT, {"actor": "linen@hotel.test"})

    assert response.status_code == 200
    assert b"linen@hotel.test" in response.content
    assert b"factory@staff.test" not in response.content.split(b"changelist-filter")[0]
    assert b"available \xe2\x86\x92 maintenance" in response.content
    assert audit_reads == [("query", "staffActor-entryId-index")]


def test_filter_by_object_queries_its_key(admin_client, make_room, audit_reads):
    make_room(roomId="101")
    make_room(roomId="102")

    response = admin_client.get(AUDIT, {"objectType": "rooms.room", "objectId": "102"})

    assert b"102" in response.content
    assert b'objectId=101"' not in response.content
    assert audit_reads == [("query", None)]


def test_filter_by_day_queries_the_day_index(admin_client, make_room, audit_reads):
    make_room(roomId="101")  # the factory writes on 2026-03-02

    listed = admin_client.get(AUDIT, {"day": "2026-03-02"})
    other = admin_client.get(AUDIT, {"day": "2026-03-03"})

    assert b'objectId=101"' in listed.content
    assert b'objectId=101"' not in other.content
    assert audit_reads == [("query", "day-entryId-index")] * 2


def test_without_filters_the_viewer_shows_today(admin_client, make_room, audit_reads):
    make_room(roomId="101")
    room_set_status(
        room_id="101", status="maintenance", actor="x@hotel.test", now=datetime.now(UTC)
    )

    response = admin_client.get(AUDIT)

    assert response.status_code == 200
    assert b"x@hotel.test" in response.content
    assert audit_reads == [("query", "day-entryId-index")]


@pytest.mark.parametrize(
    "params", [{"day": "yesterday"}, {"objectType": "rooms.room"}, {"cursor": "zzz"}]
)
def test_bad_audit_filters_are_messages(admin_client, params):
    response = admin_client.get(AUDIT, params)

    assert response.status_code == 200
    assert b'class="warning"' in response.content


def test_a_guest_or_a_process_is_listed_from_the_day_index(admin_client, make_room, audit_reads):
    """They are in no staffActor index: their entries of a day (the day filter's, else today)
    or of an object are read, keeping only theirs — a Query still, never a Scan."""
    sweeper = "system:night-audit"
    make_room(roomId="101")  # the factory's entry, on 2026-03-02
    room_set_status(room_id="101", status="maintenance", actor=sweeper,
                    now=datetime(2026, 3, 2, 11, tzinfo=UTC))  # fmt: skip
    room_set_status(room_id="101", status="available", actor=sweeper,
                    now=datetime(2026, 3, 3, 11, tzinfo=UTC))  # fmt: skip
    room_set_status(room_id="101", status="maintenance", actor=sweeper, now=datetime.now(UTC))

    that_day = admin_client.get(AUDIT, {"actor": sweeper, "day": "2026-03-02"})
    today = admin_client.get(AUDIT, {"actor": sweeper})
    on_the_room = admin_client.get(
        AUDIT, {"actor": sweeper, "objectType": "rooms.room", "objectId": "101"}
    )

    assert [len(entry_rows(page.content)) for page in (that_day, today, on_the_room)] == [1, 1, 3]
    [row] = entry_rows(that_day.content)
    assert "available → maintenance" in row and "factory@staff.test" not in row
    # "Who" links to that actor's day (theirs are listed by day), a staff member's to them.
    assert 'href="?actor=system%3Anight-audit&amp;day=2026-03-02"' in row
    everyone = admin_client.get(AUDIT, {"day": "2026-03-02"}).content.decode()
    assert 'href="?actor=factory%40staff.test"' in everyone
    day_index = ("query", "day-entryId-index")
    assert audit_reads == [day_index, day_index, ("query", None), day_index]
