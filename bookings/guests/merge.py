"""Merging duplicate profiles: one guest known twice (two emails, a walk-in's phone).

The merge is two steps, each safe to repeat, so a crash between them is finished by running
it again:
1. one transaction: the target takes the duplicate's bookings, history, preferences and notes
   (conditional on both revisions read); the duplicate is marked `mergedInto` (conditional on
   not being merged yet) and emptied; its contact claims are re-pointed to the target and its
   name keys removed; one audit entry on each profile;
2. every booking of the target that still points elsewhere gets `profileId` = the target
   (conditional on what it pointed at), so the booking pages show the merged profile.
"""

from __future__ import annotations

from datetime import datetime

from hotel.dynamo import commit
from hotel.errors import StaleObject

from ..models import Booking
from .booking_link import booking_profile_set
from .exceptions import MergeRefused
from .keys import contact_items, contact_keys, name_items
from .models import GuestKey, GuestProfile
from .selectors import profile_get
from .services import profile_audit, profile_snapshot


def profile_merge(
    *,
    profile_id: str,
    into: str,
    actor: str,
    now: datetime,
    request_id: str | None = None,
) -> GuestProfile:
    """Merge profile `profile_id` (the duplicate) into `into`; the target as it is after.

    Re-running a merge that is done, or half done (crashed after step 1), finishes it and
    changes nothing else. Raises ProfileNotFound, MergeRefused (same profile, the target was
    itself merged, the duplicate already merged elsewhere), StaleObject."""
    if profile_id == into:
        raise MergeRefused("A profile cannot be merged into itself.")
    for _ in range(4):
        source = profile_get(profile_id=profile_id, consistent=True)
        target = profile_get(profile_id=into, consistent=True)
        if target.mergedInto:
            raise MergeRefused(f"{into} was itself merged into {target.mergedInto}.")
        if source.mergedInto and source.mergedInto != into:
            raise MergeRefused(f"{profile_id} was already merged into {source.mergedInto}.")
        if source.mergedInto == into or _merge_once(
            source, target, actor=actor, now=now, request_id=request_id
        ):
            target = profile_get(profile_id=into, consistent=True)
            bookings_repoint(target, from_ids={profile_id})
            return target
    raise StaleObject("The profiles changed meanwhile; try again.")


def _merge_once(source, target, *, actor, now, request_id) -> bool:
    source_before, target_before = profile_snapshot(source), profile_snapshot(target)
    source_rev, target_rev = source.revision, target.revision
    moved = [b for b in source.bookingIds or [] if b not in (target.bookingIds or [])]
    target.bookingIds = [*(target.bookingIds or []), *moved]
    target.stays += source.stays
    target.nights += source.nights
    target.spend += source.spend
    target.currency = target.currency or source.currency
    target.lastStay = max(filter(None, [target.lastStay, source.lastStay]), default=None)
    target.preferences = list(
        dict.fromkeys([*(target.preferences or []), *(source.preferences or [])])
    )
    if source.notes and source.notes not in (target.notes or ""):
        target.notes = "\n".join(filter(None, [target.notes, source.notes]))
    target.vip = bool(target.vip or source.vip)
    for name in ("email", "phone", "address", "nationality", "language"):
        if not getattr(target, name) and getattr(source, name):
            setattr(target, name, getattr(source, name))
    if source.marketingConsent and not target.marketingConsent:
        target.marketingConsent, target.marketingConsentAt = True, source.marketingConsentAt
    target.revision, target.updatedAt = target_rev + 1, now
    source_contacts = contact_keys(email=source.email, phone=source.phone)
    source_names = name_items(source.name, source.profileId)
    source.mergedInto = target.profileId
    source.bookingIds, source.stays, source.nights, source.spend = [], 0, 0, 0
    source.revision, source.updatedAt = source_rev + 1, now
    note = {"mergedFrom": source.profileId, "movedBookings": moved}
    entries = [
        profile_audit(
            target,
            "merge:into",
            target_before,
            actor=actor,
            now=now,
            request_id=request_id,
            after={**profile_snapshot(target), **note},
        ),
        profile_audit(
            source, "merge:from", source_before, actor=actor, now=now, request_id=request_id
        ),
    ]

    def build(tx):
        tx.save(
            target,
            condition=(GuestProfile.revision == target_rev)
            & GuestProfile.mergedInto.does_not_exist(),
        )
        tx.save(
            source,
            condition=(GuestProfile.revision == source_rev)
            & GuestProfile.mergedInto.does_not_exist(),
        )
        for key in source_contacts:
            claim, item = contact_items(key, target.profileId)
            tx.save(claim, condition=GuestKey.profileId == source.profileId)
            tx.delete(GuestKey(key=key, sort=source.profileId))
            tx.save(item)
        for item in source_names:
            tx.delete(item)
        for entry in entries:
            tx.save(entry)

    return commit(build)


def bookings_repoint(target: GuestProfile, *, from_ids: set[str]) -> int:
    """Point the target's bookings that still name a merged profile (or none) at the target:
    one BatchGet, then one conditional update each. Returns how many moved."""
    ids = list(target.bookingIds or [])
    moved = 0
    for start in range(0, len(ids), 100):
        for booking in Booking.batch_get(ids[start : start + 100]):
            if booking.profileId == target.profileId:
                continue
            if booking.profileId is not None and booking.profileId not in from_ids:
                continue

            def build(tx, booking=booking):
                booking_profile_set(
                    tx,
                    booking_id=booking.bookingId,
                    profile_id=target.profileId,
                    previous=booking.profileId,
                )

            moved += commit(build)
    return moved
