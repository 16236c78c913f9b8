"""Planning a channel sync (bookings.channels.plan): pure, no database."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookings.channels.feed import CLOSURE, RESERVATION, FeedEvent
from bookings.channels.plan import Held, SyncPlan, plan_sync

TODAY = date(2027, 3, 1)


def day(n: int) -> date:
    return TODAY + timedelta(days=n)


def held(uid: str, start: int, nights: int = 2, kind: str = RESERVATION) -> Held:
    return Held(uid, day(start), day(start + nights), kind, f"B-{uid}")


def listed(uid: str, start: int, nights: int = 2, kind: str = RESERVATION) -> FeedEvent:
    return FeedEvent(uid, day(start), day(start + nights), kind, "Reserved")


def plan(held_stays=(), events=(), *, confirm_empty: bool = False) -> SyncPlan:
    return plan_sync(held_stays, events, today=TODAY, confirm_empty=confirm_empty)


def test_a_new_event_is_created():
    new = listed("a", 3)

    assert plan([], [new]) == SyncPlan((new,), (), (), (), held_back=False)


def test_the_same_uid_dates_and_kind_is_unchanged():
    stay = held("a", 3)

    assert plan([stay], [listed("a", 3)]) == SyncPlan((), (), (), (stay,), held_back=False)


def test_new_dates_for_the_same_uid_and_kind_are_a_move():
    stay, moved = held("a", 3), listed("a", 5, nights=4)

    assert plan([stay], [moved]) == SyncPlan((), ((stay, moved),), (), (), held_back=False)


def test_a_changed_kind_releases_the_held_stay_and_creates_the_new_one():
    stay, closed = held("a", 3), listed("a", 3, kind=CLOSURE)

    assert plan([stay], [closed]) == SyncPlan((closed,), (), (stay,), (), held_back=False)


def test_a_future_stay_missing_from_the_feed_is_released():
    gone, kept = held("a", 3), held("b", 6)

    result = plan([gone, kept], [listed("b", 6)])

    assert result.release == (gone,)
    assert result.unchanged == (kept,)


def test_a_stay_starting_today_is_still_the_feeds_to_release_or_move():
    assert plan([held("a", 0)], [listed("b", 6)]).release == (held("a", 0),)
    assert plan([held("a", 0)], [listed("a", 1)]).move == ((held("a", 0), listed("a", 1)),)


def test_a_stay_that_started_is_never_released_or_moved():
    in_house, ended = held("a", -1), held("b", -5, nights=3)
    events = [listed("a", -2, nights=5), listed("c", 4)]  # "a" arrives earlier; "b" dropped

    result = plan([in_house, ended], events)

    assert result.unchanged == (ended, in_house)
    assert result.release == ()
    assert result.move == ()
    assert result.create == (listed("c", 4),)  # nor is "a" created a second time


def test_a_stay_under_way_that_is_extended_takes_its_new_nights():
    in_house = held("a", -1)  # two nights: leaves tomorrow
    longer = listed("a", -1, nights=5)

    result = plan([in_house], [longer])

    assert result.move == ((in_house, longer),)
    assert result.unchanged == result.release == result.create == ()


def test_a_started_stay_keeps_its_kind_too():
    in_house = held("a", -1)

    assert plan([in_house], [listed("a", -1, kind=CLOSURE)]).unchanged == (in_house,)


@pytest.mark.parametrize("nights", [1, 2])  # ends today, ended yesterday
def test_an_event_that_ended_is_ignored(nights):
    ended = listed("a", -nights, nights=1)
    stay = held("b", 2)

    result = plan([stay], [ended, listed("b", 2)])

    assert result == SyncPlan((), (), (), (stay,), held_back=False)


def test_an_event_that_ended_is_never_moved_to():
    stay = held("a", 2)

    result = plan([stay], [listed("a", -3, nights=1)], confirm_empty=True)

    assert result.move == ()
    assert result.release == (stay,)


def test_an_event_in_progress_is_created():
    current = listed("a", -2, nights=4)

    assert plan([], [current]).create == (current,)


@pytest.mark.parametrize("events", [[], [listed("x", -4, nights=1)]])
def test_an_empty_feed_releases_nothing_until_staff_confirm(events):
    future, in_house = held("a", 3), held("b", -1)

    result = plan([future, in_house], events)

    assert result.held_back is True
    assert (result.create, result.move, result.release) == ((), (), ())
    assert result.unchanged == (in_house, future)


def test_a_confirmed_empty_feed_releases_the_future_stays():
    future, in_house = held("a", 3), held("b", -1)

    result = plan([future, in_house], [], confirm_empty=True)

    assert result == SyncPlan((), (), (future,), (in_house,), held_back=False)


def test_an_empty_feed_with_nothing_to_release_is_not_held_back():
    in_house = held("b", -1)

    assert plan([in_house], []) == SyncPlan((), (), (), (in_house,), held_back=False)
    assert plan([], []) == SyncPlan((), (), (), (), held_back=False)


def test_a_feed_that_lists_something_releases_the_rest():
    stays = [held("a", 3), held("b", 8)]

    result = plan(stays, [listed("c", 12)])

    assert result.held_back is False
    assert result.release == tuple(stays)


def test_outputs_are_sorted_by_check_in_then_uid_whatever_the_input_order():
    stays = [held("m1", 4), held("m2", 2), held("r2", 5), held("r1", 5), held("u2", 1)]
    stays += [held("u1", 1), held("k", 9)]
    events = [listed("m1", 6), listed("m2", 7), listed("u2", 1), listed("u1", 1)]
    events += [listed("c2", 3), listed("c1", 3), listed("k", 9, kind=CLOSURE), listed("c0", 8)]

    result = plan(stays, events)

    assert [e.uid for e in result.create] == ["c1", "c2", "c0", "k"]
    assert [h.uid for h, _e in result.move] == ["m2", "m1"]  # by the held stay's check-in
    assert [h.uid for h in result.release] == ["r1", "r2", "k"]
    assert [h.uid for h in result.unchanged] == ["u1", "u2"]
    shuffled = random.Random(7)
    for _ in range(5):
        shuffled.shuffle(stays)
        shuffled.shuffle(events)
        assert plan(stays, events) == result


def test_a_uid_twice_in_either_input_is_refused():
    with pytest.raises(ValueError, match="appears twice in held"):
        plan([held("a", 1), held("a", 5)], [])
    with pytest.raises(ValueError, match="appears twice in events"):
        plan([], [listed("a", 1), listed("a", 5)])


# Events too long for one transaction (limits.MAX_STAY_NIGHTS, 48 nights).


def flagged(uid: str, start: int, nights: int, refused: tuple[int, int], booking=True) -> Held:
    first, last = refused
    return Held(
        uid, day(start), day(start + nights), RESERVATION, f"B-{uid}" if booking else None,
        too_long=(day(first), day(last)),
    )  # fmt: skip


def test_an_event_longer_than_the_limit_is_flagged_not_created_and_the_limit_is_created():
    long, edge = listed("a", 3, nights=49), listed("b", 3, nights=48)

    assert plan([], [long, edge]) == SyncPlan((edge,), (), (), (), False, ((None, long),))


def test_a_long_closure_takes_nothing_unless_closures_are_imported():
    closed = listed("a", 3, nights=120, kind=CLOSURE)

    assert plan([], [closed]).create == (closed,)
    imported = plan_sync([], [closed], today=TODAY, import_closures=True)
    assert imported.create == () and imported.too_long == ((None, closed),)


def test_a_stay_moved_or_extended_too_long_is_kept_and_flagged():
    stay, longer = held("a", 3), listed("a", 3, nights=60)
    here, stays_on = held("h", -2, nights=4), listed("h", -2, nights=60)

    result = plan([stay, here], [longer, stays_on])

    assert result.too_long == ((here, stays_on), (stay, longer))
    assert (result.move, result.release, result.unchanged) == ((), (), ())


def test_dates_refused_once_are_not_planned_again():
    stay = flagged("a", 3, 2, refused=(3, 63))
    alone = flagged("b", 5, 60, refused=(5, 65), booking=False)

    result = plan([stay, alone], [listed("a", 3, nights=60), listed("b", 5, nights=60)])

    assert result == SyncPlan((), (), (), (stay, alone), held_back=False)


def test_a_flag_without_a_stay_is_planned_afresh_when_its_dates_change():
    alone = flagged("b", 5, 60, refused=(5, 65), booking=False)
    shorter, still_long = listed("b", 5, nights=10), listed("b", 5, nights=50)

    assert plan([alone], [shorter]) == SyncPlan((shorter,), (), (alone,), (), held_back=False)
    assert plan([alone], [still_long]).too_long == ((alone, still_long),)
    assert plan([alone], [listed("c", 9)]).release == (alone,)  # gone: forgotten


def test_a_flagged_stay_is_settled_when_its_event_is_back_to_its_dates():
    stay = flagged("a", 3, 2, refused=(3, 63))

    result = plan([stay], [listed("a", 3)])

    assert (result.unchanged, result.settled) == ((stay,), (stay,))
    assert plan([stay], [listed("a", 4)]).move == ((stay, listed("a", 4)),)


# The property: applying the plan to what the hotel holds gives what the feed says, except
# for what has started (kept as it is) — or nothing changes when the plan was held back.

UIDS = st.sampled_from("abcdefgh")
KINDS = st.sampled_from((RESERVATION, CLOSURE))
STAY = st.tuples(st.integers(-6, 6), st.integers(1, 4), KINDS)


def stays(make):
    return st.dictionaries(UIDS, STAY, max_size=6).map(
        lambda found: [make(uid, *spec) for uid, spec in found.items()]
    )


def shape(item: Held | FeedEvent) -> tuple[str, date, date, str]:
    return (item.uid, item.check_in, item.check_out, item.kind)


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(held_stays=stays(held), events=stays(listed), confirm_empty=st.booleans())
def test_applying_the_plan_gives_the_feed_plus_what_has_started(held_stays, events, confirm_empty):
    result = plan(held_stays, events, confirm_empty=confirm_empty)

    current = {e.uid: shape(e) for e in events if e.check_out > TODAY}
    started = {}
    for h in held_stays:
        if h.check_in < TODAY:  # kept as it is, unless its departure moved while under way
            now_listed = current.get(h.uid)
            extended = (
                now_listed is not None
                and h.check_out > TODAY
                and now_listed[1] == h.check_in
                and now_listed[3] == h.kind
            )
            started[h.uid] = now_listed if extended else shape(h)
    future = [h for h in held_stays if h.check_in >= TODAY]

    holds = {h.uid: shape(h) for h in held_stays}
    for stay in result.release:
        del holds[stay.uid]
    for stay, event in result.move:
        assert (stay.uid, stay.kind) == (event.uid, event.kind)
        assert holds.pop(stay.uid) == shape(stay)
        holds[event.uid] = shape(event)
    for event in result.create:
        assert event.uid not in holds
        holds[event.uid] = shape(event)

    assert result.held_back == (not current and bool(future) and not confirm_empty)
    if result.held_back:
        assert (result.create, result.move, result.release) == ((), (), ())
        assert holds == {h.uid: shape(h) for h in held_stays}
    else:
        assert holds == {**{u: s for u, s in current.items() if u not in started}, **started}

    # Every held stay lands in exactly one of move, release and unchanged...
    placed = [h.uid for h, _e in result.move] + [h.uid for h in result.release]
    placed += [h.uid for h in result.unchanged]
    assert sorted(placed) == sorted(h.uid for h in held_stays)
    # ...and a created UID is new, or one released because its kind changed.
    released = {h.uid: h for h in result.release}
    for event in result.create:
        if event.uid in released:
            assert released[event.uid].kind != event.kind
        else:
            assert event.uid not in {h.uid for h in held_stays}

    for items in (result.create, [h for h, _e in result.move], result.release, result.unchanged):
        assert [(i.check_in, i.uid) for i in items] == sorted((i.check_in, i.uid) for i in items)
