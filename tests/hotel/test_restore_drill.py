"""The restore drill (issue 21): export every table, import it under a new prefix, and the
restored prefix is the same hotel — every item attribute by attribute, the same keys, indexes
and TTL, the invariants hold (`check_integrity`), and an app pointed at it serves a guest's
booking with the guest's token. Importing into tables that hold items is refused."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
import requests
from botocore.exceptions import ClientError
from django.core.management import CommandError, call_command

from bookings.booking_terms import booking_due_now
from bookings.services import booking_create
from devtools.gunicorn_server import start_gunicorn
from devtools.services import REPO, free_port
from hotel import dynamo
from hotel.dynamo import backup
from payments.folio import desk
from payments.services import payment_create
from tests.factories import booking_made
from tests.reliability.conftest import suite_env

pytestmark = pytest.mark.reliability
_seq = itertools.count(1)

# Values of every DynamoDB type, planted on a room: binary and sets must survive the trip.
ODD_VALUES = {
    "drillBlob": {"B": b"\x00\xffbytes"},
    "drillBlobs": {"BS": [b"\x01", b"\x02\x03"]},
    "drillTags": {"SS": ["a", "b"]},
    "drillNumbers": {"NS": ["1", "2.5"]},
    "drillNested": {"M": {"l": {"L": [{"NULL": True}, {"BOOL": False}, {"B": b"\x07"}]}}},
}


def _new_prefix() -> str:
    return f"{os.environ['HOTEL_TABLE_PREFIX']}r{os.getpid()}x{next(_seq)}"


def _stay(room_id: str, days: int, now: datetime, **extra):
    check_in = now.date() + timedelta(days=days)
    return dict(
        room_id=room_id,
        check_in=check_in,
        check_out=check_in + timedelta(days=2),
        guests=1,
        guest_name="Drill Guest",
        guest_email="drill@guest.test",
        actor="test",
        now=now,
        **extra,
    )


@pytest.fixture
def hotel(make_room, manager):
    """Rooms, a paid booking with a minibar charge on its bill, a cancelled one, a pending one."""
    now = datetime.now(UTC)  # localstripe and the guest token meet the real clock
    make_room(roomId="R-1", pricePerNight=10000)
    make_room(roomId="R-2", roomType="Suite", pricePerNight=20000)
    paid = booking_create(**_stay("R-1", 30, now))
    payment_create(
        booking_id=paid.booking.bookingId,
        amount=booking_due_now(paid.booking),
        currency=paid.booking.currency,
        payment_method_id="pm_card_visa",
        actor="guest",
        now=now,
    )
    desk.folio_charge(
        booking_id=paid.booking.bookingId,
        description="Minibar",
        amount=900,
        actor="desk",
        now=now,
    )
    booking_made(**_stay("R-2", 40, now), to=["cancelled"])
    pending = booking_create(**_stay("R-2", 50, now))
    rooms = dynamo.table_name("rooms")
    dynamo.client().update_item(
        TableName=rooms,
        Key={"roomId": {"S": "R-1"}},
        UpdateExpression="SET " + ", ".join(f"{k} = :{k}" for k in ODD_VALUES),
        ExpressionAttributeValues={f":{k}": v for k, v in ODD_VALUES.items()},
    )
    return {"paid": paid, "pending": pending}


def _keyed(model, table: str) -> dict:
    keys = [a["AttributeName"] for a in model._get_schema()["key_schema"]]
    items = backup.scan_items(table)
    return {tuple(json.dumps(i[k], sort_keys=True) for k in keys): i for i in items}


def _shape(table: str) -> dict:
    ddb = dynamo.client()
    t = ddb.describe_table(TableName=table)["Table"]
    ttl = ddb.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    return {
        "keys": t["KeySchema"],
        "indexes": sorted(
            (g["IndexName"], json.dumps(g["KeySchema"]), json.dumps(g["Projection"]))
            for g in t.get("GlobalSecondaryIndexes", [])
        ),
        "stream": t.get("StreamSpecification", {}).get("StreamViewType"),
        "ttl": ttl.get("AttributeName") if ttl.get("TimeToLiveStatus") == "ENABLED" else None,
        "billing": t.get("BillingModeSummary", {}).get("BillingMode"),
    }


def test_an_export_imported_under_a_new_prefix_is_the_same_hotel_and_is_served(
    hotel, tmp_path, capsys, reliability_report
):
    out, new = tmp_path / "export", _new_prefix()
    call_command("export_tables", out=out)
    manifest = json.loads((out / "manifest.json").read_text())
    models = dynamo.registered_models()
    assert {t["entity"] for t in manifest["tables"]} == {backup.entity_of(m) for m in models}
    by_entity = {t["entity"]: t for t in manifest["tables"]}
    assert by_entity["bookings"]["items"] == 3 and by_entity["folio-lines"]["items"] >= 2

    call_command("import_tables", src=out, prefix=new)
    printed = capsys.readouterr().out
    assert "bookings: 3 items" in printed and "Imported" in printed
    try:
        for model in models:
            entity = backup.entity_of(model)
            restored = backup.table_name_under(new, entity)
            old, copy = _keyed(model, model.Meta.table_name), _keyed(model, restored)
            assert len(copy) == len(old) == by_entity[entity]["items"], entity
            assert copy == old, entity
            assert _shape(restored) == _shape(model.Meta.table_name), entity
        room = dynamo.client().get_item(
            TableName=backup.table_name_under(new, "rooms"),
            Key={"roomId": {"S": "R-1"}},
            ConsistentRead=True,
        )["Item"]
        assert {k: room[k] for k in ODD_VALUES} == ODD_VALUES

        env = suite_env(HOTEL_TABLE_PREFIX=new)
        checked = subprocess.run(
            [sys.executable, str(REPO / "manage.py"), "check_integrity"],
            env=env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "checks passed" in checked.stdout

        server = start_gunicorn(
            port=free_port(), env=env, workers=1, threads=2, log_path=tmp_path / "server.log"
        )
        try:
            for name, status in (("paid", "confirmed"), ("pending", "pending")):
                created = hotel[name]
                answer = requests.get(
                    f"{server.url}/api/bookings/{created.booking.bookingId}",
                    headers={"X-Booking-Token": created.guest_token},
                    timeout=30,
                )
                assert answer.status_code == 200, answer.text
                assert answer.json()["status"] == status
                assert answer.json()["checkIn"] == created.booking.checkIn
            stranger = requests.get(
                f"{server.url}/api/bookings/{hotel['paid'].booking.bookingId}",
                headers={"X-Booking-Token": hotel["pending"].guest_token},
                timeout=30,
            )
            assert stranger.status_code == 404
        finally:
            server.stop()
    finally:
        backup.delete_tables(new, log=lambda _msg: None)
    items = sum(t["items"] for t in manifest["tables"])
    section = "restore drill (export, import under a new prefix)"
    reliability_report.add(section, "tables restored, equal item by item", len(models))
    reliability_report.add(section, "items", items)
    reliability_report.add(section, "integrity checks on the copy", "passed")
    reliability_report.add(section, "guest bookings served from the copy", "2 of 2")


def test_importing_into_tables_that_hold_items_is_refused_unless_forced(make_room, tmp_path):
    make_room(roomId="R-9")
    out = tmp_path / "export"
    call_command("export_tables", out=out)
    live = os.environ["HOTEL_TABLE_PREFIX"]
    with pytest.raises(CommandError, match="already hold items"):
        call_command("import_tables", src=out, prefix=live)
    with pytest.raises(CommandError, match="already holds an export"):
        call_command("export_tables", out=out)

    before = backup.count_items(dynamo.table_name("rooms"))
    call_command("import_tables", src=out, prefix=live, force=True)  # the same items again
    assert backup.count_items(dynamo.table_name("rooms")) == before == 1


def test_a_damaged_export_is_refused(make_room, tmp_path):
    make_room(roomId="R-8")
    out = tmp_path / "export"
    call_command("export_tables", out=out)
    rooms = out / "rooms.jsonl"
    rooms.write_text(rooms.read_text().replace("R-8", "R-7"))
    with pytest.raises(CommandError, match="damaged export"):
        call_command("import_tables", src=out, prefix=_new_prefix())


def test_typed_values_survive_json():
    item = {"k": {"S": "x"}, "n": {"N": "3"}, **ODD_VALUES}
    line = json.dumps(backup.item_to_json(item))
    assert backup.item_from_json(json.loads(line)) == item


def test_unprocessed_and_throttled_items_are_written_again(monkeypatch):
    calls, pauses = [], []

    class Flaky:
        def batch_write_item(self, RequestItems):
            calls.append(sum(len(v) for v in RequestItems.values()))
            if len(calls) == 1:
                error = {"Error": {"Code": "ThrottlingException", "Message": "slow down"}}
                raise ClientError(error, "BatchWriteItem")
            if len(calls) == 2:
                return {"UnprocessedItems": {"t": RequestItems["t"][:1]}}
            return {"UnprocessedItems": {}}

    monkeypatch.setattr(backup, "client", Flaky)
    backup.batch_write("t", [{"k": {"S": "a"}}, {"k": {"S": "b"}}], sleep=pauses.append)
    assert calls == [2, 2, 1]
    assert len(pauses) == 2 and pauses[1] > pauses[0]


def test_the_live_prefix_is_never_deleted():
    with pytest.raises(backup.BackupError):
        backup.delete_tables(os.environ["HOTEL_TABLE_PREFIX"])
    with pytest.raises(backup.BackupError):
        backup.delete_tables("bad prefix")
