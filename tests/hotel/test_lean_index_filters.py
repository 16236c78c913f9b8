"""A keys-only lean index: filters on attributes it does not project run on the whole items
(hotel.dynamo.conditions, as DynamoDB would run them), `limit` and cursors stay honest, and
neither an update nor a Put that keeps its keys writes it."""

import pytest
from pynamodb.attributes import (
    ListAttribute,
    NumberAttribute,
    NumberSetAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)
from pynamodb.expressions.operand import Path
from pynamodb.indexes import KeysOnlyProjection
from pynamodb.models import Model

from bench.capacity import CapacityMeter
from hotel import dynamo
from hotel.dynamo import LeanIndex, conditions, item_key, paginate, tables


class CrateIndex(LeanIndex):
    class Meta:
        index_name = "owner-rank-keys-index"
        projection = KeysOnlyProjection()

    owner = UnicodeAttribute(hash_key=True)
    rank = NumberAttribute(range_key=True)


class Crate(Model):
    Meta = dynamo.meta("leancrates")

    crateId = UnicodeAttribute(hash_key=True)
    owner = UnicodeAttribute()
    rank = NumberAttribute()
    status = UnicodeAttribute()
    weight = NumberAttribute(null=True)
    tags = UnicodeSetAttribute(null=True)
    sizes = NumberSetAttribute(null=True)
    parts = ListAttribute(null=True)
    note = UnicodeAttribute(default="")
    by_owner = CrateIndex()


STATUSES = ["open", "sealed", "open", "shipped", "open", "sealed", "open", "open", "sealed"]


@pytest.fixture
def crates():
    dynamo.register(Crate)
    Crate.create_table(wait=True)
    try:
        for n, status in enumerate(STATUSES):
            Crate(
                f"C{n}",
                owner="ana",
                rank=n,
                status=status,
                weight=None if n == 3 else n / 2 + 9,  # 9 … 13, one without
                tags={"red", f"t{n}"} if n % 2 else None,
                sizes={n, 10} if n < 5 else None,
                parts=["lid", n] if n % 3 == 0 else None,
                note="Fragile glass" if n in (2, 7) else "plain",
            ).save()
        yield Crate
    finally:
        tables._registry.remove(Crate)
        dynamo.client().delete_table(TableName=Crate.Meta.table_name)


def ids(items) -> list[str]:
    return [c.crateId for c in items]


def test_a_filter_on_an_attribute_the_index_does_not_project_runs_on_the_items(crates):
    found = Crate.by_owner.query("ana", filter_condition=Crate.status == "open")
    assert ids(found) == ["C0", "C2", "C4", "C6", "C7"]
    newest = Crate.by_owner.query(
        "ana", scan_index_forward=False, filter_condition=Crate.status == "sealed"
    )
    assert ids(newest) == ["C8", "C5", "C1"]


def test_limit_counts_the_items_that_pass_the_filter(crates):
    # As PynamoDB's limit with a filter DynamoDB runs: up to `limit` matching items, however
    # many entries it takes to find them (not `limit` entries, some of them dropped).
    found = Crate.by_owner.query("ana", filter_condition=Crate.status == "sealed", limit=2)
    assert ids(found) == ["C1", "C5"]
    small = Crate.by_owner.query("ana", filter_condition=Crate.status == "open", page_size=1)
    assert ids(small) == ["C0", "C2", "C4", "C6", "C7"]
    assert ids(Crate.by_owner.query("ana", filter_condition=Crate.status == "x", limit=3)) == []


def test_projected_terms_run_in_the_query_and_the_rest_on_the_items(crates):
    condition = (Crate.status == "open") & (Crate.crateId != "C6")
    with CapacityMeter() as meter:
        found = ids(Crate.by_owner.query("ana", Crate.rank >= 2, filter_condition=condition))
    assert found == ["C2", "C4", "C7"]
    index = f"{Crate.Meta.table_name}/owner-rank-keys-index"
    assert meter.items[index] == 6  # the Query's filter took crateId: C2…C8 but C6


def test_cursors_resume_after_the_last_item_returned(crates):
    def fetch(**kwargs):
        return Crate.by_owner.query("ana", filter_condition=Crate.status == "open", **kwargs)

    pages, cursor = [], None
    while True:
        page, cursor = paginate(fetch, limit=2, cursor=cursor, index=Crate.by_owner)
        pages.append(ids(page))
        if cursor is None:
            break
    assert pages == [["C0", "C2"], ["C4", "C6"], ["C7"]]
    after = Crate.by_owner.query(
        "ana",
        filter_condition=Crate.status == "sealed",
        last_evaluated_key=item_key(Crate.get("C2"), Crate.by_owner),
    )
    assert ids(after) == ["C5", "C8"]


CONDITIONS = {
    "eq": Crate.status == "open",
    "ne": Crate.status != "open",
    "ne missing": Crate.weight != 9,
    "lt number": Crate.weight < 10.5,
    "between": Crate.weight.between(10, 12),
    "in": Crate.status.is_in("sealed", "shipped"),
    "begins": Crate.note.startswith("Frag"),
    "contains text": Crate.note.contains("glass"),
    "contains text case": Crate.note.contains("Glass"),
    "contains set": Crate.tags.contains("red"),
    "contains number set": Crate.sizes.contains(10),
    "contains list": Crate.parts.contains("lid"),
    "exists": Crate.weight.exists(),
    "not exists": Crate.tags.does_not_exist(),
    "or and not": (Crate.status == "sealed") | ~(Crate.note == "plain") & (Crate.rank > 3),
    "eq set": Crate.sizes == {10, 1},
    "eq other type": Path("rank") == "1",  # a string: equal to no number
}


@pytest.mark.parametrize("name", CONDITIONS)
def test_python_evaluation_agrees_with_dynamodb(crates, name):
    condition = CONDITIONS[name]
    by_dynamodb = sorted(ids(Crate.scan(filter_condition=condition)))
    by_python = sorted(
        c.crateId for c in Crate.scan() if conditions.evaluate(condition, c.serialize())
    )
    assert by_python == by_dynamodb


def test_what_python_cannot_evaluate_is_refused(crates):
    from pynamodb.expressions.condition import size

    with pytest.raises(ValueError, match="cannot evaluate"):
        list(Crate.by_owner.query("ana", filter_condition=size(Crate.note) > 3))


def test_neither_an_update_nor_a_put_that_keeps_the_keys_writes_the_index(crates):
    index = f"{Crate.Meta.table_name}/owner-rank-keys-index"
    crate = Crate.get("C0", consistent_read=True)
    with CapacityMeter() as meter:
        crate.update(actions=[Crate.status.set("sealed")])
    assert meter.by_target[index] == 0 and meter.by_target[Crate.Meta.table_name] > 0
    crate.status, crate.note = "shipped", "a new note " * 20
    with CapacityMeter() as meter:
        crate.save()  # a Put: replaces the whole item, same keys
    assert meter.by_target[index] == 0 and meter.by_target[Crate.Meta.table_name] > 0
    crate.rank = 20
    with CapacityMeter() as meter:
        crate.save()  # a key changed: the entry is deleted and put
    assert meter.by_target[index] == 2


def test_an_item_missing_a_required_attribute_is_filtered_not_refused(crates):
    """An item written before an attribute became required (here `status`, written without
    it) does not stop the list: the filter finds the attribute absent, as DynamoDB's would."""
    dynamo.client().put_item(
        TableName=Crate.Meta.table_name,
        Item={"crateId": {"S": "OLD"}, "owner": {"S": "ana"}, "rank": {"N": "100"}},
    )
    found = ids(crates.by_owner.query("ana", filter_condition=crates.status == "shipped"))
    absent = ids(crates.by_owner.query("ana", filter_condition=crates.status.does_not_exist()))
    assert (found, absent) == (["C3"], ["OLD"])


def test_a_limit_of_one_with_a_filter_on_the_items_reads_ahead(crates):
    """`limit=1` with a filter the index cannot run: the entries are queried and fetched
    READ_AHEAD at a time, not one Query and one BatchGetItem per entry the filter drops."""
    with CapacityMeter() as meter:
        [last] = crates.by_owner.query("ana", filter_condition=crates.status == "shipped", limit=1)
    assert last.crateId == "C3"
    assert meter.calls["Query"] == 1 and meter.calls["BatchGetItem"] == 1
