"""Linking a booking to its guest's profile with single writes: a booking of a guest the
hotel knows is created pointing at the profile (the link then writes the profile once), a new
guest's profile is created listing the booking (the link then writes the booking once); a
repeat writes nothing, a crash between the two writes is finished by the next call, a race
with staff's edit of the guest's contacts leaves no profile listing another guest's stay, and
concurrent bookings by one email are all linked once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.capacity import CapacityMeter
from bookings.guests import services
from bookings.guests.booking_edit import booking_guest_edit
from bookings.guests.models import GuestProfile
from bookings.guests.services import profile_link_booking, profile_unlink_booking
from bookings.models import Booking
from tests.conftest import NOW


def units_on(meter: CapacityMeter, table: str) -> float:
    """Write units the metered calls spent on `table` (its base table, not its indexes)."""
    return sum(
        units
        for target, units in meter.write_by_target.items()
        if f"{table}-" in target and "/" not in target
    )


def test_a_returning_guests_booking_is_created_pointing_at_the_profile(room, make_booking):
    first = make_booking().booking
    pid = Booking.get(first.bookingId).profileId

    with CapacityMeter() as meter:
        second = make_booking(start=5).booking  # the handler links it in process

    assert second.profileId == pid  # in the booking's creating Put
    assert Booking.get(second.bookingId).profileId == pid
    assert GuestProfile.get(pid).bookingIds == [first.bookingId, second.bookingId]
    # The link: one single write of the profile (a transaction would cost it twice), none
    # of the booking beyond its creating Put.
    assert meter.calls["UpdateItem"] == 1
    assert units_on(meter, "guest-profiles") == 1.0


def test_a_new_guests_profile_lists_the_booking_from_its_creation(room, make_booking):
    with CapacityMeter() as meter:
        booking = make_booking(guest_email="new@guest.test").booking

    assert booking.profileId is None  # no profile to find when it was created
    pid = Booking.get(booking.bookingId).profileId
    assert GuestProfile.get(pid).bookingIds == [booking.bookingId]
    assert meter.calls["UpdateItem"] == 1  # the booking's profileId; the profile: its Put


def test_a_repeat_writes_nothing_and_lists_the_booking_once(room, make_booking):
    booking = make_booking().booking
    pid = Booking.get(booking.bookingId).profileId
    revision = GuestProfile.get(pid).revision

    with CapacityMeter() as meter:
        for _ in range(3):  # the event again, a confirm, the backfill command
            assert profile_link_booking(booking_id=booking.bookingId, now=NOW) == pid

    assert meter.write_units == 0
    profile = GuestProfile.get(pid)
    assert profile.bookingIds == [booking.bookingId] and profile.revision == revision


def unlinked(make_booking, **kw) -> tuple[str, str]:
    """A booking of the guest of profile P that neither points at P nor is listed by it (as
    before its BookingCreated handler ran, had P not been found when it was created)."""
    booking = make_booking(**kw).booking
    pid = Booking.get(booking.bookingId).profileId
    Booking.get(booking.bookingId).update(actions=[Booking.profileId.remove()])
    profile_unlink_booking(profile_id=pid, booking_id=booking.bookingId, now=NOW)
    return booking.bookingId, pid


def test_a_crash_between_the_two_writes_is_finished_by_the_next_call(
    room, make_booking, monkeypatch
):
    make_booking()  # the guest's profile
    bid, pid = unlinked(make_booking, start=5)

    def crash(**kwargs):
        raise RuntimeError("the process died after the profile's write")

    monkeypatch.setattr(services, "booking_profile_point", crash)
    with pytest.raises(RuntimeError):
        profile_link_booking(booking_id=bid, now=NOW)
    # Left behind: the profile lists the booking (its history is whole), the booking does not
    # point back yet.
    assert GuestProfile.get(pid).bookingIds.count(bid) == 1
    assert Booking.get(bid).profileId is None
    monkeypatch.undo()

    assert profile_link_booking(booking_id=bid, now=NOW) == pid  # the bus's retry
    assert Booking.get(bid).profileId == pid
    assert GuestProfile.get(pid).bookingIds.count(bid) == 1  # not listed twice


def test_an_edit_of_the_contacts_during_the_link_leaves_no_listing_behind(
    room, make_booking, monkeypatch
):
    """Staff move the booking to another guest between the handler's read of the booking
    (pointing at P) and its write of P: the handler's check after the write sees the booking
    belongs to another profile now and takes P's listing back."""
    first = make_booking().booking
    pid = Booking.get(first.bookingId).profileId
    booking = make_booking(start=5).booking
    profile_unlink_booking(profile_id=pid, booking_id=booking.bookingId, now=NOW)
    assert Booking.get(booking.bookingId).profileId == pid  # points at P, not listed by it
    real_current, edits = services.profile_current, []

    def read_then_edit(**kwargs):
        profile = real_current(**kwargs)
        if not edits:  # the handler read P; now staff give the stay to another guest
            edits.append(
                booking_guest_edit(
                    booking_id=booking.bookingId,
                    changes={"guestEmail": "other@guest.test"},
                    actor="desk",
                    now=NOW,
                )
            )
        return profile

    monkeypatch.setattr(services, "profile_current", read_then_edit)

    other = profile_link_booking(booking_id=booking.bookingId, now=NOW)

    assert edits and other != pid
    assert Booking.get(booking.bookingId).profileId == other
    assert GuestProfile.get(other).bookingIds == [booking.bookingId]
    assert GuestProfile.get(pid).bookingIds == [first.bookingId]  # not the moved stay


def test_concurrent_bookings_of_a_returning_guest_are_all_linked_once(make_room, make_booking):
    for n in range(6):
        make_room(roomId=f"R-{n}", capacity=2)
    first = make_booking(room_id="R-0", start=10).booking
    pid = Booking.get(first.bookingId).profileId
    barrier = threading.Barrier(6)

    def book(n):
        barrier.wait()
        return make_booking(room_id=f"R-{n}").booking.bookingId

    with ThreadPoolExecutor(max_workers=6) as pool:
        ids = list(pool.map(book, range(6)))

    profile = GuestProfile.get(pid)
    assert sorted(profile.bookingIds) == sorted([first.bookingId, *ids])  # each once
    assert {Booking.get(b).profileId for b in ids} == {pid}


def test_concurrent_links_of_one_booking_list_it_once(room, make_booking):
    """The event delivered several times at once (and a confirm): one listing, one pointer."""
    make_booking()
    bid, pid = unlinked(make_booking, start=5)
    barrier = threading.Barrier(5)

    def link(_):
        barrier.wait()
        return profile_link_booking(booking_id=bid, now=NOW)

    with ThreadPoolExecutor(max_workers=5) as pool:
        assert set(pool.map(link, range(5))) == {pid}

    assert GuestProfile.get(pid).bookingIds.count(bid) == 1
    assert Booking.get(bid).profileId == pid
