"""Combinations of rooms for a party no single room holds (bookings.combinations): pure, over
room types, units left and a price function — no table is read here."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from bookings.combinations import MAX_ROOMS, combinations, split_party
from bookings.offers import Guests, occupancy_error
from rooms.models import RoomType


def kind(code: str, guests: int, adults: int | None = None, children: int = 0) -> RoomType:
    return RoomType(
        roomType=code,
        name=code,
        maxGuests=guests,
        maxAdults=guests if adults is None else adults,
        maxChildren=children,
    )


@dataclass(frozen=True)
class Price:
    total: int


def per_guest(base: dict[str, int]):
    """A room's price: its type's base plus 1,000 per guest (so the split shows in it)."""
    return lambda k, g: Price(base[k.roomType] + 1000 * g.count)


DOUBLE, DELUXE, FAMILY = kind("Double", 2), kind("Deluxe", 3), kind("Family", 4)
BASE = {"Double": 40000, "Deluxe": 70000, "Family": 90000, "Single": 30000}


def names(combo) -> list[str]:
    return [f"{n} × {k.roomType}" for k, n in combo.counts]


def test_a_family_of_five_gets_two_rooms_fewest_first_then_cheapest():
    party = Guests(adults=2, children_ages=(4, 7, 9))
    found = combinations(
        party, [DOUBLE, DELUXE, FAMILY], {"Double": 5, "Deluxe": 5, "Family": 1}, per_guest(BASE)
    )
    assert [len(c.rooms) for c in found] == [2, 2, 2, 2]
    assert names(found[0]) == ["1 × Deluxe", "1 × Double"]  # 70,000 + 40,000 + 5 guests
    assert [c.total for c in found] == sorted(c.total for c in found)
    assert ["2 × Deluxe"] in [names(c) for c in found]
    [two_deluxe] = [c for c in found if names(c) == ["2 × Deluxe"]]
    assert [(r.guests.adults, len(r.guests.children_ages)) for r in two_deluxe.rooms] == [
        (1, 2),
        (1, 1),
    ]


def test_nine_guests_in_rooms_of_two_and_three():
    party = Guests(adults=9)
    found = combinations(party, [DOUBLE, DELUXE], {"Double": 20, "Deluxe": 9}, per_guest(BASE))
    assert names(found[0]) == ["3 × Deluxe"]
    assert all(len(c.rooms) <= 4 for c in found)


def test_units_left_cap_each_type():
    party = Guests(adults=6)
    found = combinations(party, [DOUBLE, DELUXE], {"Double": 1, "Deluxe": 1}, per_guest(BASE))
    assert found == []  # 2 + 3 beds for six


def test_a_child_is_never_alone_and_adults_bound_the_rooms():
    party = Guests(adults=1, children_ages=(3, 5, 8))
    assert combinations(party, [DOUBLE, DELUXE], {"Double": 9, "Deluxe": 9}, per_guest(BASE)) == []
    assert split_party(party, [DOUBLE, DOUBLE]) is None


def test_a_type_not_sold_for_an_occupancy_is_skipped():
    def price(k, g):
        return None if k.roomType == "Deluxe" else Price(BASE[k.roomType])

    found = combinations(Guests(adults=4), [DOUBLE, DELUXE], {"Double": 2, "Deluxe": 2}, price)
    assert [names(c) for c in found] == [["2 × Double"]]


def test_more_than_max_rooms_is_not_offered():
    single = kind("Single", 1)
    party = Guests(adults=MAX_ROOMS + 1)
    assert combinations(party, [single], {"Single": 20}, per_guest(BASE)) == []


# --- properties -------------------------------------------------------------------------------

kinds_st = st.lists(
    st.builds(
        lambda i, g, a, c: kind(f"T{i}", g, min(a, g), c),
        st.integers(0, 9),
        st.integers(1, 5),
        st.integers(1, 5),
        st.integers(0, 2),
    ),
    min_size=1,
    max_size=5,
    unique_by=lambda k: k.roomType,
)
party_st = st.builds(
    lambda a, kids: Guests(adults=a, children_ages=tuple(kids)),
    st.integers(1, 12),
    st.lists(st.integers(0, 17), max_size=8),
)


@settings(max_examples=300, deadline=None)
@given(
    kinds=kinds_st,
    party=party_st,
    left=st.dictionaries(st.sampled_from([f"T{i}" for i in range(10)]), st.integers(0, 4)),
    unsold=st.sets(st.sampled_from([f"T{i}" for i in range(10)]), max_size=2),
)
def test_every_combination_holds_the_party_within_units_left_and_occupancy(
    kinds, party, left, unsold
):
    def price(k, g):
        return None if k.roomType in unsold else Price(1000 * g.count + int(k.roomType[1:]))

    found = combinations(party, kinds, left, price)
    assert len(found) <= 4
    assert [(len(c.rooms), c.total) for c in found] == sorted(
        (len(c.rooms), c.total) for c in found
    )
    by_code = {k.roomType: k for k in kinds}
    for combo in found:
        assert 1 <= len(combo.rooms) <= MAX_ROOMS
        assert sum(r.guests.adults for r in combo.rooms) == party.adults
        ages = Counter(a for r in combo.rooms for a in r.guests.children_ages)
        assert ages == Counter(party.children_ages)
        for code, n in Counter(r.code for r in combo.rooms).items():
            assert n <= left.get(code, 0)
            assert code not in unsold
        for room in combo.rooms:
            assert room.guests.adults >= 1
            assert room.guests.count <= by_code[room.code].maxGuests
            assert occupancy_error(by_code[room.code], room.guests) is None
        assert combo.total == sum(r.price.total for r in combo.rooms)


@settings(max_examples=200, deadline=None)
@given(kinds=kinds_st, party=party_st)
def test_a_party_one_type_can_hold_in_n_rooms_is_offered_n_rooms_or_fewer(kinds, party):
    """Completeness where it is easy to state: with plenty of one type that holds an adult
    and the children evenly, an option of at most that many rooms is found."""
    roomy = max(kinds, key=lambda k: k.maxGuests)
    n = -(-party.count // roomy.maxGuests)
    if n > min(MAX_ROOMS, party.adults):
        return
    split = split_party(party, [roomy] * n)
    found = combinations(party, kinds, {k.roomType: 9 for k in kinds}, lambda k, g: Price(1))
    if split is not None:
        assert found and len(found[0].rooms) <= n
