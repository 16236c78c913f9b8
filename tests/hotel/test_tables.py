"""Tables come from the models: sync creates what is missing and is idempotent."""

import time

from hotel import dynamo
from rooms.models import Room


def _describe(model):
    return dynamo.client().describe_table(TableName=model.Meta.table_name)["Table"]


def test_every_table_is_named_prefix_entity_stage():
    for model in dynamo.registered_models():
        name = model.Meta.table_name
        assert name.endswith("-test") and name.count("-") >= 2


def test_sync_is_idempotent():
    assert dynamo.sync_tables(log=lambda _m: None) == []


def test_rooms_table_has_its_indexes_on_demand_billing():
    table = _describe(Room)
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    indexes = {gsi["IndexName"] for gsi in table["GlobalSecondaryIndexes"]}
    assert {"roomType-floor-index", "status-roomId-index"} <= indexes


def test_sync_adds_a_missing_index_to_an_existing_table():
    ddb = dynamo.client()
    name = Room.Meta.table_name
    ddb.update_table(
        TableName=name,
        GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "status-roomId-index"}}],
    )
    for _ in range(240):  # wait until the index is gone, not just DELETING
        if "status-roomId-index" not in {
            g["IndexName"] for g in _describe(Room).get("GlobalSecondaryIndexes", [])
        }:
            break
        time.sleep(0.25)
    changes = dynamo.sync_tables(log=lambda _m: None)
    assert changes == [f"added index status-roomId-index to {name}"]
    assert "status-roomId-index" in {
        g["IndexName"] for g in _describe(Room)["GlobalSecondaryIndexes"]
    }


def test_sync_creates_a_missing_table_and_enables_ttl():
    from hotel.accounts.models import SessionItem

    ddb = dynamo.client()
    name = SessionItem.Meta.table_name
    ddb.delete_table(TableName=name)
    ddb.get_waiter("table_not_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
    assert dynamo.sync_tables(log=lambda _m: None) == [f"created table {name}"]
    ttl = ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    assert ttl["AttributeName"] == "expiresAt" and ttl["TimeToLiveStatus"] == "ENABLED"


def test_sync_tables_command_reports_no_changes(capsys):
    from django.core.management import call_command

    call_command("sync_tables")
    assert "No changes" in capsys.readouterr().out
