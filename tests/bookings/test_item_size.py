"""A booking's price snapshot is packed (hotel.dynamo.PackedJSONAttribute), so a booking of a
usual stay fits in one write unit, and bookings written before the packing still read."""

import hashlib
import json
from datetime import date, timedelta

import pytest

from bench.capacity import CapacityMeter, item_bytes
from bookings.models import Booking
from bookings.snapshot_packing import SNAPSHOT_DICTIONARIES
from hotel import dynamo
from hotel.dynamo import PackedJSONAttribute
from tests.stored import stored_text


def d(n: int) -> str:
    return (date.today() + timedelta(days=30 + n)).isoformat()


@pytest.fixture
def booked(api, make_room):
    make_room(roomId="R-1", roomType="Deluxe", capacity=2, pricePerNight=10000)
    body = {
        "roomId": "R-1",
        "checkIn": d(0),
        "checkOut": d(3),
        "guests": 2,
        "guestName": "Ada Lovelace-Byron",
        "guestEmail": "ada.lovelace@guest.test",
        "guestPhone": "+44 20 7946 0000",
    }
    response = api.post("/api/bookings", body, format="json")
    assert response.status_code == 201, response.content
    return Booking.get(response.json()["bookingId"], consistent_read=True)


def test_a_booking_of_a_usual_stay_is_under_one_kilobyte(booked):
    assert booked.terms and len(booked.nightly) == 3
    assert item_bytes(booked.serialize()) < 900  # a hold, with its guest's contacts
    with CapacityMeter() as meter:  # a plain (not transactional) write: 1 unit per KB
        booked.update(actions=[Booking.notes.set("Late arrival, about 23:00")])
    assert meter.by_target[Booking.Meta.table_name] == 1


def test_the_snapshot_is_stored_packed_and_reads_back_the_same(booked):
    raw = _raw_item(booked.bookingId)
    assert set(raw["terms"]) == {"B"} and set(raw["nightly"]) == {"B"}
    again = Booking.get(booked.bookingId, consistent_read=True)
    assert again.terms == booked.terms and again.nightly == booked.nightly


def test_a_booking_written_as_json_strings_still_reads_and_is_packed_on_its_next_save(booked):
    terms, nightly = booked.terms, booked.nightly
    dynamo.client().update_item(  # as PynamoDB's JSONAttribute wrote them before
        TableName=Booking.Meta.table_name,
        Key={"bookingId": {"S": booked.bookingId}},
        UpdateExpression="SET terms = :t, nightly = :n",
        ExpressionAttributeValues={
            ":t": {"S": json.dumps(terms)},
            ":n": {"S": json.dumps(nightly)},
        },
    )
    legacy = Booking.get(booked.bookingId, consistent_read=True)
    assert legacy.terms == terms and legacy.nightly == nightly
    legacy.save()
    assert set(_raw_item(booked.bookingId)["terms"]) == {"B"}
    assert Booking.get(booked.bookingId, consistent_read=True).terms == terms


@pytest.mark.parametrize(
    "value", [None, [], {}, "ü", [{"date": "2026-12-01", "amount": 1}] * 40, {"a": [1, None, True]}]
)
def test_packing_round_trips_small_and_large_values(value):
    attribute = PackedJSONAttribute(attr_name="x")
    packed = attribute.serialize(value)
    assert (packed is None) if value is None else attribute.deserialize(packed) == value
    if isinstance(value, list) and len(value) == 40:
        assert packed[:1] == b"z" and len(packed) < len(json.dumps(value)) / 5


def test_the_snapshot_dictionary_packs_a_usual_snapshot_to_a_fraction(booked):
    plain = PackedJSONAttribute(attr_name="terms")
    for value in (booked.terms, booked.nightly):
        packed = Booking.terms.serialize(value)
        assert packed[:2] == b"d\x00" and Booking.terms.deserialize(packed) == value
        assert len(packed) < len(plain.serialize(value)) / 2


def test_the_snapshot_dictionaries_are_never_edited():
    """Bookings packed with a dictionary unpack only with the same bytes: append, never edit."""
    digests = [hashlib.sha256(d).hexdigest()[:16] for d in SNAPSHOT_DICTIONARIES]
    assert digests[:1] == ["03abb6795b333a39"]


def test_an_unknown_packing_is_an_error_not_a_guess():
    with pytest.raises(ValueError, match="unknown packing"):
        PackedJSONAttribute(attr_name="x").deserialize(b"?{}")


def _raw_item(booking_id: str) -> dict:
    return dynamo.client().get_item(
        TableName=Booking.Meta.table_name, Key={"bookingId": {"S": booking_id}}, ConsistentRead=True
    )["Item"]


def test_the_searches_for_data_that_must_not_be_stored_see_inside_the_packing(booked):
    """tests.stored.stored_text, which the card-data and erasure tests search, unpacks."""
    raw = _raw_item(booked.bookingId)
    label = booked.terms["lines"][0]["label"]
    assert label not in json.dumps(raw, default=str)  # packed: invisible to a plain search
    assert label in stored_text(Booking, raw)
