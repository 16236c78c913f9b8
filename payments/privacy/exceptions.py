"""Why an export or an erasure is refused: each with its HTTP status and stable code."""

from __future__ import annotations

from hotel.errors import Conflict, NotFound


class GuestNotFound(NotFound):
    code = "GUEST_NOT_FOUND"
    default_message = "No guest profile with this id."


class GuestProfileMerged(Conflict):
    """A duplicate merged into another profile: its data lives on in the one it names."""

    code = "GUEST_PROFILE_MERGED"
    default_message = "This profile was merged into another one: act on that profile."


class GuestInHouse(Conflict):
    code = "GUEST_IN_HOUSE"
    default_message = "The guest is in house: check them out before erasing their data."


class GuestStayUpcoming(Conflict):
    """A pending or confirmed stay still needs the guest's name at the desk."""

    code = "GUEST_STAY_UPCOMING"
    default_message = (
        "The guest has a stay still to come: cancel it (or wait until it is over) before "
        "erasing their data."
    )


class GuestBalanceOpen(Conflict):
    """A bill that is not settled (the guest owes, or is owed a refund) still needs its payer."""

    code = "GUEST_BALANCE_OPEN"
    default_message = "A bill of the guest is not settled: settle it before erasing their data."
