"""The guest profiles' errors (hotel.errors turns them into the one error shape)."""

from hotel.errors import Conflict, NotFound


class ProfileNotFound(NotFound):
    code = "GUEST_PROFILE_NOT_FOUND"
    default_message = "No such guest profile."


class ContactTaken(Conflict):
    """The email or phone already finds another profile: merge the two instead."""

    code = "GUEST_CONTACT_TAKEN"
    default_message = "This email or phone belongs to another guest profile; merge them instead."


class MergeRefused(Conflict):
    code = "GUEST_MERGE_REFUSED"
    default_message = "These profiles cannot be merged."


class GuestCountChangesPrice(Conflict):
    """A new number of guests that would re-price the stay: the change service does not
    re-price occupancy, so the desk changes the booking another way (cancel and rebook)."""

    code = "GUEST_COUNT_CHANGES_PRICE"
    default_message = (
        "This number of guests changes the stay's price; it cannot be edited here. "
        "Keep the count, or cancel and rebook at the new occupancy."
    )
