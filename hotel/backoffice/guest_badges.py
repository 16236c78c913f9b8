"""What staff see of a guest's profile beside a booking: "Returning guest — 3 stays", VIP,
the notes ("allergic to feathers") and preferences. A list reads every row's profile with
one BatchGet (bookings.guests.selectors.profiles_by_ids), never one read per row."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from bookings.guests.selectors import profiles_by_ids, returning_label


@dataclass(frozen=True)
class GuestBadge:
    profile_id: str
    url: str
    returning: str  # "Returning guest — 3 stays", or "" for a first stay
    vip: bool
    notes: str
    preferences: tuple[str, ...]

    @property
    def shown(self) -> bool:
        return bool(self.returning or self.vip or self.notes or self.preferences)


def badge_for(profile) -> GuestBadge:
    return GuestBadge(
        profile_id=profile.profileId,
        url=reverse("admin:backoffice_guest", kwargs={"profile_id": profile.profileId}),
        returning=returning_label(profile),
        vip=bool(profile.vip),
        notes=profile.notes or "",
        preferences=tuple(profile.preferences or ()),
    )


def guest_badges(bookings) -> dict[str, GuestBadge]:
    """bookingId -> its guest's badge, for bookings linked to a profile (one BatchGet)."""
    bookings = list(bookings)
    profiles = profiles_by_ids(b.profileId for b in bookings)
    return {
        b.bookingId: badge_for(profiles[b.profileId]) for b in bookings if b.profileId in profiles
    }


def booking_guest_context(request, booking) -> dict:
    """The booking page's guest section: the profile's badge and the edit link."""
    from bookings.guests.selectors import profile_current
    from hotel.errors import NotFound

    badge = None
    if booking.profileId:
        try:
            badge = badge_for(profile_current(profile_id=booking.profileId))
        except NotFound:
            badge = None
    may_edit = request.user.has_perm("bookings.change_booking")
    return {
        "guest_badge": badge,
        "guest_edit_url": reverse(
            "admin:backoffice_booking_guest", kwargs={"booking_id": booking.bookingId}
        )
        if may_edit
        else None,
    }
