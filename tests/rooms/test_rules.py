"""Pure tier: room field rules, cursors and money formatting (no database)."""

import pytest

from hotel.dynamo import InvalidCursor, decode_cursor, encode_cursor
from hotel.errors import ValidationFailed
from hotel.templatetags.money import format_money
from rooms.services import room_validate


def test_valid_room_is_cleaned_and_amenities_deduplicated():
    cleaned = room_validate(
        data={
            "roomId": "R-1",
            "roomType": "Suite",
            "floorNumber": 0,
            "capacity": 12,
            "pricePerNight": 1,
            "amenities": [" WiFi", "WiFi", "AC "],
        },
        creating=True,
    )
    assert cleaned["amenities"] == ["WiFi", "AC"]
    assert cleaned["capacity"] == 12


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("floorNumber", 201),
        ("capacity", 13),
        ("capacity", True),
        ("pricePerNight", 0),
        ("pricePerNight", 10.5),
        ("amenities", ["x" * 51]),
        ("amenities", ["ok"] * 31),
        ("amenities", [""]),
        ("description", "x" * 2001),
    ],
)
def test_out_of_range_values_name_their_field(field, value):
    with pytest.raises(ValidationFailed) as excinfo:
        room_validate(data={field: value}, creating=False)
    assert list(excinfo.value.details["fields"]) == [field]


def test_partial_update_does_not_require_create_fields():
    assert room_validate(data={"status": "maintenance"}, creating=False) == {
        "status": "maintenance"
    }


def test_cursor_round_trip_and_rejects_tampering():
    key = {"roomId": {"S": "R-1"}, "floorNumber": {"N": "3"}}
    assert decode_cursor(encode_cursor(key)) == key
    assert decode_cursor(None) is None and encode_cursor(None) is None
    for bad in ["%%%", "bm90anNvbg", encode_cursor({"a": {"B": "x"}}), "W10"]:
        with pytest.raises(InvalidCursor):
            decode_cursor(bad)


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        (450000, "INR", "₹4,500.00"),
        (5, "USD", "$0.05"),
        (-1999, "EUR", "-€19.99"),
        (1500, "JPY", "¥1,500"),
        (100, "CHF", "CHF 1.00"),
    ],
)
def test_money_is_formatted_from_minor_units(amount, currency, text):
    assert format_money(amount, currency) == text
