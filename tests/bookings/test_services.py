"""Booking services against DynamoDB Local: holds, lifecycle, change, sweeper, invariants."""

from datetime import timedelta

import pytest

from bookings import services
from bookings.availability import rooms_available
from bookings.exceptions import (
    BookingNotFound,
    HoldExpired,
    InvalidTransition,
    RoomUnavailable,
    StayTooLong,
    TooManyGuests,
)
from bookings.models import Booking, RateRule, RoomNight
from hotel import events
from hotel.audit.selectors import audit_for_object
from hotel.errors import NotFound, ValidationFailed
from rooms.models import Room
from tests.conftest import NOW
from tests.invariants import assert_inventory_consistent

from .conftest import day


def assert_invariants():
    """Each night held by one live booking, every live booking holds all its nights, and
    the type counters agree with the bookings (tests.invariants)."""
    assert_inventory_consistent()


@pytest.fixture
def bus(monkeypatch):
    recording = events.RecordingBus()
    monkeypatch.setattr(events, "get_bus", lambda: recording)
    return recording


def test_create_holds_every_night_and_prices_from_the_quote(room, make_booking, settings, bus):
    settings.HOTEL_TAX_PERCENT = "10"
    created = make_booking(nights=3)
    booking = created.booking
    assert booking.status == "pending"
    assert booking.bookingId.startswith("BK-20260302-") and len(booking.bookingId) == 20
    assert (booking.subtotal, booking.tax, booking.totalPrice) == (30000, 3000, 33000)
    assert booking.expiresAt == NOW + timedelta(minutes=settings.HOTEL_HOLD_MINUTES)
    assert sorted(n.night for n in RoomNight.query("R-1")) == [day(i).isoformat() for i in range(3)]
    assert services.guest_token_matches(booking, created.guest_token)
    assert created.guest_token not in booking.guestTokenHash
    assert [e.name for e in bus.events] == ["BookingCreated"]
    assert (
        audit_for_object(object_type="bookings.booking", object_id=booking.bookingId)[0].action
        == "create"
    )
    assert_invariants()


def test_overlapping_stay_is_refused_and_writes_nothing(room, make_booking):
    make_booking(start=0, nights=3)
    with pytest.raises(RoomUnavailable):
        make_booking(start=2, nights=2)
    assert Booking.count() == 1
    assert RoomNight.count("R-1") == 3
    assert_invariants()


def test_back_to_back_stays_are_both_allowed(room, make_booking):
    make_booking(start=0, nights=2)
    make_booking(start=2, nights=2)
    assert RoomNight.count("R-1") == 4


def test_an_expired_hold_gives_way_to_a_new_booking_before_the_sweeper_runs(
    room, make_booking, settings
):
    first = make_booking(start=0, nights=2).booking
    later = first.expiresAt + timedelta(seconds=1)
    # Until it is expired the lapsed hold still counts (the sweeper runs every 5 minutes) ...
    assert rooms_available(check_in=day(0), check_out=day(2), now=later) == []
    # ... but a booking that needs its nights expires it at once and takes them.
    second = make_booking(start=1, nights=2, now=later).booking
    assert RoomNight.get("R-1", day(1).isoformat()).bookingId == second.bookingId
    assert Booking.get(first.bookingId).status == "expired"
    with pytest.raises(InvalidTransition):
        services.booking_transition(
            booking_id=first.bookingId, to_status="confirmed", actor="a", now=later
        )
    assert services.holds_expire(now=later) == 0  # nothing left for the sweeper
    assert sorted(n.night for n in RoomNight.query("R-1")) == [
        day(1).isoformat(),
        day(2).isoformat(),
    ]
    assert_invariants()


def test_sweeper_ignores_live_holds_and_is_idempotent(room, make_booking, bus):
    make_booking()
    assert services.holds_expire(now=NOW + timedelta(minutes=1)) == 0
    far = NOW + timedelta(days=3)
    assert services.holds_expire(now=far) == 1
    assert services.holds_expire(now=far) == 0
    assert RoomNight.count("R-1") == 0
    assert "BookingExpired" in [e.name for e in bus.events]


def test_sweeper_spares_a_hold_extended_after_the_index_was_read(room, make_booking, monkeypatch):
    """The index may still show an expiry a payment has just pushed back: the sweeper judges
    the booking it read from the table, not the index's copy."""
    booking = make_booking().booking
    late = booking.expiresAt + timedelta(seconds=1)
    Booking.get(booking.bookingId).update(
        actions=[Booking.expiresAt.set(late + timedelta(hours=1))]
    )
    stale = Booking.by_status.query  # as if the index still had the old expiry

    def lagging(hash_key, **kwargs):
        kwargs.pop("filter_condition", None)
        return stale(hash_key, **kwargs)

    monkeypatch.setattr(Booking.by_status, "query", lagging)
    assert services.holds_expire(now=late) == 0
    assert Booking.get(booking.bookingId).status == "pending"


ALLOWED = [
    ("pending", "confirmed"),
    ("pending", "cancelled"),
    ("confirmed", "checked-in"),
    ("confirmed", "cancelled"),
    ("confirmed", "no-show"),
    ("checked-in", "checked-out"),
]
PATHS = {
    "pending": [],
    "confirmed": ["confirmed"],
    "checked-in": ["confirmed", "checked-in"],
    "checked-out": ["confirmed", "checked-in", "checked-out"],
    "cancelled": ["cancelled"],
    "no-show": ["confirmed", "no-show"],
}


def _walk(booking_id, path):
    for status in path:
        services.booking_transition(booking_id=booking_id, to_status=status, actor="desk", now=NOW)


@pytest.mark.parametrize("start", list(PATHS))
@pytest.mark.parametrize(
    "target",
    ["pending", "confirmed", "checked-in", "checked-out", "cancelled", "no-show", "expired"],
)
def test_every_transition_is_allowed_or_refused_by_the_table(room, make_booking, start, target):
    booking_id = make_booking().booking.bookingId
    _walk(booking_id, PATHS[start])
    if (start, target) in ALLOWED:
        assert (
            services.booking_transition(
                booking_id=booking_id, to_status=target, actor="d", now=NOW
            ).status
            == target
        )
    else:
        with pytest.raises(InvalidTransition):
            services.booking_transition(booking_id=booking_id, to_status=target, actor="d", now=NOW)
        assert Booking.get(booking_id).status == start
    assert_invariants()


def test_confirm_ends_the_hold_for_good(room, make_booking):
    booking_id = make_booking().booking.bookingId
    services.booking_transition(booking_id=booking_id, to_status="confirmed", actor="d", now=NOW)
    assert all(n.holdExpiresAt is None for n in RoomNight.query("R-1"))
    assert Booking.get(booking_id).expiresAt is None
    assert services.holds_expire(now=NOW + timedelta(days=10)) == 0
    with pytest.raises(RoomUnavailable):
        services.booking_create(
            room_id="R-1",
            check_in=day(0),
            check_out=day(1),
            guests=1,
            guest_name="B",
            guest_email="b@x.test",
            actor="t",
            now=NOW + timedelta(days=5),
        )


def test_check_in_occupies_the_room_and_check_out_frees_it_dirty(room, make_booking):
    booking_id = make_booking().booking.bookingId
    _walk(booking_id, ["confirmed", "checked-in"])
    assert Room.get("R-1").status == "occupied"
    _walk(booking_id, ["checked-out"])
    room_after = Room.get("R-1")
    assert (room_after.status, room_after.housekeeping) == ("available", "dirty")
    assert RoomNight.count("R-1") == 0


def test_cancel_releases_the_nights_atomically(room, make_booking, bus):
    booking_id = make_booking(nights=4).booking.bookingId
    services.booking_cancel(booking_id=booking_id, actor="guest", now=NOW)
    assert RoomNight.count("R-1") == 0
    assert Booking.get(booking_id).status == "cancelled"
    assert bus.events[-1].name == "BookingCancelled"
    make_booking(nights=4)  # the room can be sold again


def test_change_dates_swaps_nights_and_reprices(room, make_booking):
    booking_id = make_booking(start=0, nights=2).booking.bookingId
    changed = services.booking_change(
        booking_id=booking_id, check_in=day(1), check_out=day(4), actor="d", now=NOW
    )
    assert (changed.checkIn, changed.checkOut, changed.subtotal) == (
        day(1).isoformat(),
        day(4).isoformat(),
        30000,
    )
    assert sorted(n.night for n in RoomNight.query("R-1")) == [
        day(i).isoformat() for i in (1, 2, 3)
    ]
    assert_invariants()


def test_move_room_and_failed_change_changes_nothing(make_room, make_booking):
    make_room(roomId="R-1", capacity=2)
    make_room(roomId="R-2", capacity=2)
    mine = make_booking(room_id="R-1", start=0, nights=2).booking.bookingId
    make_booking(room_id="R-2", start=1, nights=1)
    with pytest.raises(RoomUnavailable):
        services.booking_change(booking_id=mine, room_id="R-2", actor="d", now=NOW)
    assert Booking.get(mine).roomId == "R-1" and RoomNight.count("R-1") == 2
    services.booking_change(
        booking_id=mine, room_id="R-2", check_in=day(2), check_out=day(4), actor="d", now=NOW
    )
    assert RoomNight.count("R-1") == 0 and RoomNight.count("R-2") == 3
    assert_invariants()


def test_change_refuses_checked_in_bookings(room, make_booking):
    booking_id = make_booking().booking.bookingId
    _walk(booking_id, ["confirmed", "checked-in"])
    with pytest.raises(InvalidTransition):
        services.booking_change(booking_id=booking_id, check_out=day(5), actor="d", now=NOW)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"start": -10}, ValidationFailed),
        ({"nights": 0}, ValidationFailed),
        ({"nights": 31}, StayTooLong),
        ({"guests": 3}, TooManyGuests),
        ({"guests": 0}, TooManyGuests),
        ({"room_id": "R-404"}, NotFound),
        ({"guest_name": " "}, ValidationFailed),
        ({"guest_email": "nope"}, ValidationFailed),
        ({"guest_email": None}, ValidationFailed),
        ({"guest_phone": "call me"}, ValidationFailed),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(room, make_booking, kwargs, error):
    with pytest.raises(error):
        make_booking(**kwargs)
    assert Booking.count() == 0 and RoomNight.count("R-1") == 0


def test_front_desk_walk_in_needs_no_email(room, make_booking):
    booking = make_booking(
        guest_email=None, guest_phone="+91 98450 12345", source="front_desk"
    ).booking
    assert booking.guestEmail is None and booking.source == "front_desk"


def test_room_in_maintenance_cannot_be_booked(make_room, make_booking):
    make_room(roomId="R-1", status="maintenance")
    with pytest.raises(RoomUnavailable):
        make_booking()


def test_rate_rules_from_the_table_price_the_booking(room, make_booking):
    RateRule(
        ruleId="r1",
        name="Spring",
        kind="fixed",
        value=20000,
        lastUpdated=NOW,
        startDate=day(1).isoformat(),
        endDate=day(1).isoformat(),
    ).save()
    booking = make_booking(start=0, nights=2).booking
    assert [n["amount"] for n in booking.nightly] == [10000, 20000]
    assert booking.nightly[1]["rule"] == "Spring"


def test_unknown_booking_is_not_found():
    with pytest.raises(BookingNotFound):
        services.booking_transition(booking_id="BK-NOPE", to_status="confirmed", actor="d", now=NOW)


def test_a_failing_event_handler_never_undoes_the_booking(room, make_booking, monkeypatch):
    def boom(event):
        raise RuntimeError("mail server down")

    events.subscribe("BookingCreated")(boom)
    try:
        booking = make_booking().booking
    finally:
        events._handlers["BookingCreated"].remove(boom)
    assert Booking.get(booking.bookingId).status == "pending"


def test_expire_holds_command_runs_the_sweeper(room, make_booking, capsys):
    from django.core.management import call_command

    make_booking()  # held from NOW (March 2026): long expired by the real clock
    call_command("expire_holds")
    assert "expired 1 hold(s)" in capsys.readouterr().out
    assert RoomNight.count("R-1") == 0


# --- reviving a paid, expired booking (system only) ---------------------------------------------


def test_only_the_system_revives_an_expired_booking_and_only_with_free_nights(room, make_booking):
    first = make_booking(start=0, nights=2).booking
    later = first.expiresAt + timedelta(seconds=1)
    assert services.holds_expire(now=later) == 1
    with pytest.raises(InvalidTransition):  # not through the lifecycle table
        services.booking_transition(
            booking_id=first.bookingId, to_status="confirmed", actor="a", now=later, system=True
        )
    revived = services.booking_revive_paid(booking_id=first.bookingId, actor="sys", now=later)
    assert (revived.status, revived.expiresAt) == ("confirmed", None)
    assert {(n.bookingId, n.holdExpiresAt) for n in RoomNight.query("R-1")} == {
        (first.bookingId, None)
    }
    with pytest.raises(InvalidTransition):  # a confirmed booking is not revived
        services.booking_revive_paid(booking_id=first.bookingId, actor="sys", now=later)
    assert_invariants()


def test_reviving_fails_and_writes_nothing_when_a_night_was_sold(room, make_booking):
    first = make_booking(start=0, nights=2).booking
    later = first.expiresAt + timedelta(seconds=1)
    services.holds_expire(now=later)
    second = make_booking(start=1, nights=1, now=later).booking
    with pytest.raises(HoldExpired):
        services.booking_revive_paid(booking_id=first.bookingId, actor="sys", now=later)
    assert Booking.get(first.bookingId).status == "expired"
    assert [(n.night, n.bookingId) for n in RoomNight.query("R-1")] == [
        (day(1).isoformat(), second.bookingId)
    ]
    assert_invariants()
