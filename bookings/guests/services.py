"""Guest profiles' writes: find or create the profile of a booking's guest, link the booking
to it, count a stay once it is over, and staff's edits.

Every rule two requests can race on is a condition inside one transaction:
- a contact (email, phone) belongs to one profile: its claim item is written on the condition
  it does not exist, in the same transaction as the new profile, so two bookings of the same
  new guest make one profile; the loser re-reads the claim and links to the winner;
- a booking is linked once: the booking's profileId is set on the condition it is unset and
  the id appended to the profile's bookingIds on the condition it is not in the list;
- a stay is counted once: a ledger item "stay#<bookingId>" is written on the condition it does
  not exist, in the transaction that adds the stay to the profile's history;
- every write of a profile adds 1 to its `revision`, the partial ones (linking, unlinking,
  counting a stay) too: the whole-item saves (staff's edits, merge) are conditional on the
  revision they read, so a save of a stale read fails and retries instead of writing back an
  old bookingIds (a booking linked meanwhile would vanish from the guest's history, and an
  erasure would then miss it).
"""

from __future__ import annotations

import secrets
from datetime import date, datetime

from pynamodb.exceptions import DoesNotExist

from hotel.audit.services import audit_entry
from hotel.dynamo import commit

from ..models import CHECKED_OUT, Booking
from .booking_link import booking_profile_set
from .exceptions import ContactTaken, ProfileNotFound
from .keys import (
    CLAIM,
    contact_items,
    contact_keys,
    email_normalise,
    name_items,
    phone_normalise,
    profile_key_items,
)
from .models import GuestKey, GuestProfile
from .selectors import claim_owner, profile_current, profile_get, profile_id_for_contact

ID_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
OBJECT_TYPE = "guests.profile"
LEDGER_SORT = "counted"
EDITABLE = (
    "name",
    "email",
    "phone",
    "address",
    "nationality",
    "language",
    "preferences",
    "notes",
    "vip",
    "marketingConsent",
)


def new_profile_id() -> str:
    return "GP-" + "".join(secrets.choice(ID_ALPHABET) for _ in range(10))


def profile_snapshot(profile: GuestProfile) -> dict:
    """The audited view of a profile (before / after of every entry)."""
    return {
        "name": profile.name,
        "email": profile.email,
        "phone": profile.phone,
        "address": profile.address,
        "nationality": profile.nationality,
        "language": profile.language,
        "preferences": list(profile.preferences or []),
        "notes": profile.notes,
        "vip": profile.vip,
        "marketingConsent": profile.marketingConsent,
        "marketingConsentAt": profile.marketingConsentAt.isoformat()
        if profile.marketingConsentAt
        else None,
        "bookingIds": list(profile.bookingIds or []),
        "stays": profile.stays,
        "nights": profile.nights,
        "spend": profile.spend,
        "mergedInto": profile.mergedInto,
    }


def profile_audit(profile, action, before, *, actor, now, request_id=None, after=None):
    return audit_entry(
        actor=actor,
        action=action,
        object_type=OBJECT_TYPE,
        object_id=profile.profileId,
        before=before,
        after=after if after is not None else profile_snapshot(profile),
        now=now,
        request_id=request_id,
    )


# --- find or create ------------------------------------------------------------------------------


def profile_find_or_create(
    *, name: str, email: str | None, phone: str | None, now: datetime, actor: str = "system"
) -> GuestProfile | None:
    """The profile of the guest with this email (or else phone), created when none has it.

    None when there is neither an email nor a phone (nothing would find the profile again).
    The new profile and its keys are one transaction, the contact claims conditional on not
    existing: when another request created the guest meanwhile, its profile is returned.
    """
    email, phone = email_normalise(email), phone_normalise(phone)
    if not (email or phone):
        return None
    for _ in range(4):
        owner = profile_id_for_contact(email=email, phone=phone, consistent=True)
        if owner:
            return profile_current(profile_id=owner, consistent=True)
        profile = GuestProfile(
            profileId=new_profile_id(),
            name=(name or "").strip() or "Guest",
            email=email,
            phone=phone,
            createdAt=now,
            updatedAt=now,
        )
        claims, plain = profile_key_items(
            profile_id=profile.profileId, name=profile.name, email=email, phone=phone
        )
        entry = profile_audit(profile, "create", None, actor=actor, now=now)

        def build(tx, profile=profile, claims=claims, plain=plain, entry=entry):
            tx.save(profile, condition=GuestProfile.profileId.does_not_exist())
            for claim in claims:
                tx.save(claim, condition=GuestKey.key.does_not_exist())
            for item in plain:
                tx.save(item)
            tx.save(entry)

        if commit(build):
            return profile
    raise ContactTaken("The guest's profile changed meanwhile; try again.")


# --- linking a booking -------------------------------------------------------------------------


def profile_link_booking(*, booking_id: str, now: datetime) -> str | None:
    """Link the booking to its guest's profile (found or created); the profile id, or None
    for a booking without contacts. Idempotent: an event delivered twice links once."""
    for _ in range(4):
        try:
            booking = Booking.get(booking_id, consistent_read=True)
        except DoesNotExist:
            return None
        if booking.profileId:
            profile = profile_current(profile_id=booking.profileId, consistent=True)
            if booking_id in (profile.bookingIds or []):
                return profile.profileId
        else:
            profile = profile_find_or_create(
                name=booking.guestName, email=booking.guestEmail, phone=booking.guestPhone, now=now
            )
            if profile is None:
                return None
        if _link(booking, profile, now=now):
            return profile.profileId
    return booking.profileId


def _link(booking: Booking, profile: GuestProfile, *, now: datetime) -> bool:
    """One transaction: the booking points at the profile, the profile lists the booking."""
    bid, pid, previous = booking.bookingId, profile.profileId, booking.profileId

    def build(tx):
        if previous != pid:
            booking_profile_set(tx, booking_id=bid, profile_id=pid, previous=previous)
        if bid not in (profile.bookingIds or []):
            tx.update(
                profile,
                actions=[
                    GuestProfile.bookingIds.set(GuestProfile.bookingIds.append([bid])),
                    GuestProfile.revision.add(1),  # a full save read before now must fail
                    GuestProfile.updatedAt.set(now),
                ],
                condition=~GuestProfile.bookingIds.contains(bid)
                & GuestProfile.mergedInto.does_not_exist(),
            )

    if previous == pid and bid in (profile.bookingIds or []):
        return True
    return commit(build)


def profile_unlink_booking(*, profile_id: str, booking_id: str, now: datetime) -> None:
    """Take a booking out of a profile's list (its guest's contacts changed)."""
    for _ in range(4):
        try:
            profile = profile_get(profile_id=profile_id, consistent=True)
        except ProfileNotFound:
            return
        ids = list(profile.bookingIds or [])
        if booking_id not in ids:
            return
        index = ids.index(booking_id)

        def build(tx, profile=profile, index=index):
            tx.update(
                profile,
                actions=[
                    GuestProfile.bookingIds[index].remove(),
                    GuestProfile.revision.add(1),
                    GuestProfile.updatedAt.set(now),
                ],
                condition=GuestProfile.bookingIds[index] == booking_id,
            )

        if commit(build):
            return


# --- history ------------------------------------------------------------------------------------


def stay_counted(booking_id: str) -> bool:
    try:
        GuestKey.get(f"stay#{booking_id}", LEDGER_SORT, consistent_read=True)
    except DoesNotExist:
        return False
    return True


def profile_stay_count(*, booking_id: str, now: datetime) -> bool:
    """Add a checked-out stay to its profile's history (stays, nights, spend, lastStay), once:
    the ledger item "stay#<bookingId>" is written on the condition it does not exist in the
    same transaction. True when this call counted it."""
    for _ in range(4):
        try:
            booking = Booking.get(booking_id, consistent_read=True)
        except DoesNotExist:
            return False
        if booking.status != CHECKED_OUT or stay_counted(booking_id):
            return False
        pid = booking.profileId or profile_link_booking(booking_id=booking_id, now=now)
        if not pid:
            return False
        profile = profile_current(profile_id=pid, consistent=True)
        nights = (date.fromisoformat(booking.checkOut) - date.fromisoformat(booking.checkIn)).days
        spend = (booking.totalPrice or 0) + (booking.extrasTotal or 0)
        last = max(filter(None, [profile.lastStay, booking.checkOut]))
        ledger = GuestKey(key=f"stay#{booking_id}", sort=LEDGER_SORT, profileId=profile.profileId)

        def build(
            tx, profile=profile, nights=nights, spend=spend, last=last, ledger=ledger, b=booking
        ):
            tx.save(ledger, condition=GuestKey.key.does_not_exist())
            tx.update(
                profile,
                actions=[
                    GuestProfile.stays.add(1),
                    GuestProfile.nights.add(nights),
                    GuestProfile.spend.add(spend),
                    GuestProfile.currency.set(profile.currency or b.currency),
                    GuestProfile.lastStay.set(last),
                    GuestProfile.revision.add(1),
                    GuestProfile.updatedAt.set(now),
                ],
                condition=(GuestProfile.revision == profile.revision)
                & GuestProfile.mergedInto.does_not_exist(),
            )

        if commit(build):
            return True
    return False


# --- staff's edits --------------------------------------------------------------------------------


def profile_update(
    *,
    profile_id: str,
    changes: dict,
    actor: str,
    now: datetime,
    expected_revision: int | None = None,
    request_id: str | None = None,
) -> GuestProfile:
    """Change a profile's fields (EDITABLE; `changes` already validated), audited with before
    and after in the same transaction. A new email or phone moves its key: refused with
    ContactTaken when it finds another profile (merge them instead). Conditional on the
    revision read (or `expected_revision`: StaleObject when someone saved meanwhile)."""
    from hotel.errors import StaleObject

    for _ in range(4):
        profile = profile_get(profile_id=profile_id, consistent=True)
        if expected_revision is not None and expected_revision != profile.revision:
            raise StaleObject()
        before = profile_snapshot(profile)
        old_contacts = contact_keys(email=profile.email, phone=profile.phone)
        old_names = name_items(profile.name, profile.profileId)
        for name, value in changes.items():
            if name not in EDITABLE:
                continue
            if name == "email":
                value = email_normalise(value)
            elif name == "phone":
                value = phone_normalise(value)
            setattr(profile, name, value)
        if (
            "marketingConsent" in changes
            and changes["marketingConsent"] != before["marketingConsent"]
        ):
            profile.marketingConsentAt = now if profile.marketingConsent else None
        new_contacts = contact_keys(email=profile.email, phone=profile.phone)
        for key in set(new_contacts) - set(old_contacts):
            owner = claim_owner(key, consistent=True)
            if owner and owner != profile.profileId:
                raise ContactTaken(
                    f"{key.split('#', 1)[1]} belongs to guest profile {owner}; merge the two "
                    "profiles instead.",
                    details={"profileId": owner},
                )
        read_revision = profile.revision
        profile.revision = read_revision + 1
        profile.updatedAt = now
        entry = profile_audit(
            profile, "update", before, actor=actor, now=now, request_id=request_id
        )

        def build(
            tx,
            profile=profile,
            read_revision=read_revision,
            entry=entry,
            old_contacts=old_contacts,
            new_contacts=new_contacts,
            old_names=old_names,
        ):
            tx.save(profile, condition=GuestProfile.revision == read_revision)
            for key in set(old_contacts) - set(new_contacts):
                tx.delete(
                    GuestKey(key=key, sort=CLAIM),
                    condition=GuestKey.profileId == profile.profileId,
                )
                tx.delete(GuestKey(key=key, sort=profile.profileId))
            for key in set(new_contacts) - set(old_contacts):
                claim, item = contact_items(key, profile.profileId)
                tx.save(claim, condition=GuestKey.key.does_not_exist())
                tx.save(item)
            new_names = name_items(profile.name, profile.profileId)
            keep = {(i.key, i.sort) for i in new_names}
            for item in old_names:
                if (item.key, item.sort) not in keep:
                    tx.delete(item)
            for item in new_names:
                tx.save(item)  # the name shown in results may have changed
            tx.save(entry)

        if commit(build):
            return profile
    raise StaleObject()
