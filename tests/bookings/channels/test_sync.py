"""Importing OTA calendars: a real HTTP server serves the feeds, DynamoDB Local holds what
the sync makes of them, and the inventory's invariants are checked from the data."""

from __future__ import annotations

import threading

import pytest
from django.utils import timezone

from bookings import services
from bookings.channels import services as channel_services
from bookings.channels import sync as sync_module
from bookings.channels.errors import ChannelSyncRunning
from bookings.channels.feed import RESERVATION, FeedEvent
from bookings.channels.models import Channel, ChannelEvent
from bookings.channels.selectors import channel_conflicts, channel_events, channel_get
from bookings.channels.stays import external_stay_create
from bookings.channels.sync import channel_sync
from bookings.inventory import inventory_read
from bookings.models import CANCELLED, CONFIRMED, Booking
from tests.invariants import assert_inventory_consistent, inventory_violations

from .conftest import day, ics

RESERVED = "Reserved"
PRIVATE = (
    "Reservation URL: https://www.airbnb.com/hosting/reservations/details/HMX"
    "\\nPhone (Last 4): 4711"
)


@pytest.fixture
def rooms(make_room):
    make_room(roomId="R-1", capacity=2, pricePerNight=10000)
    make_room(roomId="R-2", capacity=2, pricePerNight=10000)


def register(url: str, name: str = "Airbnb", **kw) -> Channel:
    return channel_services.channel_create(
        name=name, url=url, room_type="Deluxe", actor="manager@staff.test", now=timezone.now(),
        **kw,
    )  # fmt: skip


def sync(channel: Channel, **kw):
    return channel_sync(channel_id=channel.channelId, now=timezone.now(), **kw)


def channel_bookings(channel: Channel) -> dict[str, Booking]:
    out = {}
    for event in channel_events(channel.channelId):
        if event.bookingId:
            out[event.uid] = Booking.get(event.bookingId, consistent_read=True)
    return out


def sold(offset: int) -> int:
    items = inventory_read(first=day(offset), last=day(offset), consistent=True)
    return sum(i.sold for i in items.values())


def test_reservations_become_confirmed_stays_and_closures_take_nothing(calendars, rooms):
    url = calendars.put(
        "/airbnb.ics",
        ics(("a1@airbnb.com", 5, 3, RESERVED, PRIVATE), ("a2@airbnb.com", 20, 2, RESERVED),
            ("a3@airbnb.com", 10, 4, "Airbnb (Not available)")),
    )  # fmt: skip
    channel = register(url)
    result = sync(channel)
    assert (result.created, result.closures, result.updated, result.released) == (2, 1, 0, 0)
    assert result.errors == []
    stays = channel_bookings(channel)
    assert set(stays) == {"a1@airbnb.com", "a2@airbnb.com"}
    first = stays["a1@airbnb.com"]
    assert first.status == CONFIRMED and first.source == "channel"
    assert first.channelId == channel.channelId and first.totalPrice == 0
    assert (first.checkIn, first.checkOut) == (day(5).isoformat(), day(8).isoformat())
    assert first.guestEmail is None and first.guestPhone is None
    # Nothing of the DESCRIPTION (the reservation URL, the phone's digits) is kept anywhere.
    assert "4711" not in repr(first.attribute_values) and "HMX" not in first.notes
    assert sold(5) == 1 and sold(10) == 0 and sold(20) == 1
    channel = channel_get(channel.channelId, consistent=True)
    assert channel.lastError is None and channel.lastGoodSyncAt is not None
    assert channel.lastCounts["created"] == 2
    assert_inventory_consistent()


def test_a_second_sync_of_the_same_feed_changes_nothing(calendars, rooms):
    url = calendars.put("/a.ics", ics(("a1", 5, 3, RESERVED), ("a2", 8, 1, RESERVED)))
    channel = register(url)
    sync(channel)
    before = {uid: (b.bookingId, b.version) for uid, b in channel_bookings(channel).items()}
    again = sync(channel)
    assert (again.created, again.updated, again.released, again.unchanged) == (0, 0, 0, 2)
    after = {uid: (b.bookingId, b.version) for uid, b in channel_bookings(channel).items()}
    assert after == before
    assert sold(5) == 1
    assert_inventory_consistent()


def test_a_feed_change_moves_releases_and_creates(calendars, rooms):
    channel = register(calendars.put("/a.ics", ics(("keep", 3, 2, RESERVED),
                                                   ("move", 5, 2, RESERVED),
                                                   ("gone", 9, 2, RESERVED))))  # fmt: skip
    sync(channel)
    moved_id = channel_bookings(channel)["move"].bookingId
    gone_id = channel_bookings(channel)["gone"].bookingId
    calendars.put(
        "/a.ics", ics(("keep", 3, 2, RESERVED), ("move", 6, 3, RESERVED), ("new", 12, 1, RESERVED))
    )
    result = sync(channel)
    assert (result.created, result.updated, result.released, result.unchanged) == (1, 1, 1, 1)
    moved = Booking.get(moved_id, consistent_read=True)
    assert (moved.checkIn, moved.checkOut) == (day(6).isoformat(), day(9).isoformat())
    assert Booking.get(gone_id, consistent_read=True).status == CANCELLED
    assert sold(5) == 0 and sold(6) == 1 and sold(9) == 0 and sold(12) == 1
    assert {e.uid for e in channel_events(channel.channelId)} == {"keep", "move", "new"}
    assert_inventory_consistent()


def test_a_moved_stay_keeps_its_room_when_the_room_is_free(calendars, rooms):
    channel = register(calendars.put("/a.ics", ics(("s", 4, 2, RESERVED))))
    sync(channel)
    booking = channel_bookings(channel)["s"]
    services.booking_room_set(
        booking_id=booking.bookingId, room_id="R-1", pinned=False, actor="desk@staff.test",
        now=timezone.now(),
    )  # fmt: skip
    calendars.put("/a.ics", ics(("s", 5, 2, RESERVED)))  # overlaps the old nights
    assert sync(channel).updated == 1
    moved = Booking.get(booking.bookingId, consistent_read=True)
    assert moved.roomId == "R-1" and moved.checkIn == day(5).isoformat()
    assert_inventory_consistent()


@pytest.mark.parametrize(
    "answer",
    [
        {"body": "oops", "status": 500},
        {"body": "<html><body>Sign in</body></html>", "content_type": "text/html"},
        {"body": "BEGIN:VCALENDAR\r\nthis is not", "status": 200},
        {"body": "", "status": 200},
    ],
    ids=["http-500", "html-login-page", "truncated", "empty-body"],
)
def test_a_failed_or_garbage_fetch_changes_nothing(calendars, rooms, answer):
    channel = register(calendars.put("/a.ics", ics(("a1", 5, 3, RESERVED))))
    sync(channel)
    good = channel_get(channel.channelId, consistent=True).lastGoodSyncAt
    stays = {uid: b.version for uid, b in channel_bookings(channel).items()}
    body = answer.pop("body")
    calendars.put("/a.ics", body, **answer)
    result = sync(channel)
    assert result.errors and (result.created, result.updated, result.released) == (0, 0, 0)
    assert {uid: b.version for uid, b in channel_bookings(channel).items()} == stays
    assert all(b.status == CONFIRMED for b in channel_bookings(channel).values())
    after = channel_get(channel.channelId, consistent=True)
    assert after.lastError == result.errors[0] and after.lastGoodSyncAt == good
    assert sold(5) == 1


def test_a_slow_feed_times_out_and_changes_nothing(calendars, rooms, monkeypatch):
    monkeypatch.setattr(sync_module, "FETCH_TIMEOUT", 0.5)
    channel = register(calendars.put("/slow.ics", ics(("a1", 5, 3, RESERVED)), delay=3))
    result = sync(channel)
    assert result.errors and result.created == 0
    assert channel_events(channel.channelId) == []
    assert channel_get(channel.channelId, consistent=True).lastGoodSyncAt is None


def test_an_empty_feed_releases_nothing_until_staff_confirm(calendars, rooms):
    channel = register(calendars.put("/a.ics", ics(("a1", 5, 3, RESERVED), ("a2", 9, 1, RESERVED))))
    sync(channel)
    calendars.put("/a.ics", ics())
    held = sync(channel)
    assert held.held_back and held.released == 0 and held.errors
    assert channel_get(channel.channelId, consistent=True).heldBack is True
    assert all(b.status == CONFIRMED for b in channel_bookings(channel).values())
    confirmed = sync(channel, confirm_empty=True)
    assert confirmed.released == 2 and not confirmed.held_back
    assert channel_events(channel.channelId) == [] and sold(5) == 0
    assert_inventory_consistent()


def test_a_stay_sold_twice_is_kept_and_flagged_never_dropped(calendars, make_room):
    make_room(roomId="R-1", capacity=2, pricePerNight=10000)  # one Deluxe
    web = services.booking_create(
        room_type="Deluxe", check_in=day(5), check_out=day(7), guests=1,
        guest_name="Web Guest", guest_email="web@guest.test", actor="guest",
        now=timezone.now(),
    )  # fmt: skip
    channel = register(calendars.put("/a.ics", ics(("ota", 6, 2, RESERVED))))
    result = sync(channel)
    assert result.created == 1 and result.overbooked == 1
    stay = channel_bookings(channel)["ota"]
    assert stay.status == CONFIRMED
    assert [f["flag"] for f in stay.flags] == ["overbooked"]
    assert sold(6) == 2  # beyond the ceiling of 1, by the flagged stay only
    assert inventory_violations() == []
    assert Booking.get(web.booking.bookingId, consistent_read=True).status == "pending"
    channel = channel_get(channel.channelId, consistent=True)
    assert channel.overbooked == 1
    assert [(c.channelId, e.uid) for c, e in channel_conflicts()] == [(channel.channelId, "ota")]
    # Staff resolve it: the flag leaves the booking and the dashboard's list.
    channel_services.channel_conflict_resolve(
        channel_id=channel.channelId, uid="ota", actor="manager@staff.test", now=timezone.now()
    )
    assert channel_conflicts() == []
    assert not Booking.get(stay.bookingId, consistent_read=True).flags


def test_the_same_event_imported_by_two_syncs_at_once_is_one_stay(calendars, rooms):
    channel = register(calendars.put("/a.ics", ics()))
    event = FeedEvent(uid="race", check_in=day(5), check_out=day(7), kind=RESERVATION, summary="")
    barrier, results = threading.Barrier(6), []

    def run():
        barrier.wait()
        results.append(external_stay_create(channel=channel, event=event, now=timezone.now()))

    threads = [threading.Thread(target=run) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(1 for r in results if r is not None) == 1
    live = [b for b in Booking.scan(consistent_read=True) if b.channelId == channel.channelId]
    assert len(live) == 1 and sold(5) == 1
    assert_inventory_consistent()


def test_one_sync_at_a_time_per_channel(calendars, rooms):
    channel = register(calendars.put("/a.ics", ics(("a1", 5, 3, RESERVED)), delay=1))
    errors, results = [], []

    def run():
        try:
            results.append(sync(channel))
        except ChannelSyncRunning as refused:
            errors.append(refused)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 1 and len(errors) == 1
    assert ChannelEvent.count(channel.channelId) == 1
    assert sync(channel).unchanged == 1  # the lease was given back


def test_a_stay_under_way_extended_on_the_channel_takes_its_new_nights(calendars, rooms):
    channel = register(calendars.put("/a.ics", ics(("in-house", -1, 2, RESERVED))))
    assert sync(channel).created == 1  # under way (arrived yesterday), still imported
    calendars.put("/a.ics", ics(("in-house", -1, 4, RESERVED)))
    assert sync(channel).updated == 1
    stay = channel_bookings(channel)["in-house"]
    assert (stay.checkIn, stay.checkOut) == (day(-1).isoformat(), day(3).isoformat())
    assert sold(-1) == 1 and sold(2) == 1
    assert_inventory_consistent()


def test_resolving_a_conflict_twice_keeps_the_other_one_flagged(calendars, make_room):
    make_room(roomId="R-1", capacity=2, pricePerNight=10000)  # one Deluxe
    channel = register(calendars.put("/a.ics", ics(("one", 5, 2, RESERVED))))
    sync(channel)  # takes the only unit
    calendars.put("/a.ics", ics(("one", 5, 2, RESERVED), ("two", 5, 1, RESERVED),
                                ("three", 6, 1, RESERVED)))  # fmt: skip
    assert sync(channel).overbooked == 2
    for _ in range(2):
        channel_services.channel_conflict_resolve(
            channel_id=channel.channelId, uid="two", actor="m@staff.test", now=timezone.now()
        )
    assert channel_get(channel.channelId, consistent=True).overbooked == 1
    assert [e.uid for _c, e in channel_conflicts()] == ["three"]


def test_a_checked_in_guest_dropped_by_the_channel_is_kept(calendars, rooms):
    channel = register(calendars.put("/a.ics", ics(("here", 0, 2, RESERVED))))
    sync(channel)
    stay = channel_bookings(channel)["here"]
    services.booking_room_set(
        booking_id=stay.bookingId, room_id="R-1", pinned=False, actor="desk@staff.test",
        now=timezone.now(),
    )  # fmt: skip
    services.booking_transition(
        booking_id=stay.bookingId, to_status="checked-in", actor="desk@staff.test",
        now=timezone.now(),
    )  # fmt: skip
    calendars.put("/a.ics", ics(("other", 9, 1, RESERVED)))
    result = sync(channel)
    assert result.released == 0 and any("checked-in" in e for e in result.errors)
    kept = Booking.get(stay.bookingId, consistent_read=True)
    assert kept.status == "checked-in" and kept.roomId == "R-1"
    assert_inventory_consistent()


def test_an_unreadable_event_releases_nothing(calendars, rooms):
    channel = register(calendars.put("/a.ics", ics(("a1", 5, 2, RESERVED), ("a2", 9, 1, RESERVED))))
    sync(channel)
    broken = ics(("a2", 9, 1, RESERVED)).replace(
        "END:VCALENDAR", "BEGIN:VEVENT\r\nSUMMARY:Reserved\r\nEND:VEVENT\r\nEND:VCALENDAR"
    )  # a1 gone, and an event without UID (it could be a1)
    calendars.put("/a.ics", broken)
    result = sync(channel)
    assert result.released == 0 and result.errors
    assert all(b.status == CONFIRMED for b in channel_bookings(channel).values())


def test_an_event_skipped_with_its_uid_keeps_its_stay_and_releases_the_others(calendars, rooms):
    url = calendars.put(
        "/a.ics", ics(("a1", 5, 2, RESERVED), ("a2", 9, 1, RESERVED), ("a3", 12, 1, RESERVED))
    )
    channel = register(url)
    sync(channel)
    first = channel_bookings(channel)["a1"]
    # a1 cancelled on the channel; a2 now spans 400 nights (skipped, its UID read): a2 is
    # still listed, so its stay is kept, and a1's is released as usual.
    calendars.put("/a.ics", ics(("a2", 9, 400, RESERVED), ("a3", 12, 1, RESERVED)))

    result = sync(channel)

    assert result.released == 1
    assert result.errors == [
        'Event "a2": 400 nights, more than 365.',
        "1 stay(s) not released: the calendar has unreadable events.",
    ]
    stays = channel_bookings(channel)
    assert Booking.get(first.bookingId, consistent_read=True).status == "cancelled"
    assert set(stays) == {"a2", "a3"}
    assert stays["a2"].status == CONFIRMED and stays["a3"].status == CONFIRMED
    assert_inventory_consistent()


def test_a_stay_staff_cancelled_then_dropped_by_the_channel_is_forgotten_quietly(calendars, rooms):
    from django.utils import timezone

    from bookings.services.transition import booking_cancel

    channel = register(calendars.put("/a.ics", ics(("a1", 5, 2, RESERVED), ("a2", 9, 1, RESERVED))))
    sync(channel)
    stay = channel_bookings(channel)["a1"]
    booking_cancel(booking_id=stay.bookingId, actor="desk@staff.test", now=timezone.now())
    calendars.put("/a.ics", ics(("a2", 9, 1, RESERVED)))

    dropped = sync(channel)
    again = sync(channel)

    assert dropped.errors == [] and again.errors == []  # not "staff decide" at every sync
    assert set(channel_bookings(channel)) == {"a2"}
    assert Booking.get(stay.bookingId, consistent_read=True).status == "cancelled"
    assert_inventory_consistent()


@pytest.mark.parametrize(
    ("name", "prodid", "events", "stays", "closures"),
    [
        (
            "Booking.com",
            "-//admin.booking.com//EN",
            [("b1@booking.com", 4, 2, "CLOSED - Not available"),
             ("b2@booking.com", 9, 3, "CLOSED - Not available")],
            2,
            0,
        ),
        (
            "VRBO",
            "-//HomeAway.com, Inc.//EN",
            [("v1", 4, 2, "Reserved - Jane D"), ("v2", 9, 3, "Blocked")],
            1,
            1,
        ),
        (
            "Airbnb",
            "-//Airbnb Inc//Hosting Calendar 1.0//EN",
            [("a1", 4, 2, "Reserved"), ("a2", 9, 3, "Airbnb (Not available)")],
            1,
            1,
        ),
    ],
)  # fmt: skip
def test_each_channel_tells_stays_from_closures_its_own_way(
    calendars, rooms, name, prodid, events, stays, closures
):
    channel = register(calendars.put("/c.ics", ics(*events, prodid=prodid)), name=name)
    result = sync(channel)
    assert (result.created, result.closures) == (stays, closures)
    assert len(channel_bookings(channel)) == stays
    assert_inventory_consistent()


def test_booking_com_on_nights_already_full_is_an_echo_until_a_unit_frees(calendars, make_room):
    make_room(roomId="R-1", capacity=2, pricePerNight=10000)  # one Deluxe
    web = services.booking_create(
        room_type="Deluxe", check_in=day(5), check_out=day(7), guests=1,
        guest_name="Web Guest", guest_email="web@guest.test", actor="guest",
        now=timezone.now(),
    )  # fmt: skip
    closed = ics(
        ("c1@booking.com", 5, 2, "CLOSED - Not available"), prodid="-//admin.booking.com//EN"
    )
    channel = register(calendars.put("/b.ics", closed), name="Booking.com")
    first = sync(channel)
    # Every night was full here: most likely this hotel's own sold-out export echoed back.
    assert (first.created, first.echoes, first.overbooked) == (0, 1, 0)
    assert channel_bookings(channel) == {} and sold(5) == 1
    [event] = channel_events(channel.channelId)
    assert event.echo is True and event.bookingId is None
    assert sync(channel).created == 0  # still full: still kept without a unit
    services.booking_transition(
        booking_id=web.booking.bookingId, to_status="cancelled", actor="desk@staff.test",
        now=timezone.now(),
    )  # fmt: skip
    freed = sync(channel)  # a unit is free and Booking.com still lists it: a real stay
    assert freed.created == 1
    assert channel_bookings(channel)["c1@booking.com"].status == CONFIRMED
    assert sold(5) == 1
    assert_inventory_consistent()


def test_booking_com_on_nights_partly_free_is_a_stay_flagged_if_need_be(calendars, make_room):
    make_room(roomId="R-1", capacity=2, pricePerNight=10000)
    services.booking_create(
        room_type="Deluxe", check_in=day(5), check_out=day(6), guests=1,
        guest_name="Web Guest", guest_email="web@guest.test", actor="guest",
        now=timezone.now(),
    )  # fmt: skip
    closed = ics(
        ("c2@booking.com", 5, 3, "CLOSED - Not available"), prodid="-//admin.booking.com//EN"
    )
    channel = register(calendars.put("/b.ics", closed), name="Booking.com")
    result = sync(channel)
    assert (result.created, result.echoes, result.overbooked) == (1, 0, 1)
    assert_inventory_consistent()
