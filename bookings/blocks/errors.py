"""Group block errors, each with its HTTP status and stable code."""

from hotel.errors import Conflict, NotFound


class BlockNotFound(NotFound):
    code = "BLOCK_NOT_FOUND"
    default_message = "No such group block."


class BlockExists(Conflict):
    code = "BLOCK_EXISTS"
    default_message = "A group block with this code exists already."


class BlockUnitsUnavailable(Conflict):
    """Creating the block: `details.nights` lists the nights without enough free units."""

    code = "BLOCK_UNITS_UNAVAILABLE"
    default_message = "Not enough rooms of this type are free on some nights for this block."


class BlockFull(Conflict):
    code = "BLOCK_FULL"
    default_message = "The group block has no room left for some nights of this stay."


class BlockReleased(Conflict):
    code = "BLOCK_RELEASED"
    default_message = "The group block has been released; its rooms are on general sale."


class BlockBookingChange(Conflict):
    code = "BLOCK_BOOKING_CHANGE"
    default_message = (
        "A stay booked from a group block cannot change its dates or room type; cancel it "
        "and book again from the block."
    )
