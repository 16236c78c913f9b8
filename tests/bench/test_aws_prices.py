"""CapacityMeter(aws_prices=True) prices writes per item as AWS bills them (bench/aws_pricing.py),
where DynamoDB Local reports a transaction's capacity per table; and item_bytes follows
DynamoDB's item-size rules."""

import re
import threading

import pytest
from botocore.exceptions import ClientError

from bench.capacity import CapacityMeter, item_bytes
from bench.item_size import number_bytes
from hotel import dynamo

TABLE = dynamo.table_name("awsprices")
KEYS_ONLY = f"{TABLE}/shelf-rank-index"  # KEYS_ONLY on (shelf, rank)
INCLUDE = f"{TABLE}/colour-index"  # INCLUDE label, on colour
ALL = f"{TABLE}/kind-index"  # ALL, on kind


def index(name: str, keys: list[str], projection: dict) -> dict:
    kinds = ["HASH", "RANGE"]
    return {
        "IndexName": name,
        "KeySchema": [{"AttributeName": k, "KeyType": kinds[n]} for n, k in enumerate(keys)],
        "Projection": projection,
    }


@pytest.fixture
def ddb():
    client = dynamo.client()
    client.create_table(
        TableName=TABLE,
        AttributeDefinitions=[
            {"AttributeName": name, "AttributeType": kind}
            for name, kind in (
                ("pk", "S"),
                ("shelf", "S"),
                ("rank", "N"),
                ("colour", "S"),
                ("kind", "S"),
            )
        ],  # fmt: skip
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[
            index("shelf-rank-index", ["shelf", "rank"], {"ProjectionType": "KEYS_ONLY"}),
            index(
                "colour-index",
                ["colour"],
                {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["label"]},
            ),
            index("kind-index", ["kind"], {"ProjectionType": "ALL"}),
        ],  # fmt: skip
        BillingMode="PAY_PER_REQUEST",
    )
    try:
        yield client
    finally:
        client.delete_table(TableName=TABLE)


def item(pk: str, *, size: int, **attrs) -> dict:
    """An item of `size` bytes (item_bytes) with `attrs` (str or int)."""
    wire = {"pk": {"S": pk}} | {
        k: {"N": str(v)} if isinstance(v, int) else {"S": v} for k, v in attrs.items()
    }
    pad = size - item_bytes(wire) - len("pad")
    assert pad >= 0
    return wire | {"pad": {"S": "x" * pad}}


def key(pk: str) -> dict:
    return {"pk": {"S": pk}}


def put(ddb, wire: dict) -> None:
    ddb.put_item(TableName=TABLE, Item=wire)


def update(expression: str, values: dict | None = None, pk: str = "A") -> dict:
    """An Update of item `pk`; `#name` in `expression` stands for the attribute `name`."""
    names = {f"#{n}": n for n in re.findall(r"#(\w+)", expression)}
    body = {"TableName": TABLE, "Key": key(pk), "UpdateExpression": expression,
            "ExpressionAttributeNames": names}  # fmt: skip
    if values:
        body["ExpressionAttributeValues"] = values
    return body


def priced(meter: CapacityMeter) -> dict:
    return {t: u for t, u in meter.aws_write_by_target.items() if u}


def test_three_600_byte_items_in_one_transaction_cost_2_units_each_and_their_entries(ddb):
    with CapacityMeter(aws_prices=True) as meter:
        ddb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": TABLE, "Item": item(f"T{n}", size=600, shelf="s", rank=n)}}
                for n in range(3)
            ]
        )
    # 3 items x 2 units; 3 small KEYS_ONLY entries put, x 2 in a transaction.
    assert priced(meter) == {TABLE: 6, KEYS_ONLY: 6}
    assert meter.aws_write_units == 12
    assert meter.write_units < meter.aws_write_units  # DynamoDB Local: per table, not per item


def test_a_1_5_kb_put_costs_2_units_plain_and_4_in_a_transaction(ddb):
    with CapacityMeter(aws_prices=True) as meter:
        put(ddb, item("A", size=1536))
    assert priced(meter) == {TABLE: 2}  # no index keys: no index entry
    with CapacityMeter(aws_prices=True) as meter:
        ddb.transact_write_items(
            TransactItems=[{"Put": {"TableName": TABLE, "Item": item("B", size=1536)}}]
        )
    assert priced(meter) == {TABLE: 4}


def test_an_update_pays_for_the_larger_of_the_item_before_and_after(ddb):
    put(ddb, item("A", size=1536))
    with CapacityMeter(aws_prices=True) as meter:
        ddb.update_item(**update("SET #pad = :p", {":p": {"S": "small"}}))
    assert priced(meter) == {TABLE: 2}
    with CapacityMeter(aws_prices=True) as meter:  # now small: 1 unit
        ddb.update_item(**update("SET #pad = :p", {":p": {"S": "tiny"}}))
    assert priced(meter) == {TABLE: 1}


def test_an_update_that_changes_nothing_projected_costs_the_index_nothing(ddb):
    put(ddb, item("A", size=600, shelf="s", rank=1, colour="red", label="l"))
    assert item_bytes(ddb.get_item(TableName=TABLE, Key=key("A"))["Item"]) == 600
    relabel = update("SET #pad = :p", {":p": {"S": "y" * 500}})
    with CapacityMeter(aws_prices=True) as meter:
        ddb.update_item(**relabel)
    assert priced(meter) == {TABLE: 1}  # neither KEYS_ONLY nor INCLUDE projects pad
    with CapacityMeter(aws_prices=True) as meter:
        ddb.transact_write_items(TransactItems=[{"Update": relabel}])
    assert priced(meter) == {TABLE: 2}


def test_a_projected_attribute_change_is_one_index_update(ddb):
    put(ddb, item("A", size=600, shelf="s", rank=1, colour="red", label="l", kind="k"))
    with CapacityMeter(aws_prices=True) as meter:
        ddb.update_item(**update("SET #label = :l", {":l": {"S": "new"}}))
    # INCLUDE projects label: 1 small update; ALL projects everything: the whole 600 bytes.
    assert priced(meter) == {TABLE: 1, INCLUDE: 1, ALL: 1}
    with CapacityMeter(aws_prices=True) as meter:
        ddb.update_item(**update("SET #pad = :p", {":p": {"S": "x" * 1000}}))
    assert priced(meter) == {TABLE: 2, ALL: 2}  # the ALL entry grew past 1 KB


def test_a_key_change_is_a_delete_and_a_put_in_the_index(ddb):
    put(ddb, item("A", size=600, shelf="s", rank=1))
    with CapacityMeter(aws_prices=True) as meter:
        ddb.update_item(**update("SET #rank = :r", {":r": {"N": "9"}}))
    assert priced(meter) == {TABLE: 1, KEYS_ONLY: 2}
    with CapacityMeter(aws_prices=True) as meter:
        ddb.transact_write_items(TransactItems=[{"Update": update("SET #shelf = :s",
                                                 {":s": {"S": "t"}})}])  # fmt: skip
    assert priced(meter) == {TABLE: 2, KEYS_ONLY: 4}


def test_a_sparse_index_entry_is_put_when_its_keys_appear_and_deleted_when_they_go(ddb):
    put(ddb, item("A", size=600))
    with CapacityMeter(aws_prices=True) as meter:
        ddb.update_item(**update("SET #colour = :c", {":c": {"S": "red"}}))
    assert priced(meter) == {TABLE: 1, INCLUDE: 1}
    with CapacityMeter(aws_prices=True) as meter:
        ddb.update_item(**update("REMOVE #colour"))
    assert priced(meter) == {TABLE: 1, INCLUDE: 1}
    with CapacityMeter(aws_prices=True) as meter:
        ddb.update_item(**update("SET #label = :l", {":l": {"S": "not a key"}}))
    assert priced(meter) == {TABLE: 1}


def test_a_delete_pays_for_the_deleted_item_and_its_entries(ddb):
    put(ddb, item("A", size=1536, shelf="s", rank=1, kind="k"))
    with CapacityMeter(aws_prices=True) as meter:
        ddb.delete_item(TableName=TABLE, Key=key("A"))
        ddb.delete_item(TableName=TABLE, Key=key("nothing there"))
    assert priced(meter) == {TABLE: 2 + 1, KEYS_ONLY: 1, ALL: 2}


def test_a_condition_check_costs_2_units_per_kb_of_the_checked_item(ddb):
    put(ddb, item("A", size=1536, shelf="s", rank=1))
    with CapacityMeter(aws_prices=True) as meter:
        ddb.transact_write_items(
            TransactItems=[
                {"ConditionCheck": {"TableName": TABLE, "Key": key("A"),
                                    "ConditionExpression": "attribute_exists(pk)"}},
                {"Put": {"TableName": TABLE, "Item": item("B", size=100)}},
            ]
        )  # fmt: skip
    assert priced(meter) == {TABLE: 4 + 2}


def test_batch_writes_are_priced_like_plain_writes(ddb):
    put(ddb, item("A", size=1536, shelf="s", rank=1))
    with CapacityMeter(aws_prices=True) as meter:
        ddb.batch_write_item(
            RequestItems={
                TABLE: [
                    {"PutRequest": {"Item": item("B", size=2100, colour="c")}},
                    {"DeleteRequest": {"Key": key("A")}},
                ]
            }
        )
    assert priced(meter) == {TABLE: 3 + 2, INCLUDE: 1, KEYS_ONLY: 1}


def test_a_failed_condition_costs_the_existing_item_and_a_cancelled_transaction_nothing(ddb):
    put(ddb, item("A", size=1536, shelf="s", rank=1))
    again = item("A", size=600, shelf="t", rank=2)
    with CapacityMeter(aws_prices=True) as meter, pytest.raises(ClientError):
        ddb.put_item(TableName=TABLE, Item=again, ConditionExpression="attribute_not_exists(pk)")
    assert priced(meter) == {TABLE: 2}
    with CapacityMeter(aws_prices=True) as meter, pytest.raises(ClientError):
        ddb.transact_write_items(
            TransactItems=[{"Put": {"TableName": TABLE, "Item": again,
                                    "ConditionExpression": "attribute_not_exists(pk)"}}]
        )  # fmt: skip
    assert priced(meter) == {}
    assert item_bytes(ddb.get_item(TableName=TABLE, Key=key("A"))["Item"]) == 1536


def test_the_pricing_reads_are_not_counted_and_a_plain_meter_does_not_price(ddb):
    with CapacityMeter() as plain, CapacityMeter(aws_prices=True) as meter:
        put(ddb, item("A", size=600, shelf="s", rank=1))
        ddb.transact_write_items(TransactItems=[{"Update": update("SET #label = :l",
                                                 {":l": {"S": "x"}})}])  # fmt: skip
    assert dict(plain.calls) == dict(meter.calls) == {"PutItem": 1, "TransactWriteItems": 1}
    assert plain.read_units == meter.read_units == 0
    assert plain.total == meter.total and plain.by_target == meter.by_target
    assert plain.aws_write_units == 0 and "awsWrite" not in plain.as_dict()
    assert meter.as_dict()["awsWrite"] == meter.aws_write_units == 1 + 1 + 2


def test_writes_from_several_threads_are_each_priced(ddb):
    """The pricer's own reads are hidden from the meters per thread: another thread's writes
    made meanwhile are still counted and priced."""
    start = threading.Barrier(4)

    def writer(n: int) -> None:
        start.wait()
        for i in range(5):
            put(ddb, item(f"W{n}-{i}", size=1100, shelf="s", rank=i))

    with CapacityMeter(aws_prices=True) as meter:
        threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert meter.calls == {"PutItem": 20}
    assert priced(meter) == {TABLE: 20 * 2, KEYS_ONLY: 20}
    assert len(meter.aws_writes) == 20


# --- item sizes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "size"),
    [
        ("0", 1),
        ("1", 2),
        ("10", 2),
        ("100", 2),  # pairs 01|00: the trailing zero pair is trimmed
        ("1000", 2),
        ("12345", 4),  # 01|23|45
        ("-1", 3),  # a negative number: one more byte
        ("0.5", 2),  # .50
        ("1.5", 3),  # 01.50
        ("0.05", 2),
        ("12345678901234567890123456789012345678", 20),
        ("-12345678901234567890123456789012345678", 21),
    ],
)
def test_a_number_is_1_byte_per_digit_pair_plus_1(number, size):
    assert number_bytes(number) == size


def test_item_sizes_follow_dynamodbs_rules():
    assert item_bytes({"name": {"S": "héllo"}}) == 4 + 6  # UTF-8 bytes of name and value
    assert item_bytes({"n": {"N": "25"}}) == 1 + 2
    assert item_bytes({"b": {"B": b"\x00\x01\x02"}}) == 1 + 3  # raw bytes, not base64
    assert item_bytes({"t": {"BOOL": True}, "z": {"NULL": True}}) == 2 + 2
    assert item_bytes({"l": {"L": []}}) == 1 + 3
    # a list: 3 bytes + 1 per element + the elements
    assert item_bytes({"l": {"L": [{"S": "ab"}, {"N": "7"}]}}) == 1 + 3 + (1 + 2) + (1 + 2)
    # a map: its keys count like attribute names
    assert item_bytes({"m": {"M": {"key": {"S": "v"}}}}) == 1 + 3 + (1 + 3 + 1)
    assert item_bytes({"s": {"SS": ["a", "bc"]}, "ns": {"NS": ["1", "100"]}}) == 1 + 3 + 2 + 4
    with pytest.raises(ValueError, match="not a DynamoDB attribute value"):
        item_bytes({"x": {"Q": "?"}})
