"""Whether a room is in use, asked before it is deleted, without rooms importing the apps
that keep stays in rooms: they register a check here (bookings does in its AppConfig.ready).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from hotel.errors import Conflict

# Checks that say a room is in use, registered by the apps built on rooms (bookings: its
# live stays in the room-nights table). Each takes (room_id=, now=) and returns the
# references keeping the room; rooms imports none of those apps.
_IN_USE_CHECKS: list[Callable[..., list[str]]] = []
RETIRE_WINDOW = timedelta(minutes=1)


def room_in_use_check_register(check: Callable[..., list[str]]) -> None:
    """Ask `check(room_id=, now=)` before deleting a room (AppConfig.ready of the caller)."""
    if check not in _IN_USE_CHECKS:
        _IN_USE_CHECKS.append(check)


def room_in_use(room_id: str, *, occupant: str | None, users: list[str]) -> Conflict:
    held = list(dict.fromkeys([*([occupant] if occupant else []), *users]))
    if not held:  # marked occupied by hand, or by a check-in from before occupants were kept
        return Conflict(
            f"Room {room_id} is marked occupied: check its guest out first.",
            code="ROOM_IN_USE",
            details={"bookings": []},
        )
    shown = ", ".join(held[:10]) + (f" and {len(held) - 10} more" if len(held) > 10 else "")
    return Conflict(
        f"Room {room_id} is in use by {len(held)} live booking(s) ({shown}). Move or cancel "
        "them first; a room with guests in house or stays to come cannot be deleted.",
        code="ROOM_IN_USE",
        details={"bookings": held},
    )


def room_users(*, room_id: str, now: datetime) -> list[str]:
    """The references every registered check gives for `room_id` (empty: not in use)."""
    return [ref for check in _IN_USE_CHECKS for ref in check(room_id=room_id, now=now)]


# Checks that say a room type is in use beyond its rooms (bookings: its live stays from today
# on). Each takes (room_type=, now=) and returns the references keeping the type.
_TYPE_IN_USE_CHECKS: list[Callable[..., list[str]]] = []


def room_type_in_use_check_register(check: Callable[..., list[str]]) -> None:
    """Ask `check(room_type=, now=)` before deleting a room type (AppConfig.ready)."""
    if check not in _TYPE_IN_USE_CHECKS:
        _TYPE_IN_USE_CHECKS.append(check)


def room_type_users(*, room_type: str, now: datetime) -> list[str]:
    """The references every registered check gives for `room_type` (empty: not in use)."""
    return [ref for check in _TYPE_IN_USE_CHECKS for ref in check(room_type=room_type, now=now)]
