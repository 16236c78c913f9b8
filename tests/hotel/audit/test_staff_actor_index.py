"""The sparse staffActor index: only staff members' and API keys' entries are in it (a guest's
booking journey writes nothing there), and the upgrade from the index keyed on `actor`
(sync_tables, backfill_staff_actors, --drop-replaced) loses no staff member's entry."""

from __future__ import annotations

import io
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command

from bench.capacity import CapacityMeter
from hotel import dynamo
from hotel.actor import has_identity
from hotel.audit import backfill
from hotel.audit.backfill import staff_actors_backfill
from hotel.audit.models import AuditEntry
from hotel.audit.selectors import audit_for_actor, audit_for_object
from hotel.audit.services import audit_entry
from rooms.services import room_set_housekeeping, room_set_status

STAFF_INDEX = "staffActor-entryId-index"
OLD_INDEX = "actor-entryId-index"
WHEN = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def indexed() -> list[AuditEntry]:
    """Every item of the staffActor index (a Scan of the index: what it holds)."""
    return list(AuditEntry.by_staff_actor.scan())


@pytest.mark.parametrize(
    ("who", "identity"),
    [
        ("ann@hotel.test", True),
        ("apikey:K1A2", True),
        ("guest", False),
        ("system", False),
        ("system:payment-webhook", False),
        ("demo-seed", False),
        ("createstaff", False),
    ],
)
def test_who_has_an_identity(who, identity):
    assert has_identity(who) is identity


def test_a_guest_booking_and_its_payment_write_nothing_to_the_staff_actor_index(api, make_room):
    make_room(roomId="R-1", pricePerNight=10000)
    before = len(indexed())  # the room the factory made: a staff member's entry
    check_in = date.today() + timedelta(days=30)
    stay = {"checkIn": str(check_in), "checkOut": str(check_in + timedelta(days=2))}

    with CapacityMeter() as meter:
        created = api.post(
            "/api/bookings",
            stay | {"roomId": "R-1", "guests": 1, "guestName": "Ann Guest",
                    "guestEmail": "ann@guest.test"},
            format="json",
        )  # fmt: skip
        booking = created.json()
        paid = api.post(
            "/api/payments",
            {"bookingId": booking["bookingId"], "amount": booking["totalPrice"],
             "currency": booking["currency"], "paymentMethodId": "pm_card_visa"},
            format="json",
            HTTP_X_BOOKING_TOKEN=booking["guestToken"],
        )  # fmt: skip

    assert (created.status_code, paid.status_code) == (201, 201), paid.content
    entries = audit_for_object(object_type="bookings.booking", object_id=booking["bookingId"])
    assert len(entries) >= 2  # created, then confirmed by the payment
    assert {e.actor for e in entries} == {"guest"}  # still said on every entry
    assert all(e.staffActor is None for e in entries)
    assert len(indexed()) == before
    table = AuditEntry.Meta.table_name
    assert meter.by_target[f"{table}/day-entryId-index"] > 0  # the meter sees index writes
    assert meter.by_target[f"{table}/{STAFF_INDEX}"] == 0


def test_staff_and_api_keys_are_in_the_actor_view_guests_and_processes_are_not(make_room):
    make_room(roomId="101")
    room_set_status(room_id="101", status="maintenance", actor="ann@hotel.test", now=WHEN)
    room_set_housekeeping(room_id="101", state="dirty", actor="apikey:K1", now=WHEN)
    room_set_housekeeping(room_id="101", state="clean", actor="system:night-audit", now=WHEN)
    room_set_status(room_id="101", status="available", actor="guest", now=WHEN)

    [ann] = audit_for_actor(actor="ann@hotel.test")
    [key] = audit_for_actor(actor="apikey:K1")

    assert (ann.actor, ann.staffActor, ann.changes["status"]) == (
        "ann@hotel.test",
        "ann@hotel.test",
        ["available", "maintenance"],
    )
    assert key.changes["housekeeping"][1] == "dirty"
    assert {e.actor for e in indexed()} == {"factory@staff.test", "ann@hotel.test", "apikey:K1"}
    everyone = {e.actor for e in audit_for_object(object_type="rooms.room", object_id="101")}
    assert {"system:night-audit", "guest"} <= everyone  # found by object (and by day)
    with pytest.raises(ValueError, match="by day"):
        audit_for_actor(actor="system:night-audit")


def old_entry(actor: str, object_id: str) -> AuditEntry:
    """An entry as the version before staffActor wrote it."""
    entry = audit_entry(
        actor=actor, action="update", object_type="rooms.room", object_id=object_id,
        before={"status": "available"}, after={"status": "maintenance"}, now=WHEN,
    )  # fmt: skip
    entry.staffActor = None
    entry.save()
    return entry


def test_the_backfill_puts_older_staff_entries_in_the_index_once():
    old_entry("ann@hotel.test", "101")
    old_entry("apikey:K9", "102")
    old_entry("guest", "103")
    old_entry("system:folio", "104")
    assert indexed() == []

    written = staff_actors_backfill(log=lambda _m: None)
    again = staff_actors_backfill(log=lambda _m: None)

    assert (written, again) == (2, 0)
    assert [e.objectId for e in audit_for_actor(actor="ann@hotel.test")] == ["101"]
    assert [e.objectId for e in audit_for_actor(actor="apikey:K9")] == ["102"]
    assert {e.actor for e in indexed()} == {"ann@hotel.test", "apikey:K9"}
    [guest] = audit_for_object(object_type="rooms.room", object_id="103")
    assert (guest.actor, guest.staffActor) == ("guest", None)


def test_two_backfills_at_once_write_each_entry_once(monkeypatch):
    """Both read the same entries before either writes: the condition on each update (no
    staffActor yet) lets exactly one of them write it."""
    for n in range(6):
        old_entry(f"staff{n}@hotel.test", f"10{n}")
    both_read = threading.Barrier(2, timeout=10)
    real_scan = AuditEntry.scan

    def scan_then_wait(*args, **kwargs):
        found = list(real_scan(*args, **kwargs))
        both_read.wait()
        return iter(found)

    monkeypatch.setattr(backfill.AuditEntry, "scan", scan_then_wait)
    counts: list[int] = []
    threads = [
        threading.Thread(target=lambda: counts.append(staff_actors_backfill(log=lambda _m: None)))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    monkeypatch.undo()

    assert len(counts) == 2 and sum(counts) == 6
    assert len(indexed()) == 6


def _live_indexes(ddb) -> set[str]:
    table = ddb.describe_table(TableName=AuditEntry.Meta.table_name)["Table"]
    return {
        g["IndexName"]
        for g in table.get("GlobalSecondaryIndexes", [])
        if g["IndexStatus"] != "DELETING"
    }


def _create_upgrading_audit_table(ddb) -> None:
    """The audit table as the upgrade's first step leaves it: the old version's day and actor
    indexes, and the staffActor index beside them (created with the table: DynamoDB Local
    leaves an index that UpdateTable adds CREATING, and refuses items for it)."""
    name = AuditEntry.Meta.table_name

    def index(index_name: str, hash_key: str) -> dict:
        return {
            "IndexName": index_name,
            "KeySchema": [
                {"AttributeName": hash_key, "KeyType": "HASH"},
                {"AttributeName": "entryId", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "ALL"},
        }

    ddb.create_table(
        TableName=name,
        AttributeDefinitions=[
            {"AttributeName": n, "AttributeType": "S"}
            for n in ("objectKey", "entryId", "actor", "day", "staffActor")
        ],
        KeySchema=[
            {"AttributeName": "objectKey", "KeyType": "HASH"},
            {"AttributeName": "entryId", "KeyType": "RANGE"},
        ],
        GlobalSecondaryIndexes=[
            index(OLD_INDEX, "actor"),
            index("day-entryId-index", "day"),
            index(STAFF_INDEX, "staffActor"),
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})


def test_the_upgrade_keeps_every_staff_entry_in_the_actor_view():
    """Entries the old version wrote (no staffActor) and the new version's, on a table with
    both indexes: the backfill puts the old staff entries in the staffActor index, then
    --drop-replaced drops the old index. (Adding the index: tests/hotel/test_tables.py.)"""
    ddb = dynamo.client()
    name = AuditEntry.Meta.table_name
    ddb.delete_table(TableName=name)
    try:
        _create_upgrading_audit_table(ddb)
        old_entry("ann@hotel.test", "101")  # written by the old version
        old_entry("guest", "102")
        logged: list[str] = []
        kept = dynamo.sync_tables(log=logged.append)
        new = audit_entry(
            actor="ann@hotel.test", action="update", object_type="rooms.room", object_id="103",
            before=None, after={"status": "available"}, now=WHEN + timedelta(hours=1),
        )  # fmt: skip
        new.save()  # the new version, live before the backfill runs
        before_backfill = [e.objectId for e in audit_for_actor(actor="ann@hotel.test")]
        out = io.StringIO()
        call_command("backfill_staff_actors", stdout=out)
        after_backfill = [e.objectId for e in audit_for_actor(actor="ann@hotel.test")]
        guests = [e for e in indexed() if e.actor == "guest"]
        dropped = dynamo.sync_tables(log=lambda _m: None, drop_replaced=True)
        after_drop = _live_indexes(ddb)
    finally:  # the table as every other test has it
        ddb.delete_table(TableName=name)
        dynamo.sync_tables(log=lambda _m: None)

    assert kept == []
    assert any(OLD_INDEX in line and "--drop-replaced" in line for line in logged)
    assert before_backfill == ["103"]  # the old entry is not found until the backfill
    assert "1 staff entries given their staffActor" in out.getvalue()
    assert after_backfill == ["103", "101"]
    assert guests == []
    assert dropped == [f"dropped index {OLD_INDEX} from {name} (replaced by {STAFF_INDEX})"]
    assert after_drop == {STAFF_INDEX, "day-entryId-index"}


def test_a_backfill_stopped_by_its_time_budget_goes_on_where_it_stopped():
    """On Lambda a run ends before the invocation does (`seconds`): it keeps its place, the
    next run reads on from there (not the entries it already read) and the run that reaches
    the end forgets the place."""
    for n in range(5):
        old_entry(f"staff{n}@hotel.test", f"20{n}")
        old_entry("guest", f"30{n}")
    ticks = iter(range(1000))
    said: list[str] = []

    first = staff_actors_backfill(log=said.append, seconds=3.5, clock=lambda: next(ticks))
    assert backfill._cursor() is not None and "run it again" in said[-1]
    read_first = int(said[0].split("(")[1].split()[0])
    said.clear()
    second = staff_actors_backfill(log=said.append, seconds=None)

    assert read_first == 4  # stopped once the clock passed 3.5, after the fourth entry
    assert first + second == 5 and first < 5
    assert int(said[0].split("(")[1].split()[0]) == 10 - read_first  # none read twice
    assert said[-1].startswith("Done") and backfill._cursor() is None
    assert {e.actor for e in indexed()} == {f"staff{n}@hotel.test" for n in range(5)}
    assert staff_actors_backfill(log=said.append) == 0
