"""Tables come from the models: sync creates what is missing and is idempotent."""

from pynamodb.attributes import UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from hotel import dynamo
from hotel.dynamo import tables
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


class ScratchIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "colour-index"
        projection = AllProjection()

    colour = UnicodeAttribute(hash_key=True)


class Scratch(Model):
    Meta = dynamo.meta("scratch")

    scratchId = UnicodeAttribute(hash_key=True)
    colour = UnicodeAttribute()
    by_colour = ScratchIndex()


def test_sync_adds_a_missing_index_to_an_existing_table():
    """A table created before its model grew an index gets the index on the next sync."""
    ddb = dynamo.client()
    name = Scratch.Meta.table_name
    ddb.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "scratchId", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "scratchId", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    dynamo.register(Scratch)
    try:
        changes = dynamo.sync_tables(log=lambda _m: None)
        indexes = {g["IndexName"] for g in _describe(Scratch).get("GlobalSecondaryIndexes", [])}
    finally:
        tables._registry.remove(Scratch)
        ddb.delete_table(TableName=name)
    assert changes == [f"added index colour-index to {name}"]
    assert indexes == {"colour-index"}


def test_sync_creates_a_missing_table_and_enables_ttl():
    from hotel.accounts.models import StoredSession

    ddb = dynamo.client()
    name = StoredSession.Meta.table_name
    ddb.delete_table(TableName=name)
    ddb.get_waiter("table_not_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
    assert dynamo.sync_tables(log=lambda _m: None) == [f"created table {name}"]
    ttl = ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    assert ttl["AttributeName"] == "expiresAt" and ttl["TimeToLiveStatus"] == "ENABLED"


def test_sync_tables_command_reports_no_changes(capsys):
    from django.core.management import call_command

    call_command("sync_tables")
    assert "No changes" in capsys.readouterr().out
