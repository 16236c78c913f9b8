"""Room assignment for one room type: which concrete room each booking of the type sleeps in.

Pure (standard library only) so it can be reasoned about and tested exhaustively; the caller
loads the stays, rooms and blocked nights of one room type and applies the returned Plan.

The problem. Stays are half-open date ranges [start, end); a room holds one stay a night and
a stay never changes room. Fixed stays (pinned by staff, or checked in) are facts: they keep
their room even when they collide with each other or with a blocked night, and nothing else is
put on the nights they (or the blocks) occupy. Every other stay gets a room or is reported
unplaced. The plan is the best one under the lexicographic order
    (1) most stays placed,
    (2) most previously assigned stays still placed (a stay that has a room is only dropped
        when the stays cannot all be placed and no better choice exists),
    (3) fewest moves of previously assigned stays,
ties broken deterministically: stays by (start, end, booking_id), rooms in the order given,
the stay's current room first.

Why a search. Without fixed stays, blocked nights and current rooms this is interval graph
colouring, solved exactly by "by start date, take a free room" (rooms needed = max overlap).
Pre-coloured intervals (fixed stays, blocks, and current rooms that should not move) make it
precolouring extension of an interval graph, which is NP-complete; so:

* Fast exact path: three greedy plans (keep every still-valid current room then fill the gaps;
  by start date preferring the current room, which is the exact classic greedy when there are
  no fixed stays or blocks; by end date with best fit). If one reaches the upper bound (every
  placeable stay placed, only the moves forced by invalid rooms), it is optimal and returned
  with no search. That is the everyday case, costing O(n * rooms) big-int operations.
* Otherwise an exact depth-first branch and bound over the stays by start date, each stay
  trying its current room, then the other rooms in order, then "unplaced". A node's bound
  adds to the score so far each remaining stay's best contribution, lowered for stays that now
  have no free room (cannot be placed) or whose current room is now taken (must move or be
  dropped), for stays wanting the same room that overlap (not all can keep it), and for the
  stays beyond what the nights' free rooms can hold (a per-night capacity relaxation, solved
  exactly by packing by end date); it prunes when the bound cannot beat the best plan found,
  which makes overbooked types cheap to prove. Rooms that are equally occupied and that no
  later stay prefers are interchangeable, so only the first is tried. Stays that share no
  night with each other form independent components, searched apart.
* Worst case is exponential, so the search is limited to `budget` nodes (shared between the
  components; a node costs O(stays + rooms^2) big-int operations, some 10-20 us, so the
  default is a few seconds at most). Beyond it the best plan found so far is returned: always
  valid (conflict-free, fixed stays untouched) and never worse than the greedy plans, but
  possibly not optimal (more moves than needed, or, rarely with fixed stays or blocks, fewer
  stays placed); the reasons of its unplaced stays then say a manual check may find a room.
  Small hotels (the tests compare with brute force) are always solved exactly by default.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

__all__ = ["Move", "Plan", "Stay", "Unplaced", "assign"]


@dataclass(frozen=True)
class Stay:
    booking_id: str
    start: date  # first night
    end: date  # departure day (not a night), end > start
    room_id: str | None  # current room, None if unassigned
    fixed: bool = False  # pinned or checked in: must keep room_id


@dataclass(frozen=True)
class Move:
    booking_id: str
    from_room: str
    to_room: str


@dataclass(frozen=True)
class Unplaced:
    booking_id: str
    reason: str  # a sentence for the front desk, with the dates


@dataclass(frozen=True)
class Plan:
    rooms: dict[str, str]  # booking_id -> room_id for every placed stay, fixed ones included
    assigned: list[tuple[str, str]]  # stays that had no room and now have one
    moved: list[Move]  # stays that had a room and now have another
    unplaced: list[Unplaced]  # stays left without a room


class _Component:
    """Stays (sorted by start) that overlap in a chain; solved independently of the others.

    Occupancy is one int bitmask per room (bit i = night base + i), so "is the room free for
    every night of the stay" is a single AND.
    """

    def __init__(
        self,
        stays: list[Stay],
        masks: list[int],
        starts: list[int],
        ends: list[int],
        static: dict[str, int],
        rooms: list[str],
    ) -> None:
        n = len(stays)
        self.stays, self.masks, self.starts, self.static = stays, masks, starts, static
        self.rooms, self.ends = rooms, ends
        # Rooms free of blocks and fixed stays for every night, the current room first.
        self.options: list[list[str]] = []
        for s, m in zip(stays, masks, strict=True):
            opts = [r for r in rooms if not static[r] & m]
            if s.room_id in opts:
                opts.remove(s.room_id)
                opts.insert(0, s.room_id)
            self.options.append(opts)
        self.keep_ok = [
            bool(o) and o[0] == s.room_id for s, o in zip(stays, self.options, strict=True)
        ]
        # Lexicographic (placed, previously assigned placed, -moves) as one int.
        self.w2 = n + 1
        self.w1 = (n + 1) ** 2
        self.best_case = [0 if not o else self.gain(j, o[0]) for j, o in enumerate(self.options)]
        self.suffix = [0] * (n + 1)
        for j in range(n - 1, -1, -1):
            self.suffix[j] = self.suffix[j + 1] + self.best_case[j]
        self.reach = []  # reach[d]: the last night (exclusive) touched by stays 0..d
        for e in ends:
            self.reach.append(max(e, self.reach[-1]) if self.reach else e)
        self.last_pref = {r: -1 for r in rooms}
        for j, s in enumerate(stays):
            if s.room_id in self.last_pref:
                self.last_pref[s.room_id] = j
        self.exhaustive = True

    def gain(self, j: int, room: str | None) -> int:
        if room is None:
            return 0
        cur = self.stays[j].room_id
        return self.w1 + (0 if cur is None else self.w2 - (room != cur))

    def score(self, choice: list[str | None]) -> int:
        return sum(self.gain(j, r) for j, r in enumerate(choice))

    def greedy(self, order: Sequence[int], keep_first: bool, best_fit: bool) -> list[str | None]:
        """A quick valid plan: an incumbent for the search, often already optimal."""
        occ = dict(self.static)
        choice: list[str | None] = [None] * len(self.stays)

        def put(j: int, r: str) -> None:
            choice[j] = r
            occ[r] |= self.masks[j]

        if keep_first:
            for j in order:
                if self.keep_ok[j] and not occ[self.options[j][0]] & self.masks[j]:
                    put(j, self.options[j][0])
        for j in order:
            if choice[j] is None:
                free = [r for r in self.options[j] if not occ[r] & self.masks[j]]
                if free and best_fit:  # the room whose earlier stays end latest: least gap
                    low = (1 << self.starts[j]) - 1
                    put(j, max(free, key=lambda r: (occ[r] & low).bit_length()))
                elif free:
                    put(j, free[0])
        return choice

    def solve(self, budget: int) -> tuple[list[str | None], int]:
        """The best plan and the number of search nodes used."""
        n = len(self.stays)
        by_end = sorted(range(n), key=lambda j: (self.masks[j].bit_length(), j))
        best: list[str | None] = []
        best_score = -1
        for order, keep_first, best_fit in (
            (range(n), True, False),
            (range(n), False, False),
            (by_end, False, True),
        ):
            choice = self.greedy(order, keep_first, best_fit)
            if (sc := self.score(choice)) > best_score:
                best, best_score = choice, sc
        if best_score >= self.suffix[0]:  # the greedy plan meets the upper bound: optimal
            return best, 0
        occ = dict(self.static)
        full = (1 << self.reach[-1]) - 1
        masks, options = self.masks, self.options
        choice = [None] * n
        score = nodes = 0

        def bound(d: int) -> int:
            """An upper bound on the score of any completion of stays 0..d-1."""
            ub = score + self.suffix[d]
            j, lim, dead, moving = d, self.reach[d - 1], set(), set()
            while j < n and self.starts[j] < lim:  # only these can be hindered by 0..d-1
                m = masks[j]
                if not any(not occ[r] & m for r in options[j]):
                    ub -= self.best_case[j]
                    dead.add(j)
                elif self.keep_ok[j] and occ[options[j][0]] & m:
                    ub -= 1
                    moving.add(j)
                j += 1
            if ub <= best_score:
                return ub
            # Relaxation: a night holds at most as many stays as it has free rooms. Packing
            # by end date is exact for it; each stay beyond it costs at least w1.
            layers: list[int] = []  # layers[k]: the nights with more than k free rooms
            for r in self.rooms:
                f = ~occ[r] & full
                layers.append(layers[-1] & f if layers else f)
                for k in range(len(layers) - 2, 0, -1):
                    layers[k] |= layers[k - 1] & f
                layers[0] |= f
            # And stays wanting the same room that overlap cannot all keep it (interval
            # scheduling by end date gives how many can).
            wanted = fits = 0
            kept_until: dict[str, int] = {}
            for j in by_end:
                if j < d or j in dead or not self.best_case[j]:
                    continue
                if self.keep_ok[j] and j not in moving:
                    cur = options[j][0]
                    if self.starts[j] >= kept_until.get(cur, 0):
                        kept_until[cur] = self.ends[j]
                    else:
                        ub -= 1
                wanted += 1
                m = masks[j]
                if not layers or m & ~layers[0]:
                    continue
                fits += 1
                for k in range(len(layers)):
                    above = layers[k + 1] if k + 1 < len(layers) else 0
                    layers[k] = (layers[k] & ~m) | (above & m)
            return ub - (wanted - fits) * self.w1

        def children(d: int) -> list[str | None]:
            m, seen, out = masks[d], set(), []
            for r in options[d]:
                o = occ[r]
                if o & m:
                    continue
                if self.last_pref[r] <= d:  # no later stay prefers r: equal rooms are alike
                    if o in seen:
                        continue
                    seen.add(o)
                out.append(r)
            return [*out, None]

        stack, pos, d = [children(0)], [0], 0
        while d >= 0:
            if pos[d] == len(stack[d]):
                stack.pop()
                pos.pop()
                d -= 1
                if d >= 0 and (r := choice[d]) is not None:
                    occ[r] &= ~masks[d]
                    score -= self.gain(d, r)
                    choice[d] = None
                continue
            r = stack[d][pos[d]]
            pos[d] += 1
            nodes += 1
            if nodes > budget:
                self.exhaustive = False
                return best, budget
            if r is not None:
                occ[r] |= masks[d]
                score += self.gain(d, r)
                choice[d] = r
            if d + 1 == n:
                if score > best_score:
                    best, best_score = list(choice), score
            elif bound(d + 1) > best_score:
                d += 1
                stack.append(children(d))
                pos.append(0)
                continue
            if r is not None:  # leaf or pruned: undo this choice, try the next sibling
                occ[r] &= ~masks[d]
                score -= self.gain(d, r)
                choice[d] = None
        return best, nodes

    def reason(self, j: int, rooms: Collection[str]) -> str:
        s = self.stays[j]
        when = f"every night of {s.start.isoformat()} – {s.end.isoformat()}"
        if not rooms:
            text = f"No room of this type exists to hold {when}."
        elif not self.options[j]:
            text = (
                f"No room is free for {when} without moving a pinned or checked-in stay or "
                "using an out-of-order night."
            )
        else:
            text = f"No room is free for {when}: other stays fill every room on some night."
        if s.room_id is not None:
            if s.room_id not in rooms:
                text += f" Its room {s.room_id} is not a room of this type."
            elif not self.keep_ok[j]:
                text += (
                    f" Its room {s.room_id} is out of order or held by a pinned or checked-in"
                    " stay on some of those nights."
                )
            else:
                text += f" Its room {s.room_id} is double-booked on those nights."
        if not self.exhaustive:
            text += " (The search stopped at its limit; a manual check may still find a room.)"
        return text


def assign(
    *,
    rooms: Sequence[str],
    stays: Sequence[Stay],
    blocked: Mapping[str, Collection[date]] | None = None,
    budget: int = 200_000,
) -> Plan:
    """The best plan for one room type's stays (see the module docstring for the order)."""
    ids = [s.booking_id for s in stays]
    if len(set(ids)) != len(ids):
        raise ValueError("booking ids must be unique")
    for s in stays:
        if s.end <= s.start:
            raise ValueError(f"stay {s.booking_id} must end after it starts")
        if s.fixed and s.room_id is None:
            raise ValueError(f"fixed stay {s.booking_id} has no room")
    order = list(dict.fromkeys(rooms))
    ordered = sorted(stays, key=lambda s: (s.start, s.end, s.booking_id))
    if not ordered:
        return Plan(rooms={}, assigned=[], moved=[], unplaced=[])
    base = ordered[0].start
    span = (max(s.end for s in ordered) - base).days

    def mask(s: Stay) -> int:
        return ((1 << (s.end - s.start).days) - 1) << (s.start - base).days

    static = dict.fromkeys(order, 0)  # nights no flexible stay may take: blocks, fixed stays
    for r, nights in (blocked or {}).items():
        if r in static:
            for night in nights:
                if 0 <= (i := (night - base).days) < span:
                    static[r] |= 1 << i
    for s in ordered:
        if s.fixed and s.room_id in static:
            static[s.room_id] |= mask(s)

    # Stays sharing no night with each other do not interact: split into chains of overlap.
    components: list[list[Stay]] = []
    reach = None
    for s in (s for s in ordered if not s.fixed):
        if reach is None or s.start >= reach:
            components.append([])
        components[-1].append(s)
        reach = s.end if reach is None else max(reach, s.end)

    result: dict[str, str | None] = {}
    reasons: dict[str, str] = {}
    left = max(budget, 0)
    for k, group in enumerate(components):
        comp = _Component(
            group,
            [mask(s) for s in group],
            [(s.start - base).days for s in group],
            [(s.end - base).days for s in group],
            static,
            order,
        )
        choice, used = comp.solve(left // (len(components) - k))
        left -= used
        for j, (s, r) in enumerate(zip(group, choice, strict=True)):
            result[s.booking_id] = r
            if r is None:
                reasons[s.booking_id] = comp.reason(j, static)

    placed = {s.booking_id: s.room_id for s in ordered if s.fixed}
    assigned, moved, unplaced = [], [], []
    for s in ordered:
        if s.fixed:
            continue
        r = result[s.booking_id]
        if r is None:
            unplaced.append(Unplaced(s.booking_id, reasons[s.booking_id]))
            continue
        placed[s.booking_id] = r
        if s.room_id is None:
            assigned.append((s.booking_id, r))
        elif r != s.room_id:
            moved.append(Move(s.booking_id, s.room_id, r))
    rooms_out = {s.booking_id: placed[s.booking_id] for s in ordered if s.booking_id in placed}
    return Plan(rooms=rooms_out, assigned=assigned, moved=moved, unplaced=unplaced)
