"""Reading guest profiles: by id, by contact (one GetItem on the claim), many at once (one
BatchGet for a list page), and the one-box search (reference, email, phone or name prefix,
never a Scan).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pynamodb.exceptions import DoesNotExist

from ..models import Booking
from .exceptions import ProfileNotFound
from .keys import (
    CLAIM,
    email_key,
    email_normalise,
    name_bucket,
    name_tokens,
    phone_key,
    phone_normalise,
    token_normalise,
)
from .models import GuestKey, GuestProfile

MAX_PROFILE_ID = 40
SEARCH_LIMIT = 20
_REFERENCE = re.compile(r"^(BK|RS)-[0-9A-Z-]{3,40}$")
_PHONEISH = re.compile(r"^[+\d][\d\s().-]{5,}$")


def profile_get(*, profile_id: str, consistent: bool = False) -> GuestProfile:
    """The profile. Raises ProfileNotFound (also for ids DynamoDB would refuse as keys)."""
    if not 1 <= len(profile_id) <= MAX_PROFILE_ID:
        raise ProfileNotFound()
    try:
        return GuestProfile.get(profile_id, consistent_read=consistent)
    except DoesNotExist as exc:
        raise ProfileNotFound(f"Guest profile {profile_id} does not exist.") from exc


def profile_current(*, profile_id: str, consistent: bool = False) -> GuestProfile:
    """The profile, or the one it was merged into (a chain is followed a few steps)."""
    profile = profile_get(profile_id=profile_id, consistent=consistent)
    for _ in range(5):
        if not profile.mergedInto:
            break
        profile = profile_get(profile_id=profile.mergedInto, consistent=consistent)
    return profile


def claim_owner(key: str, *, consistent: bool = False) -> str | None:
    """The profile id a contact key belongs to (one GetItem), or None."""
    try:
        return GuestKey.get(key, CLAIM, consistent_read=consistent).profileId
    except DoesNotExist:
        return None


def profile_id_for_contact(
    *, email: str | None, phone: str | None, consistent: bool = False
) -> str | None:
    """The profile that normalised `email` or else `phone` finds, or None."""
    for key in (email and email_key(email), phone and phone_key(phone)):
        if key:
            owner = claim_owner(key, consistent=consistent)
            if owner:
                return owner
    return None


def profiles_by_ids(profile_ids) -> dict[str, GuestProfile]:
    """Many profiles with one BatchGet (a list page's rows), merged ones resolved by id."""
    wanted = sorted({p for p in profile_ids if p})
    if not wanted:
        return {}
    return {p.profileId: p for p in GuestProfile.batch_get(wanted)}


def returning_label(profile: GuestProfile | None) -> str:
    """ "Returning guest — 3 stays" for a guest with stays before; "" for a first stay."""
    if profile is None or profile.stays < 1:
        return ""
    return f"Returning guest — {profile.stays} stay{'s' if profile.stays != 1 else ''}"


# --- the one search box --------------------------------------------------------------------------


@dataclass
class SearchResult:
    kind: str  # "reference" | "email" | "phone" | "name" | ""
    profiles: list[GuestProfile] = field(default_factory=list)
    bookings: dict[str, list[Booking]] = field(default_factory=dict)  # profileId -> recent
    loose_bookings: list[Booking] = field(default_factory=list)  # found without a profile


def _recent(profile: GuestProfile, limit: int) -> list[str]:
    return list(reversed(profile.bookingIds or []))[:limit]


def name_search_ids(prefix: str, *, limit: int = SEARCH_LIMIT) -> list[str]:
    """Profile ids whose name has a token starting with `prefix` (normalised, ≥ 2 letters):
    one Query of the prefix's two-letter bucket, begins_with on the sort key."""
    token = token_normalise(prefix)
    if len(token) < 2:
        return []
    ids: list[str] = []
    for item in GuestKey.query(
        name_bucket(token), GuestKey.sort.startswith(token), limit=limit * 2, page_size=limit * 2
    ):
        if item.profileId not in ids:
            ids.append(item.profileId)
        if len(ids) >= limit:
            break
    return ids


def guest_search(query: str, *, recent: int = 3, limit: int = SEARCH_LIMIT) -> SearchResult:
    """Guests and bookings for one search box: a reference (BK-/RS-) is a direct get, an email
    or phone reads its key (and, for email, bookings with no profile by the guestEmail
    index), anything else is a name prefix. Profiles' recent bookings in one BatchGet."""
    text = (query or "").strip()
    result = SearchResult(kind="")
    if not text:
        return result
    profile_ids: list[str] = []
    upper = text.upper()
    if _REFERENCE.match(upper):
        result.kind = "reference"
        booking = _booking_or_reservation(upper)
        if booking is not None:
            if booking.profileId:
                profile_ids.append(booking.profileId)
            else:
                result.loose_bookings.append(booking)
    elif "@" in text:
        result.kind = "email"
        email = email_normalise(text)
        owner = email and claim_owner(email_key(email))
        if owner:
            profile_ids.append(owner)
        if email:
            result.loose_bookings = [
                b
                for b in Booking.by_guest.query(email, scan_index_forward=False, limit=limit)
                if not b.profileId
            ]
    elif _PHONEISH.match(text) and phone_normalise(text):
        result.kind = "phone"
        owner = claim_owner(phone_key(phone_normalise(text)))
        if owner:
            profile_ids.append(owner)
    else:
        result.kind = "name"
        words = [w for w in text.split() if w]
        profile_ids = name_search_ids(words[0], limit=limit) if words else []
    profiles = profiles_by_ids(profile_ids)
    found = [profiles[p] for p in profile_ids if p in profiles]
    if result.kind == "name" and len(text.split()) > 1:  # every word must begin a token
        rest = [token_normalise(w) for w in text.split()[1:]]
        found = [p for p in found if _all_words(p.name, rest)]
    result.profiles = [p for p in found if not p.mergedInto]
    _attach_recent(result, recent)
    return result


def _all_words(name: str, words: list[str]) -> bool:
    tokens = name_tokens(name)
    return all(any(t.startswith(w) for t in tokens) for w in words if w)


def _booking_or_reservation(reference: str) -> Booking | None:
    try:
        if reference.startswith("BK-"):
            return Booking.get(reference)
        from ..reservations.models import Reservation

        reservation = Reservation.get(reference)
    except DoesNotExist:
        return None
    first = (reservation.bookingIds or [None])[0]
    if first is None:
        return None
    try:
        return Booking.get(first)
    except DoesNotExist:
        return None


def _attach_recent(result: SearchResult, recent: int) -> None:
    wanted = {p.profileId: _recent(p, recent) for p in result.profiles}
    ids = sorted({b for ids in wanted.values() for b in ids})
    found = {b.bookingId: b for b in Booking.batch_get(ids)} if ids else {}
    result.bookings = {pid: [found[b] for b in ids if b in found] for pid, ids in wanted.items()}
