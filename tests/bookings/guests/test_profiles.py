"""Guest profiles: one per guest under concurrency, bookings linked once, stays counted once,
merge (and its re-run), edits audited."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from bookings.guests import keys
from bookings.guests.exceptions import ContactTaken, MergeRefused
from bookings.guests.merge import profile_merge
from bookings.guests.models import GuestKey, GuestProfile
from bookings.guests.selectors import profile_get
from bookings.guests.services import (
    profile_find_or_create,
    profile_link_booking,
    profile_stay_count,
    profile_update,
)
from bookings.models import Booking
from bookings.services import booking_transition
from hotel.audit.selectors import audit_for_object
from tests.bookings.conftest import day
from tests.conftest import NOW


def profiles() -> list[GuestProfile]:
    return list(GuestProfile.scan())


def test_name_tokens_are_lower_case_without_accents_split_on_spaces_and_hyphens():
    assert keys.name_tokens("Zoë Saint-Éxupéry") == ["zoe", "saint", "exupery"]
    assert keys.phone_normalise("0049 (30) 123-456") == "+4930123456"
    assert keys.email_normalise(" Ada@Guest.TEST ") == "ada@guest.test"


def test_concurrent_bookings_of_one_new_guest_make_one_profile(make_room, make_booking):
    for n in range(6):
        make_room(roomId=f"R-{n}", capacity=2)
    barrier = threading.Barrier(6)

    def book(n):
        barrier.wait()
        return make_booking(room_id=f"R-{n}", guest_email="New.Guest@x.test").booking.bookingId

    with ThreadPoolExecutor(max_workers=6) as pool:
        ids = list(pool.map(book, range(6)))

    [profile] = profiles()
    assert sorted(profile.bookingIds) == sorted(ids)
    assert {Booking.get(b).profileId for b in ids} == {profile.profileId}
    claim = GuestKey.get("email#new.guest@x.test", keys.CLAIM)
    assert claim.profileId == profile.profileId


def test_concurrent_creates_race_inside_dynamodb_and_the_losers_get_the_winner():
    barrier = threading.Barrier(8)

    def create(n):
        barrier.wait()
        return profile_find_or_create(
            name=f"Guest {n}", email="race@x.test", phone="+44 20 7946 0000", now=NOW
        ).profileId

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = set(pool.map(create, range(8)))

    assert len(ids) == 1 and [p.profileId for p in profiles()] == list(ids)


def test_the_same_phone_finds_the_profile_an_email_made(room, make_booking):
    first = make_booking(guest_email="ada@guest.test", guest_phone="+49 30 1234567").booking
    second = make_booking(start=5, guest_email="other@guest.test", guest_phone="0049301234567")
    assert Booking.get(second.booking.bookingId).profileId == Booking.get(first.bookingId).profileId


def test_linking_is_idempotent(room, make_booking):
    booking = make_booking().booking
    pid = Booking.get(booking.bookingId).profileId
    for _ in range(3):  # the event delivered again, and a confirm
        assert profile_link_booking(booking_id=booking.bookingId, now=NOW) == pid
    assert profile_get(profile_id=pid).bookingIds == [booking.bookingId]


def test_a_stay_is_counted_once_on_check_out(room, make_booking):
    booking = make_booking().booking
    for status in ("confirmed", "checked-in", "checked-out"):
        booking_transition(booking_id=booking.bookingId, to_status=status, actor="t", now=NOW)
    for _ in range(3):  # the event again: nothing more
        assert profile_stay_count(booking_id=booking.bookingId, now=NOW) is False
    profile = profile_get(profile_id=Booking.get(booking.bookingId).profileId)
    assert (profile.stays, profile.nights, profile.spend) == (1, 2, booking.totalPrice)
    assert profile.lastStay == day(2).isoformat()


def test_concurrent_counts_of_one_stay_count_it_once(room, make_booking, monkeypatch):
    from bookings.services import transition

    booking = make_booking().booking
    monkeypatch.setattr(transition.events, "publish", lambda *a, **k: None)  # count by hand
    for status in ("confirmed", "checked-in", "checked-out"):
        booking_transition(booking_id=booking.bookingId, to_status=status, actor="t", now=NOW)
    barrier = threading.Barrier(5)

    def count(_):
        barrier.wait()
        return profile_stay_count(booking_id=booking.bookingId, now=NOW)

    with ThreadPoolExecutor(max_workers=5) as pool:
        assert sum(pool.map(count, range(5))) == 1
    assert profile_get(profile_id=Booking.get(booking.bookingId).profileId).stays == 1


def test_an_edit_is_audited_with_before_and_after_and_moves_the_email_key(room, make_booking):
    booking = make_booking().booking
    pid = Booking.get(booking.bookingId).profileId

    profile_update(
        profile_id=pid,
        changes={"email": "ADA@new.test", "notes": "allergic to feathers", "vip": True},
        actor="desk@staff.test",
        now=NOW,
    )

    [entry] = [
        e
        for e in audit_for_object(object_type="guests.profile", object_id=pid)
        if e.action == "update"
    ]
    assert entry.changes["notes"] == ["", "allergic to feathers"]
    assert entry.changes["email"] == ["ada@guest.test", "ada@new.test"]
    assert GuestKey.get("email#ada@new.test", keys.CLAIM).profileId == pid
    assert GuestKey.count("email#ada@guest.test") == 0


def test_an_edit_to_another_profiles_email_is_refused(room, make_booking):
    make_booking(guest_email="one@x.test")
    other = make_booking(start=5, guest_email="two@x.test").booking
    with pytest.raises(ContactTaken):
        profile_update(
            profile_id=Booking.get(other.bookingId).profileId,
            changes={"email": "one@x.test"},
            actor="t",
            now=NOW,
        )


def test_merge_moves_bookings_and_history_and_keys_and_can_run_again(room, make_booking):
    a = make_booking(guest_email="ada@one.test", guest_name="Ada Lovelace").booking
    b = make_booking(start=5, guest_email="ada@two.test", guest_name="Ada King").booking
    for status in ("confirmed", "checked-in", "checked-out"):
        booking_transition(booking_id=b.bookingId, to_status=status, actor="t", now=NOW)
    keep, dup = Booking.get(a.bookingId).profileId, Booking.get(b.bookingId).profileId
    profile_update(profile_id=dup, changes={"notes": "high floor"}, actor="t", now=NOW)

    merged = profile_merge(profile_id=dup, into=keep, actor="m", now=NOW)

    assert sorted(merged.bookingIds) == sorted([a.bookingId, b.bookingId])
    assert (merged.stays, merged.spend, merged.notes) == (1, b.totalPrice, "high floor")
    assert Booking.get(b.bookingId).profileId == keep
    assert GuestKey.get("email#ada@two.test", keys.CLAIM).profileId == keep
    assert GuestKey.count("name#ki") == 0  # the duplicate's name keys are gone
    duplicate = profile_get(profile_id=dup)
    assert duplicate.mergedInto == keep and duplicate.bookingIds == []
    actions = [e.action for e in audit_for_object(object_type="guests.profile", object_id=keep)]
    assert "merge:into" in actions

    # A crash after step 1 left a booking pointing at the duplicate: the re-run finishes it.
    Booking.get(b.bookingId).update(actions=[Booking.profileId.set(dup)])
    again = profile_merge(profile_id=dup, into=keep, actor="m", now=NOW)
    assert again.stays == 1 and sorted(again.bookingIds) == sorted(merged.bookingIds)
    assert Booking.get(b.bookingId).profileId == keep
    # A stay of the merged booking is not counted again.
    assert profile_stay_count(booking_id=b.bookingId, now=NOW) is False


def test_merge_refuses_itself_and_a_merged_target(room, make_booking):
    a = make_booking(guest_email="a@x.test").booking
    b = make_booking(start=5, guest_email="b@x.test").booking
    pa, pb = Booking.get(a.bookingId).profileId, Booking.get(b.bookingId).profileId
    with pytest.raises(MergeRefused):
        profile_merge(profile_id=pa, into=pa, actor="m", now=NOW)
    profile_merge(profile_id=pa, into=pb, actor="m", now=NOW)
    with pytest.raises(MergeRefused):
        profile_merge(profile_id=pb, into=pa, actor="m", now=NOW)


def test_a_booking_linked_between_an_edits_read_and_save_is_kept(room, make_booking, monkeypatch):
    """The lost update: staff's edit reads the profile, a BookingCreated handler links booking
    B, then the edit saves the whole item. The link bumped the revision, so the stale save's
    condition fails, the edit re-reads and B stays in the profile's history."""
    from bookings.guests import services

    a = make_booking(guest_email="ada@one.test", guest_name="Ada Lovelace").booking
    pid = Booking.get(a.bookingId).profileId
    b = make_booking(start=5, guest_email="ada@one.test", guest_name="Ada Lovelace").booking
    # B as it is before its BookingCreated handler ran: not linked yet.
    Booking.get(b.bookingId).update(actions=[Booking.profileId.remove()])
    services.profile_unlink_booking(profile_id=pid, booking_id=b.bookingId, now=NOW)
    assert b.bookingId not in GuestProfile.get(pid).bookingIds
    real_get, reads = services.profile_get, []

    def read_then_link(**kwargs):
        profile = real_get(**kwargs)  # the edit's read, revision r
        reads.append(profile.revision)
        if len(reads) == 1:  # meanwhile the handler links B (to the same guest)
            assert services.profile_link_booking(booking_id=b.bookingId, now=NOW) == pid
        return profile

    monkeypatch.setattr(services, "profile_get", read_then_link)

    edited = profile_update(profile_id=pid, changes={"notes": "quiet room"}, actor="t", now=NOW)

    assert len(reads) == 2 and reads[1] > reads[0]  # the stale save failed and was retried
    stored = GuestProfile.get(pid)
    assert b.bookingId in stored.bookingIds and a.bookingId in stored.bookingIds
    assert stored.notes == "quiet room" and edited.revision == stored.revision
