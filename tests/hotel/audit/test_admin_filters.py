"""The audit log viewer combines its filters: a staff member's changes on one day, or on one
object (each still one Query, the others applied to what it reads)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from rooms.services import room_set_housekeeping, room_set_status

DAY_ONE = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
DAY_TWO = DAY_ONE + timedelta(days=1)
LOG = "/admin/audit/auditentry/"


def entry_rows(content: bytes) -> list[str]:
    table = content.decode().split('id="result_list"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr[^>]*>.*?</tr>", table.split("</thead>", 1)[1], flags=re.S)


def test_staff_member_and_day_together(admin_client, make_room):
    make_room(roomId="101")
    make_room(roomId="102")
    room_set_housekeeping(room_id="101", state="dirty", actor="ann@hotel.test", now=DAY_ONE)
    room_set_housekeeping(room_id="102", state="dirty", actor="ann@hotel.test", now=DAY_TWO)
    room_set_status(room_id="101", status="maintenance", actor="bob@hotel.test", now=DAY_ONE)

    page = admin_client.get(LOG, {"actor": "ann@hotel.test", "day": "2026-03-02"})

    rows = entry_rows(page.content)
    assert page.status_code == 200
    assert len(rows) == 1 and "ann@hotel.test" in rows[0] and "101" in rows[0]


def test_staff_member_and_object_together(admin_client, make_room):
    make_room(roomId="101")
    make_room(roomId="102")
    room_set_housekeeping(room_id="101", state="dirty", actor="ann@hotel.test", now=DAY_ONE)
    room_set_housekeeping(room_id="102", state="dirty", actor="ann@hotel.test", now=DAY_ONE)
    room_set_status(room_id="101", status="maintenance", actor="bob@hotel.test", now=DAY_TWO)

    page = admin_client.get(
        LOG, {"actor": "ann@hotel.test", "objectType": "rooms.room", "objectId": "101"}
    )

    rows = entry_rows(page.content)
    assert len(rows) == 1 and "ann@hotel.test" in rows[0]
