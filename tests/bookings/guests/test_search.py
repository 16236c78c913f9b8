"""The one search box with 1,000 profiles: by reference, email, phone and name prefix, each a
key read or one Query of a name bucket (never a Scan), with its capacity units measured."""

from __future__ import annotations

import itertools

import pytest

from bench.capacity import CapacityMeter
from bookings.guests.keys import profile_key_items
from bookings.guests.models import GuestKey, GuestProfile
from bookings.guests.selectors import guest_search
from bookings.models import Booking
from tests.conftest import NOW

FIRST = ["Ada", "Zoë", "Björn", "Marie-Claire", "Omar", "Wei", "Priya", "Jean", "Lars", "Ana"]
LAST = [
    "Lovelace",
    "Nguyen",
    "Müller",
    "Okafor",
    "García",
    "Smith",
    "Rossi",
    "Kowalski",
    "Dubois",
    "Haddad",
]


@pytest.fixture
def thousand():
    """1,000 profiles (10 first × 10 last names × 10), written in batches with their keys."""
    names = itertools.cycle(f"{first} {last}" for first in FIRST for last in LAST)
    with GuestProfile.batch_write() as profiles, GuestKey.batch_write() as key_items:
        for n in range(1000):
            pid = f"GP-T{n:06d}"
            name = next(names)
            profiles.save(
                GuestProfile(
                    profileId=pid,
                    name=name,
                    email=f"guest{n}@x.test",
                    phone=f"+4930{n:06d}",
                    createdAt=NOW,
                    updatedAt=NOW,
                )
            )
            claims, plain = profile_key_items(
                profile_id=pid, name=name, email=f"guest{n}@x.test", phone=f"+4930{n:06d}"
            )
            for item in [*claims, *plain]:
                key_items.save(item)


def measured(query):
    with CapacityMeter() as meter:
        result = guest_search(query)
    assert meter.calls["Scan"] == 0
    return result, meter


def test_search_by_email_phone_and_name_with_1000_profiles(thousand, capsys):
    result, by_email = measured("Guest17@X.test")
    assert result.kind == "email" and [p.profileId for p in result.profiles] == ["GP-T000017"]

    result, by_phone = measured("+49 30 000 017")
    assert result.kind == "phone" and [p.profileId for p in result.profiles] == ["GP-T000017"]

    result, by_name = measured("mull")  # "Müller": accents stripped, a prefix
    assert result.kind == "name" and len(result.profiles) == 20  # the page size
    assert all("Müller" in p.name for p in result.profiles)
    assert by_name.calls_for("Query", GuestKey.Meta.table_name) == 1

    result, two_words = measured("zoe mul")
    assert result.profiles and all(p.name == "Zoë Müller" for p in result.profiles)

    result, _ = measured("Marie")  # a hyphenated first name's tokens
    assert result.profiles and all(p.name.startswith("Marie-Claire") for p in result.profiles)

    with capsys.disabled():
        print(
            f"\nRCU per search, 1,000 profiles: email {by_email.read_units:g}, "
            f"phone {by_phone.read_units:g}, name prefix {by_name.read_units:g} "
            f"(keys Query {by_name.units_for(GuestKey.Meta.table_name):g}, "
            f"profiles BatchGet {by_name.units_for(GuestProfile.Meta.table_name):g}), "
            f"two words {two_words.read_units:g}"
        )
    # The name Query reads one bucket's matching keys, not the table.
    assert by_name.units_for(GuestKey.Meta.table_name) <= 4


def test_search_by_reference_and_bookings_without_a_profile(room, make_booking, monkeypatch):
    from bookings.guests import handlers

    booking = make_booking(guest_email="walk@in.test").booking
    result, _ = measured(booking.bookingId.lower())
    assert (
        result.kind == "reference"
        and result.profiles[0].profileId == Booking.get(booking.bookingId).profileId
    )
    assert result.bookings[result.profiles[0].profileId][0].bookingId == booking.bookingId

    monkeypatch.setattr(handlers, "profile_link_booking", lambda **kw: None)
    loose = make_booking(start=5, guest_email="loose@in.test").booking
    result, _ = measured("loose@in.test")
    assert result.profiles == [] and [b.bookingId for b in result.loose_bookings] == [
        loose.bookingId
    ]
