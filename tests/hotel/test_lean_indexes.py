"""Lean indexes (hotel.dynamo.LeanIndex): small index writes, none when nothing projected
changes, and queries that still return whole items in index order; the upgrade that
replaces an index projecting ALL."""

import pytest
from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.indexes import IncludeProjection
from pynamodb.models import Model

from bench.capacity import CapacityMeter
from hotel import dynamo
from hotel.dynamo import LeanIndex, tables
from hotel.management.commands.export_cloudformation import (
    _indexes_at,
    app_models,
    build_steps,
    index_steps,
    template,
    upgrade_steps,
)


class ShelfIndex(LeanIndex):
    class Meta:
        index_name = "shelf-rank-lean-index"
        projection = IncludeProjection(["colour"])

    shelf = UnicodeAttribute(hash_key=True)
    rank = NumberAttribute(range_key=True)


class Jar(Model):
    Meta = dynamo.meta("leanjars", replaced_indexes={"shelf-rank-lean-index": "shelf-rank-index"})

    jarId = UnicodeAttribute(hash_key=True)
    shelf = UnicodeAttribute()
    rank = NumberAttribute()
    colour = UnicodeAttribute()
    label = UnicodeAttribute(default="")
    by_shelf = ShelfIndex()


@pytest.fixture
def jars():
    dynamo.register(Jar)
    Jar.create_table(wait=True)
    try:
        for n in range(7):
            shelf, colour = ("top" if n % 2 == 0 else "low"), ("red" if n < 4 else "blue")
            Jar(f"J{n}", shelf=shelf, rank=n, colour=colour, label="x" * 1500).save()
        yield Jar
    finally:
        tables._registry.remove(Jar)
        dynamo.client().delete_table(TableName=Jar.Meta.table_name)


def test_a_query_returns_whole_items_in_index_order(jars):
    found = list(Jar.by_shelf.query("top", scan_index_forward=False))
    assert [j.jarId for j in found] == ["J6", "J4", "J2", "J0"]
    assert all(j.label == "x" * 1500 for j in found)  # not projected: read from the table


def test_limit_page_size_and_a_filter_on_a_projected_attribute(jars):
    assert [j.jarId for j in Jar.by_shelf.query("top", limit=2)] == ["J0", "J2"]
    assert [j.jarId for j in Jar.by_shelf.query("top", page_size=1)] == ["J0", "J2", "J4", "J6"]
    reds = Jar.by_shelf.query("top", filter_condition=Jar.colour == "red")
    assert [j.jarId for j in reds] == ["J0", "J2"]
    assert Jar.by_shelf.query("low", Jar.rank > 2).next().jarId == "J3"


def test_a_filter_on_an_attribute_the_index_does_not_project_runs_on_the_items(jars):
    # Not sent to DynamoDB, where the unprojected label would read as absent (every jar
    # dropped): tests/hotel/test_lean_index_filters.py has the rest.
    Jar("J8", shelf="top", rank=8, colour="red", label="short").save()
    found = Jar.by_shelf.query(
        "top", filter_condition=(Jar.label == "short") & (Jar.colour == "red")
    )
    assert [j.jarId for j in found] == ["J8"]


def test_an_entry_whose_item_moved_or_vanished_is_skipped(jars):
    stale = list(Jar.by_shelf._model.query("top", index_name="shelf-rank-lean-index"))
    Jar("J2", shelf="low", rank=2, colour="red").save()  # moved to the other shelf
    Jar("J4").delete()
    assert [j.jarId for j in Jar.by_shelf._fetch(stale)] == ["J0", "J6"]


def test_a_write_that_changes_nothing_projected_does_not_touch_the_index(jars):
    jar = Jar.get("J1")
    with CapacityMeter() as meter:
        jar.update(actions=[Jar.label.set("relabelled")])
    index = f"{Jar.Meta.table_name}/shelf-rank-lean-index"
    assert meter.by_target[index] == 0 and meter.by_target[Jar.Meta.table_name] > 0
    with CapacityMeter() as meter:
        jar.update(actions=[Jar.colour.set("green")])
    assert meter.by_target[index] == 1  # a small entry: projected attribute changed
    with CapacityMeter() as meter:
        jar.update(actions=[Jar.rank.set(9)])
    assert meter.by_target[index] == 2  # a key changed: delete + put


def create_jars_table(ddb, *, lean_too: bool) -> None:
    """The jars table as an older version made it: the index projecting ALL, and (`lean_too`)
    its lean replacement beside it, as the upgrade's first steps leave it."""
    keys = [
        {"AttributeName": "shelf", "KeyType": "HASH"},
        {"AttributeName": "rank", "KeyType": "RANGE"},
    ]
    indexes = [
        {"IndexName": "shelf-rank-index", "KeySchema": keys,
         "Projection": {"ProjectionType": "ALL"}},
    ]  # fmt: skip
    if lean_too:
        indexes.append(
            {"IndexName": "shelf-rank-lean-index", "KeySchema": keys,
             "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["colour"]}}
        )  # fmt: skip
    ddb.create_table(
        TableName=Jar.Meta.table_name,
        AttributeDefinitions=[
            {"AttributeName": "jarId", "AttributeType": "S"},
            {"AttributeName": "shelf", "AttributeType": "S"},
            {"AttributeName": "rank", "AttributeType": "N"},
        ],
        KeySchema=[{"AttributeName": "jarId", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=indexes,
        BillingMode="PAY_PER_REQUEST",
    )


def test_sync_drops_a_replaced_index_only_when_told():
    """A table that still has the index projecting ALL (next to its lean replacement, as the
    upgrade's first steps leave it) keeps it until --drop-replaced: the code that reads it
    may still be live. (Adding a missing index is tests/hotel/test_tables.py's.)"""
    ddb = dynamo.client()
    name = Jar.Meta.table_name
    create_jars_table(ddb, lean_too=True)
    dynamo.register(Jar)
    logged: list[str] = []

    def live_indexes():
        table = ddb.describe_table(TableName=name)["Table"]
        return {
            g["IndexName"]
            for g in table["GlobalSecondaryIndexes"]
            if g["IndexStatus"] != "DELETING"
        }

    try:
        kept = dynamo.sync_tables(log=logged.append)
        after_kept = live_indexes()
        dropped = dynamo.sync_tables(log=lambda _m: None, drop_replaced=True)
        after_dropped = live_indexes()
        again = dynamo.sync_tables(log=lambda _m: None, drop_replaced=True)
    finally:
        tables._registry.remove(Jar)
        ddb.delete_table(TableName=name)
    assert kept == []
    assert any("shelf-rank-index" in line and "--drop-replaced" in line for line in logged)
    assert after_kept == {"shelf-rank-index", "shelf-rank-lean-index"}
    assert dropped == [
        f"dropped index shelf-rank-index from {name} (replaced by shelf-rank-lean-index)"
    ]
    assert after_dropped == {"shelf-rank-lean-index"}
    assert again == []  # being deleted, or gone: nothing more to do


def test_the_cloudformation_upgrade_changes_one_index_per_step():
    schema = Jar._get_schema()["global_secondary_indexes"]
    steps = [
        {i["index_name"]: i["projection"]["ProjectionType"] for i in _indexes_at(Jar, schema, k)}
        for k in range(len(index_steps(Jar)) + 1)
    ]
    assert steps == [
        {"shelf-rank-index": "ALL"},
        {"shelf-rank-index": "ALL", "shelf-rank-lean-index": "INCLUDE"},
        {"shelf-rank-lean-index": "INCLUDE"},
    ]
    for before, after in zip(steps, steps[1:], strict=False):
        assert len(set(before) ^ set(after)) == 1  # CloudFormation: one GSI per update


def test_the_old_index_is_kept_while_its_replacement_is_not_built(monkeypatch):
    """--drop-replaced never leaves a table without the index its queries need: with the
    replacement's creation still pending (here: never sent), the old index stays."""
    real = dynamo.client()
    name = Jar.Meta.table_name
    create_jars_table(real, lean_too=False)

    class Building:
        """The real client, except that index creations are not sent (still building)."""

        def __getattr__(self, attr):
            return getattr(real, attr)

        def update_table(self, **kwargs):
            if "Create" in kwargs.get("GlobalSecondaryIndexUpdates", [{}])[0]:
                return {}
            return real.update_table(**kwargs)

    monkeypatch.setattr(tables, "client", Building)
    dynamo.register(Jar)
    logged: list[str] = []
    try:
        changes = dynamo.sync_tables(log=logged.append, drop_replaced=True)
        table = real.describe_table(TableName=name)["Table"]
    finally:
        tables._registry.remove(Jar)
        real.delete_table(TableName=name)
    assert [g["IndexName"] for g in table["GlobalSecondaryIndexes"]] == ["shelf-rank-index"]
    assert not [c for c in changes if c.startswith("dropped")]
    assert any("kept" in line and "not built yet" in line for line in logged)


def test_the_upgrade_of_every_table_builds_first_and_drops_after_the_code_deploy():
    """All tables' steps in one series: each step adds or drops at most one index per table,
    no old index is dropped before every replacement is built (the new code is deployed
    after step `build_steps`), the last step is infra/tables.yaml, and every step's
    AttributeDefinitions are exactly the keys its indexes name (CloudFormation's rule):
    the audit log's old index keyed on `actor` keeps `actor` defined until it goes."""
    models = app_models()
    build, total = build_steps(models), upgrade_steps(models)

    def tables(step):
        resources = template(models, step)["Resources"]
        return {name: r["Properties"] for name, r in resources.items() if name.endswith("Table")}

    steps = [tables(k) for k in range(total + 1)]
    assert steps[-1] == tables(None)
    for k, state in enumerate(steps):
        for name, table in state.items():
            keys = {key["AttributeName"] for key in table["KeySchema"]}
            for index in table.get("GlobalSecondaryIndexes", []):
                keys |= {key["AttributeName"] for key in index["KeySchema"]}
            assert {a["AttributeName"] for a in table["AttributeDefinitions"]} == keys, (k, name)
    for k in range(1, total + 1):
        for name in steps[k]:
            before = {i["IndexName"] for i in steps[k - 1][name].get("GlobalSecondaryIndexes", [])}
            after = {i["IndexName"] for i in steps[k][name].get("GlobalSecondaryIndexes", [])}
            assert len(before ^ after) <= 1, (k, name)
            if k <= build:
                assert before <= after, (k, name)  # nothing dropped while building

    def audit_indexes(step):
        table = steps[step]["AuditTable"]
        return {
            i["IndexName"]: i["KeySchema"][0]["AttributeName"]
            for i in table["GlobalSecondaryIndexes"]
        }

    assert audit_indexes(0) == {"actor-entryId-index": "actor", "day-entryId-index": "day"}
    assert audit_indexes(build) == audit_indexes(0) | {"staffActor-entryId-index": "staffActor"}
    assert audit_indexes(total) == {
        "day-entryId-index": "day",
        "staffActor-entryId-index": "staffActor",
    }


# The replaced indexes as the deployed stack has them (infra/tables.yaml of the version
# before: 0.1.0's for the bookings table, 3 December 2026's for the others). CloudFormation
# cannot change an index in place, so the upgrade's first template must describe each one
# exactly as deployed, or the first stack update fails and rolls back.
DEPLOYED = {
    ("AuditTable", "actor-entryId-index"): (["actor", "entryId"], {"ProjectionType": "ALL"}),
    ("BookingsTable", "guestEmail-createdAt-index"): (
        ["guestEmail", "createdAt"],
        {"ProjectionType": "ALL"},
    ),
    ("BookingsTable", "status-checkIn-index"): (["status", "checkIn"], {"ProjectionType": "ALL"}),
    ("PaymentsTable", "bookingId-index"): (["bookingId", "createdAt"], {"ProjectionType": "ALL"}),
    ("RoomNightsTable", "night-roomId-index"): (
        ["night", "roomId"],
        {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["bookingId", "holdExpiresAt"]},
    ),
}


def test_the_upgrades_first_step_describes_every_replaced_index_as_deployed():
    """Step 1 keeps each old index as it is deployed (keys and projection) and adds one
    replacement beside it; an index in two consecutive steps is the same in both."""
    models = app_models()
    steps = [template(models, k)["Resources"] for k in range(upgrade_steps(models) + 1)]

    def indexes(step):
        return {
            (name, i["IndexName"]): i
            for name, r in steps[step].items()
            if name.endswith("Table")
            for i in r["Properties"].get("GlobalSecondaryIndexes", [])
        }

    first = indexes(1)
    for key, (keys, projection) in DEPLOYED.items():
        assert [k["AttributeName"] for k in first[key]["KeySchema"]] == keys, key
        assert first[key]["Projection"] == projection, key
    replaced = {old for _, old in DEPLOYED}
    assert replaced == {old for m in models for old in dynamo.replaced_indexes(m).values()}
    for k in range(1, len(steps)):
        before, after = indexes(k - 1), indexes(k)
        for key in before.keys() & after.keys():
            assert before[key] == after[key], (k, key)  # never changed in place
