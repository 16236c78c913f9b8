"""The rooming list against DynamoDB Local: checked line by line before anything is
booked, and never half imported even when a line is refused at booking time."""

from __future__ import annotations

import pytest

from bookings.blocks import rooming
from bookings.blocks.errors import BlockFull
from bookings.models import CANCELLED, CONFIRMED, Booking
from hotel.errors import ValidationFailed
from tests.conftest import NOW
from tests.invariants import assert_inventory_consistent

from .conftest import day
from .test_services import picked


def test_every_bad_line_is_answered_at_once_and_nothing_is_booked(make_block):
    make_block(units=5, nights=3)
    text = "Guest Name;x\n"  # one column named "Guest Name;x": unknown
    with pytest.raises(ValidationFailed) as header:
        rooming.rooming_list_parse(code="WED26", text=text)
    assert header.value.details["lines"][0]["line"] == 1
    text = (
        "guestName,email,checkIn,checkOut,adults,childrenAges\n"
        "Ann,ann@x.test,,,2,\n"
        f"Bo,nope,{day(2)},{day(1)},1,\n"
        f"Cy,,{day(9)},,4,\n"
    )
    with pytest.raises(ValidationFailed) as refused:
        rooming.rooming_list_import(code="WED26", text=text, actor="t", now=NOW)
    found = {(p["line"], p["field"]) for p in refused.value.details["lines"]}
    assert found == {(3, "email"), (3, "checkOut"), (4, "checkIn"), (4, "checkOut"), (4, "adults")}
    assert not list(Booking.scan())


def test_a_line_refused_at_booking_time_cancels_what_the_import_made(
    make_block, book_from, monkeypatch
):
    make_block(units=2, nights=3)
    book_from(nights=3)  # an online guest took one unit: one left
    monkeypatch.setattr(rooming, "_over_capacity", lambda block, lines: [])  # the race
    text = "guestName\nAnn One\nBo Two\n"
    with pytest.raises(BlockFull) as refused:
        rooming.rooming_list_import(code="WED26", text=text, actor="t", now=NOW)
    assert refused.value.details["line"] == 3
    mine = [b for b in Booking.scan() if b.guestName in ("Ann One", "Bo Two")]
    assert [(b.guestName, b.status) for b in mine] == [("Ann One", CANCELLED)]
    assert picked() == [1, 1, 1]
    assert_inventory_consistent()


def test_a_good_list_books_every_line_confirmed_at_the_block_rate(make_block):
    make_block(units=3, nights=3, rate=11000)
    text = (
        "name,phone,checkIn,checkOut,adults,childrenAges\n"
        f"Ann,,,,2,\nBo,+441234567,{day(1)},{day(2)},1,4;7\n"
    )
    result = rooming.rooming_list_import(code="wed26", text=text, actor="t", now=NOW)
    stays = [Booking.get(i) for i in result.booking_ids]
    assert [s.status for s in stays] == [CONFIRMED, CONFIRMED]
    assert [s.subtotal for s in stays] == [33000, 11000]
    assert stays[1].childrenAges == [4, 7]
    assert picked() == [1, 2, 1]
    assert_inventory_consistent()


def test_digits_that_are_not_ascii_and_cells_past_the_csv_limit_are_field_errors(make_block):
    """ "²" is a digit to str.isdigit() but not to int(); a cell past the csv module's field
    limit raises csv.Error: both are the guest list's problems, answered, never a 500."""
    make_block(units=5, nights=3)
    text = "guestName,adults,childrenAges\nAnn,²,\nBo,1,³\n"
    with pytest.raises(ValidationFailed) as refused:
        rooming.rooming_list_parse(code="WED26", text=text)
    found = {(p["line"], p["field"]) for p in refused.value.details["lines"]}
    assert found == {(2, "adults"), (3, "childrenAges")}
    huge = "guestName,notes\nAnn," + "x" * 140_000 + "\n"
    with pytest.raises(ValidationFailed) as unreadable:
        rooming.rooming_list_parse(code="WED26", text=huge)
    assert "file" in unreadable.value.details["fields"]
    assert not list(Booking.scan())
