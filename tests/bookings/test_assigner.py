"""bookings.assigner: valid plans always, optimal plans checked against brute force.

Every test goes through `check`, which holds the rules a plan must keep whatever the input
(rooms of the type, one stay a night, blocked nights, fixed stays, consistent lists). The
brute force enumerates every conflict-free mapping of the flexible stays to a room or to
nothing, so the optimality properties do not share any logic with the module.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bookings.assigner import Move, Plan, Stay, Unplaced, assign

D0 = date(2026, 6, 1)


def d(n: int) -> date:
    return D0 + timedelta(days=n)


def nights(s: Stay) -> set[date]:
    return {s.start + timedelta(days=i) for i in range((s.end - s.start).days)}


def check(plan: Plan, rooms, stays, blocked=None) -> None:
    """Fail unless `plan` is a valid plan for the input (optimality aside)."""
    blocked = blocked or {}
    by_id = {s.booking_id: s for s in stays}
    assert set(plan.rooms) <= set(by_id)
    for s in stays:
        if s.fixed:  # facts: kept in their room, never reported
            assert plan.rooms[s.booking_id] == s.room_id
        elif s.booking_id in plan.rooms:
            assert plan.rooms[s.booking_id] in rooms
    taken: dict[tuple[str, date], Stay] = {}
    for bid, room in plan.rooms.items():
        s = by_id[bid]
        for night in nights(s):
            if not s.fixed:
                assert night not in blocked.get(room, ()), (bid, room, night)
            other = taken.get((room, night))
            assert other is None or (other.fixed and s.fixed), (bid, other, room, night)
            taken[(room, night)] = s
    assigned = dict(plan.assigned)
    assert len(assigned) == len(plan.assigned)
    for bid, room in plan.assigned:
        assert by_id[bid].room_id is None and not by_id[bid].fixed
        assert plan.rooms[bid] == room
    moved = {m.booking_id: m for m in plan.moved}
    assert len(moved) == len(plan.moved)
    for m in plan.moved:
        s = by_id[m.booking_id]
        assert not s.fixed and s.room_id == m.from_room != m.to_room
        assert plan.rooms[m.booking_id] == m.to_room
    unplaced = {u.booking_id: u for u in plan.unplaced}
    assert len(unplaced) == len(plan.unplaced)
    for u in plan.unplaced:
        s = by_id[u.booking_id]
        assert not s.fixed and u.booking_id not in plan.rooms
        assert s.start.isoformat() in u.reason and s.end.isoformat() in u.reason
    for s in stays:
        if s.fixed:
            continue
        kept = s.room_id is not None and plan.rooms.get(s.booking_id) == s.room_id
        places = [kept, s.booking_id in assigned, s.booking_id in moved, s.booking_id in unplaced]
        assert places.count(True) == 1, (s, places)


def metrics(plan: Plan, stays) -> tuple[int, int, int]:
    """(placed, previously assigned still placed, -moves): larger is better."""
    flex = [s for s in stays if not s.fixed]
    placed = sum(s.booking_id in plan.rooms for s in flex)
    kept = sum(s.booking_id in plan.rooms for s in flex if s.room_id is not None)
    return placed, kept, -len(plan.moved)


def brute_force(rooms, stays, blocked) -> tuple[int, int, int]:
    """The best (placed, previously assigned placed, -moves) over every valid mapping."""
    taken = {r: set(blocked.get(r, ())) for r in rooms}
    for s in stays:
        if s.fixed and s.room_id in taken:
            taken[s.room_id] |= nights(s)
    flex = [s for s in stays if not s.fixed]
    best = (-1, -1, -1)

    def walk(i: int, placed: int, kept: int, moves: int) -> None:
        nonlocal best
        if i == len(flex):
            best = max(best, (placed, kept, -moves))
            return
        s = flex[i]
        walk(i + 1, placed, kept, moves)
        for r in rooms:
            if taken[r].isdisjoint(nights(s)):
                taken[r] |= nights(s)
                had = s.room_id is not None
                walk(i + 1, placed + 1, kept + had, moves + (had and r != s.room_id))
                taken[r] -= nights(s)

    walk(0, 0, 0, 0)
    return best


# -- unit cases ------------------------------------------------------------------------------


def test_fragmentation_places_all_three_with_one_move():
    rooms = ["R1", "R2"]
    stays = [
        Stay("A", d(1), d(3), "R1"),  # nights 1-2
        Stay("B", d(3), d(5), "R2"),  # nights 3-4
        Stay("C", d(2), d(4), None),  # nights 2-3: overlaps A on 2 and B on 3
    ]
    plan = assign(rooms=rooms, stays=stays)
    check(plan, rooms, stays)
    assert not plan.unplaced
    assert len(plan.moved) == 1 == -brute_force(rooms, stays, {})[2]
    # The tie-break: A keeps its room (earlier start), C takes the first free room, B moves.
    assert plan.rooms == {"A": "R1", "C": "R2", "B": "R1"}
    assert plan.moved == [Move("B", "R2", "R1")] and plan.assigned == [("C", "R2")]


def test_empty_inputs():
    assert assign(rooms=[], stays=[]) == Plan({}, [], [], [])
    assert assign(rooms=["R1"], stays=[], blocked={"R1": [d(0)]}) == Plan({}, [], [], [])
    stays = [Stay("A", d(0), d(2), None), Stay("B", d(1), d(3), "R9")]
    plan = assign(rooms=[], stays=stays)
    check(plan, [], stays)
    assert [u.booking_id for u in plan.unplaced] == ["A", "B"]
    assert plan.unplaced[0].reason.startswith("No room")


def test_fixed_conflict_is_kept_and_its_nights_stay_closed():
    rooms = ["R1", "R2"]
    stays = [
        Stay("F1", d(0), d(3), "R1", fixed=True),
        Stay("F2", d(2), d(4), "R1", fixed=True),  # collides with F1 on night 2: both facts
        Stay("F3", d(5), d(6), "R2", fixed=True),  # on a blocked night: still kept
        Stay("A", d(3), d(4), "R1"),  # F2's night: must move
    ]
    blocked = {"R2": [d(5)]}
    plan = assign(rooms=rooms, stays=stays, blocked=blocked)
    check(plan, rooms, stays, blocked)
    assert plan.rooms == {"F1": "R1", "F2": "R1", "A": "R2", "F3": "R2"}
    assert plan.moved == [Move("A", "R1", "R2")] and not plan.unplaced


def test_blocked_night_forces_a_move_or_unplaces():
    stays = [Stay("A", d(1), d(3), "R1"), Stay("B", d(0), d(1), "R1")]
    plan = assign(rooms=["R1", "R2"], stays=stays, blocked={"R1": {d(2)}})
    check(plan, ["R1", "R2"], stays, {"R1": {d(2)}})
    assert plan.moved == [Move("A", "R1", "R2")] and plan.rooms["B"] == "R1"

    plan = assign(rooms=["R1"], stays=stays, blocked={"R1": {d(2)}})
    assert plan.unplaced == [
        Unplaced(
            "A",
            "No room is free for every night of 2026-06-02 – 2026-06-04 without moving a "
            "pinned or checked-in stay or using an out-of-order night. Its room R1 is out of "
            "order or held by a pinned or checked-in stay on some of those nights.",
        )
    ]


def test_a_stay_with_a_room_is_not_dropped_for_one_without():
    stays = [Stay("B", d(0), d(2), None), Stay("A", d(0), d(2), "R1")]
    plan = assign(rooms=["R1"], stays=stays)
    assert plan.rooms == {"A": "R1"} and [u.booking_id for u in plan.unplaced] == ["B"]
    assert "fill every room" in plan.unplaced[0].reason


def test_deterministic_and_independent_of_the_stays_order():
    rooms = ["R3", "R1", "R2"]
    stays = [Stay(f"S{i}", d(i % 4), d(i % 4 + 1 + i % 3), None) for i in range(9)]
    plan = assign(rooms=rooms, stays=stays)
    check(plan, rooms, stays)
    assert plan == assign(rooms=rooms, stays=stays)
    assert plan == assign(rooms=rooms, stays=list(reversed(stays)))
    assert plan.rooms["S0"] == "R3"  # the first room in the order given


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        assign(rooms=["R1"], stays=[Stay("A", d(0), d(1), None), Stay("A", d(2), d(3), None)])
    with pytest.raises(ValueError):
        assign(rooms=["R1"], stays=[Stay("A", d(1), d(1), None)])
    with pytest.raises(ValueError):
        assign(rooms=["R1"], stays=[Stay("A", d(0), d(1), None, fixed=True)])


# -- properties ------------------------------------------------------------------------------


@st.composite
def small_hotels(draw):
    """1-3 rooms, 0-6 stays in a 6-night window, fixed flags, current rooms valid or not."""
    rooms = [f"R{i}" for i in range(1, draw(st.integers(1, 3)) + 1)]
    stays = []
    for i in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, 5))
        end = draw(st.integers(start + 1, 6))
        fixed = draw(st.booleans()) and draw(st.booleans())  # about a quarter
        room = draw(st.sampled_from(rooms if fixed else [None, *rooms, "X9"]))
        stays.append(Stay(f"B{i}", d(start), d(end), room, fixed))
    blocked = {
        r: draw(st.sets(st.sampled_from([d(i) for i in range(6)]), max_size=3)) for r in rooms
    }
    return rooms, stays, blocked


@settings(max_examples=300, deadline=None)
@given(small_hotels())
def test_matches_brute_force_on_small_hotels(hotel):
    rooms, stays, blocked = hotel
    plan = assign(rooms=rooms, stays=stays, blocked=blocked)
    check(plan, rooms, stays, blocked)
    assert metrics(plan, stays) == brute_force(rooms, stays, blocked)


@settings(max_examples=150, deadline=None)
@given(small_hotels(), st.integers(0, 30))
def test_any_budget_gives_a_valid_plan(hotel, budget):
    rooms, stays, blocked = hotel
    check(assign(rooms=rooms, stays=stays, blocked=blocked, budget=budget), rooms, stays, blocked)


def max_overlap(stays) -> int:
    counts: dict[date, int] = {}
    for s in stays:
        for night in nights(s):
            counts[night] = counts.get(night, 0) + 1
    return max(counts.values(), default=0)


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_everyone_fits_when_the_overlap_allows_it(data):
    """No fixed stays or blocks: max overlap <= rooms means every stay is placed.

    That rests on the greedy plans the search starts from, not on the search, so a small
    budget keeps the test quick (random current rooms can make the search for the fewest
    moves run to its limit) and shows the guarantee holds when the search is cut short.
    """
    stays = []
    for i in range(data.draw(st.integers(0, 40))):
        start = data.draw(st.integers(0, 29))
        end = data.draw(st.integers(start + 1, min(start + 6, 30)))
        stays.append(Stay(f"B{i:02}", d(start), d(end), None))
    need = max_overlap(stays)
    rooms = [f"R{i}" for i in range(1, data.draw(st.integers(max(1, min(need, 8) - 1), 8)) + 1)]
    current = st.sampled_from([None, *rooms])
    stays = [Stay(s.booking_id, s.start, s.end, data.draw(current)) for s in stays]
    plan = assign(rooms=rooms, stays=stays, budget=2_000)
    check(plan, rooms, stays)
    if need <= len(rooms):
        assert len(plan.rooms) == len(stays) and not plan.unplaced
