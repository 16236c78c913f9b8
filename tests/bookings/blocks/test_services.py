"""Group blocks against DynamoDB Local: held out of inventory, picked by bookings, given
back on cancel, released idempotently — the counters checked after every step."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from bookings.blocks.errors import (
    BlockBookingChange,
    BlockFull,
    BlockReleased,
    BlockUnitsUnavailable,
)
from bookings.blocks.models import HELD, RELEASED, Block
from bookings.blocks.selectors import block_nights, pickup_label
from bookings.blocks.services import _night_release, block_release, block_release_due
from bookings.exceptions import RoomUnavailable
from bookings.inventory import inventory_read
from bookings.models import CANCELLED
from bookings.services import booking_cancel, booking_change, booking_create, booking_transition
from hotel.errors import ValidationFailed
from tests.conftest import NOW
from tests.invariants import assert_inventory_consistent

from .conftest import day


def sold(night_offset: int, room_type="Suite") -> int:
    night = day(night_offset)
    return inventory_read(first=night, last=night, room_type=room_type, consistent=True)[
        (room_type, night)
    ].sold


def general(start=0, nights=1, **kw):
    return booking_create(
        room_type="Suite",
        check_in=day(start),
        check_out=day(start + nights),
        guests=1,
        guest_name=kw.pop("name", "Walk In"),
        guest_email="walk@in.test",
        actor="t",
        now=NOW,
        **kw,
    )


def picked(code="WED26") -> list[int]:
    block = Block.get(code, consistent_read=True)
    return [n.picked for n in block_nights(block, consistent=True)]


def test_creating_a_block_takes_its_units_from_general_inventory(make_block):
    block = make_block(units=5, nights=3)
    assert block.status == HELD
    assert [sold(n) for n in range(3)] == [5, 5, 5]
    general()  # the sixth room is still on sale
    with pytest.raises(RoomUnavailable):
        general()
    assert_inventory_consistent()


def test_a_block_is_refused_when_its_units_are_not_free_and_nothing_is_held(make_block):
    general(start=1)
    general(start=1)
    with pytest.raises(BlockUnitsUnavailable) as refused:
        make_block(units=5, nights=3)
    assert refused.value.status_code == 409
    assert refused.value.details["nights"] == [{"night": day(1).isoformat(), "free": 4}]
    assert [sold(n) for n in range(3)] == [0, 2, 0]
    assert not list(Block.scan())
    assert_inventory_consistent()


def test_block_input_is_checked_field_by_field(make_block):
    with pytest.raises(ValidationFailed) as bad:
        make_block(code="x", units=0, rate=-1, nights=60, release=day(5))
    assert set(bad.value.details["fields"]) >= {"code", "unitsPerNight", "rate", "end"}


def test_a_booking_from_the_block_is_priced_at_its_rate_and_picks_a_block_unit(
    make_block, book_from
):
    make_block(rate=12000)
    made = book_from(nights=2)
    assert made.booking.blockCode == "WED26"
    assert made.booking.subtotal == 24000
    assert [n["amount"] for n in made.booking.nightly] == [12000, 12000]
    assert picked() == [1, 1, 0]
    assert [sold(n) for n in range(3)] == [5, 5, 5]  # the block's units were sold already
    assert_inventory_consistent()


def test_a_booking_outside_the_block_or_with_an_unknown_code_is_refused(make_block, book_from):
    make_block(nights=3)
    with pytest.raises(ValidationFailed) as outside:
        book_from(start=2, nights=2)
    assert "checkIn" in outside.value.details["fields"]
    with pytest.raises(ValidationFailed) as unknown:
        book_from(code="NOPE")
    assert "blockCode" in unknown.value.details["fields"]


def test_12_concurrent_bookings_for_a_block_of_5_get_exactly_5(make_block, book_from):
    make_block(units=5)
    barrier = threading.Barrier(12)

    def attempt(n):
        barrier.wait()
        try:
            return book_from(name=f"Guest {n}", guest_email=f"g{n}@w.test").booking.bookingId
        except BlockFull:
            return None

    with ThreadPoolExecutor(12) as pool:
        results = list(pool.map(attempt, range(12)))
    assert len([r for r in results if r]) == 5
    assert picked() == [5, 5, 0]
    assert sold(0) == 5
    assert_inventory_consistent()


def test_a_full_block_says_so(make_block, book_from):
    make_block(units=1)
    book_from()
    with pytest.raises(BlockFull) as full:
        book_from()
    assert full.value.details["nights"] == [day(0).isoformat(), day(1).isoformat()]


def test_cancelling_a_block_booking_gives_the_unit_back_to_the_block(make_block, book_from):
    make_block(units=2)
    first = book_from().booking
    book_from()
    booking_cancel(booking_id=first.bookingId, actor="t", now=NOW)
    assert picked() == [1, 1, 0]
    assert [sold(n) for n in range(3)] == [2, 2, 2]
    book_from()  # the unit is the block's again
    assert_inventory_consistent()


def test_an_expired_block_hold_gives_its_unit_back_to_the_block(make_block, book_from):
    make_block(units=2)
    hold = book_from().booking
    later = NOW + timedelta(days=2)
    booking_transition(
        booking_id=hold.bookingId, to_status="expired", actor="t", now=later, system=True
    )
    assert picked() == [0, 0, 0]
    assert_inventory_consistent()


def test_a_block_booking_cannot_change_its_dates(make_block, book_from):
    make_block()
    made = book_from()
    with pytest.raises(BlockBookingChange) as refused:
        booking_change(
            booking_id=made.booking.bookingId,
            check_in=day(1),
            check_out=day(3),
            actor="t",
            now=NOW,
        )
    assert refused.value.status_code == 409


def test_release_is_idempotent_and_gives_the_unpicked_units_back(make_block, book_from):
    make_block(units=5, nights=3)
    book_from(nights=2)
    book_from(nights=1)
    general()  # the sixth room
    assert [sold(n) for n in range(3)] == [6, 5, 5]
    block, nights = block_release(code="WED26", actor="t", now=NOW)
    assert (block.status, nights) == (RELEASED, 3)
    assert [sold(n) for n in range(3)] == [3, 1, 0]
    assert picked() == [2, 1, 0]
    assert_inventory_consistent()
    block, nights = block_release(code="WED26", actor="t", now=NOW)
    assert (block.status, nights) == (RELEASED, 0)
    assert [sold(n) for n in range(3)] == [3, 1, 0]
    assert_inventory_consistent()
    general(start=1)  # the released units are on general sale
    assert_inventory_consistent()


def test_a_release_that_stopped_half_way_resumes_with_the_nights_left(make_block, book_from):
    make_block(units=5, nights=3, release=day(-7))
    book_from(nights=3)
    block = Block.get("WED26", consistent_read=True)
    first = block_nights(block, consistent=True)[0]
    assert _night_release(first, now=NOW)  # the crash: one night done, the block not marked
    assert_inventory_consistent()
    assert Block.get("WED26", consistent_read=True).status == HELD
    with pytest.raises(BlockReleased):
        book_from(nights=1)  # a released night takes no more block bookings
    on_release_day = NOW.replace(month=3, day=30)
    assert block_release_due(now=on_release_day) == 1
    assert [sold(n) for n in range(3)] == [1, 1, 1]
    assert_inventory_consistent()
    assert block_release_due(now=on_release_day) == 0
    assert [sold(n) for n in range(3)] == [1, 1, 1]
    assert_inventory_consistent()


def test_release_waits_for_the_release_date(make_block):
    make_block(release=day(-7))
    assert block_release_due(now=NOW) == 0
    assert Block.get("WED26").status == HELD


def test_a_block_booking_cancelled_after_release_gives_its_unit_to_inventory(make_block, book_from):
    make_block(units=5)
    made = book_from().booking
    block_release(code="WED26", actor="t", now=NOW)
    assert sold(0) == 1
    cancelled = booking_cancel(booking_id=made.bookingId, actor="t", now=NOW)
    assert cancelled.status == CANCELLED
    assert sold(0) == 0
    assert picked() == [0, 0, 0]
    assert_inventory_consistent()
    with pytest.raises(BlockReleased):
        book_from()


def test_the_pickup_label_reads_picked_of_units(make_block, book_from):
    make_block(units=5)
    book_from()
    block = Block.get("WED26", consistent_read=True)
    assert pickup_label(block_nights(block)[:1]) == "Block WED26: 1/5 picked"


def test_the_daily_job_releases_due_blocks_once(make_block, book_from, settings):
    from hotel import jobs

    make_block(units=5, release=day(-7))
    book_from()
    Block.get("WED26").update(actions=[Block.releaseDate.set("2026-03-01")])  # due already
    first = jobs.release_blocks_daily({"source": "aws.events"}, None)
    assert first["output"] == "released 1 block(s)"
    assert Block.get("WED26", consistent_read=True).status == RELEASED
    assert jobs.release_blocks_daily({"source": "aws.events"}, None)["output"] == (
        "released 0 block(s)"
    )
    assert_inventory_consistent()


def test_the_inventory_migration_counts_held_and_released_blocks(make_block, book_from):
    from bookings.inventory_migration import inventory_migrate

    make_block(units=4)
    book_from()
    general()
    report = inventory_migrate(now=NOW, log=lambda _m: None)
    assert report.mismatches == []
    assert [sold(n) for n in range(3)] == [5, 4, 4]
    assert_inventory_consistent()
    block_release(code="WED26", actor="t", now=NOW)
    assert inventory_migrate(now=NOW, log=lambda _m: None).mismatches == []
    assert [sold(n) for n in range(3)] == [2, 1, 0]
    assert_inventory_consistent()


def test_a_release_racing_bookings_and_cancels_leaves_the_counters_exact(make_block, book_from):
    make_block(units=5, nights=3)
    early = [book_from(name=f"Early {n}").booking.bookingId for n in range(2)]
    barrier = threading.Barrier(6)

    def book(n):
        barrier.wait()
        try:
            return book_from(name=f"Racer {n}", guest_email=f"r{n}@w.test").booking.bookingId
        except (BlockFull, BlockReleased):
            return None

    def cancel(booking_id):
        barrier.wait()
        return booking_cancel(booking_id=booking_id, actor="t", now=NOW).status

    def release(_):
        barrier.wait()
        return block_release(code="WED26", actor="t", now=NOW)[0].status

    with ThreadPoolExecutor(6) as pool:
        jobs = [pool.submit(book, n) for n in range(3)]
        jobs += [pool.submit(cancel, b) for b in early]
        jobs.append(pool.submit(release, None))
        results = [j.result() for j in jobs]
    assert results[3:] == [CANCELLED, CANCELLED, RELEASED]
    assert_inventory_consistent()
    live = len([r for r in results[:3] if r])
    assert picked() == [live, live, 0]
    assert [sold(n) for n in range(3)] == [live, live, 0]


def test_a_block_booking_may_pin_a_room_of_the_blocks_type_only(make_block, book_from, make_room):
    make_block(units=2)
    make_room(roomId="D-1", roomType="Deluxe")
    with pytest.raises(ValidationFailed) as other:
        book_from(room_id="D-1")
    assert "roomId" in other.value.details["fields"]
    pinned = book_from(room_id="S-1").booking
    assert (pinned.roomId, pinned.blockCode) == ("S-1", "WED26")
    assert_inventory_consistent()
