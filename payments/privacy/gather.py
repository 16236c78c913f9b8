"""Find everything the hotel holds about one guest, by keys and indexes only (no Scan).

From the profile: the bookings it names (`bookingIds`) and those the bookings' guestEmail
index finds for its email; for each booking its reservation, folio header and lines,
payments, invoices, the audit entries about the booking, its payments, its invoices and its
reservation (the audit table is keyed by "<objectType>:<objectId>"), and online check-in
data (hooks); for each reservation the guest booked, its own bill (header, lines, invoices:
the booker is its payer); then the profile's own audit entries, its GuestKey items (found
from its own contacts, its bookings' contacts and those of the profiles merged into it) and
the email outbox's messages to every address found (hotel.mail's recipient index).

Reads per guest: 1 GetItem (profile) + 1 Query (email index) + 1 BatchGet (bookings) + per
booking about 6 Queries/GetItems + 1 Query per audit object and per address: it grows
with the guest's own bookings only.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from pynamodb.exceptions import DoesNotExist

from bookings.guests.keys import contact_keys, email_normalise, phone_normalise
from bookings.guests.models import GuestKey, GuestProfile
from bookings.models import Booking
from bookings.reservations.models import Reservation
from hotel.audit.models import AuditEntry
from hotel.audit.services import object_key
from payments.folio.models import Folio, FolioLine
from payments.invoices.models import Invoice
from payments.models import Payment

from .exceptions import GuestNotFound, GuestProfileMerged
from .scrub import personal_strings

# The audit log's object types of what a guest's data is in: bookings (a reservation's
# stays are audited as bookings), payments, invoices, reservations and the profile
# (bookings.guests.services audits it as "guests.profile").
BOOKING_TYPE = "bookings.booking"
PAYMENT_TYPE = "payments.payment"
INVOICE_TYPE = "payments.invoice"
RESERVATION_TYPE = "bookings.reservation"
PROFILE_TYPES = ("guests.profile",)


@dataclass
class StayData:
    """One booking and what hangs off it."""

    booking: Booking
    folio: Folio | None
    lines: list[FolioLine]
    payments: list[Payment]
    invoices: list[Invoice]

    @property
    def audit_keys(self) -> list[str]:
        keys = [object_key(BOOKING_TYPE, self.booking.bookingId)]
        keys += [object_key(PAYMENT_TYPE, p.transactionId) for p in self.payments]
        keys += [object_key(INVOICE_TYPE, i.number) for i in self.invoices]
        if self.booking.reservationId:
            keys.append(object_key(RESERVATION_TYPE, self.booking.reservationId))
        return keys


@dataclass
class BillData:
    """A reservation's own bill (payments.folio: key "RS-…", the booker its payer)."""

    reservationId: str
    folio: Folio | None
    lines: list[FolioLine]
    invoices: list[Invoice]


def bill_data(reservation_id: str) -> BillData:
    try:
        folio = Folio.get(reservation_id, consistent_read=True)
    except DoesNotExist:
        folio = None
    return BillData(
        reservationId=reservation_id,
        folio=folio,
        lines=list(FolioLine.query(reservation_id, consistent_read=True)) if folio else [],
        invoices=list(Invoice.by_booking.query(reservation_id)) if folio else [],
    )


@dataclass
class GuestData:
    profile: GuestProfile
    stays: list[StayData]
    reservations: list[Reservation]  # those the guest booked (booker = the guest)
    keys: list[GuestKey] = field(default_factory=list)
    # Duplicates merged into the profile: they keep their contacts, erased with it.
    merged: list[GuestProfile] = field(default_factory=list)
    # The own bills of the reservations the guest booked (payers: the guest).
    bills: list[BillData] = field(default_factory=list)

    @property
    def invoices(self) -> list[Invoice]:
        """Every invoice about the guest: the stays' and the reservations' bills'."""
        return [i for s in self.stays for i in s.invoices] + [
            i for b in self.bills for i in b.invoices
        ]

    @property
    def emails(self) -> set[str]:
        found = {self.profile.email} | {s.booking.guestEmail for s in self.stays}
        found |= {p.email for p in self.merged}
        found |= {r.bookerEmail for r in self.reservations}
        return {e.strip().lower() for e in found if e}

    @property
    def strings(self) -> frozenset[str]:
        """Every personal string stored about the guest: what an erasure searches for."""
        values = [self.profile.name, self.profile.email, self.profile.phone]
        for p in self.merged:
            values += [p.name, p.email, p.phone]
        for stay in self.stays:
            b = stay.booking
            values += [b.guestName, b.guestEmail, b.guestPhone]
        for r in self.reservations:
            values += [r.bookerName, r.bookerEmail, r.bookerPhone]
        return personal_strings(values)

    @property
    def audit_keys(self) -> list[str]:
        keys = [object_key(t, self.profile.profileId) for t in PROFILE_TYPES]
        keys += [object_key(t, p.profileId) for p in self.merged for t in PROFILE_TYPES]
        for stay in self.stays:
            keys += [k for k in stay.audit_keys if k not in keys]
        for bill in self.bills:
            keys += [object_key(INVOICE_TYPE, i.number) for i in bill.invoices]
        return keys


def profile_get(profile_id: str) -> GuestProfile:
    """Raises GuestNotFound, GuestProfileMerged (details.mergedInto)."""
    try:
        profile = GuestProfile.get(profile_id, consistent_read=True)
    except DoesNotExist:
        raise GuestNotFound() from None
    if profile.mergedInto:
        raise GuestProfileMerged(details={"mergedInto": profile.mergedInto})
    return profile


def guest_booking_ids(profile: GuestProfile) -> list[str]:
    """The profile's bookings and those made with its email, in that order, once each."""
    ids = list(dict.fromkeys(profile.bookingIds or []))
    if profile.email:
        for booking in Booking.by_guest.query(profile.email.strip().lower()):
            if booking.bookingId not in ids:
                ids.append(booking.bookingId)
    return ids


def stay_data(booking: Booking) -> StayData:
    try:
        folio = Folio.get(booking.bookingId, consistent_read=True)
    except DoesNotExist:
        folio = None
    return StayData(
        booking=booking,
        folio=folio,
        lines=list(FolioLine.query(booking.bookingId, consistent_read=True)),
        payments=list(Payment.by_booking.query(booking.bookingId)),
        invoices=list(Invoice.by_booking.query(booking.bookingId)),
    )


def _booker_is(reservation: Reservation, profile: GuestProfile, emails: set[str]) -> bool:
    return reservation.profileId == profile.profileId or (
        (reservation.bookerEmail or "").lower() in emails
    )


def merged_profiles(profile: GuestProfile) -> list[GuestProfile]:
    """The profiles merged into this one, from its "merge:into" audit entries (mergedFrom:
    an id, which survives the audit scrub, so a re-run finds them too); one Query and one
    BatchGet. A merged profile keeps its email and phone, whose keys now name this one."""
    ids = []
    key = object_key(PROFILE_TYPES[0], profile.profileId)
    for entry in AuditEntry.query(key, consistent_read=True):
        source = (entry.after or {}).get("mergedFrom") if entry.action == "merge:into" else None
        if source and source not in ids:
            ids.append(source)
    return list(GuestProfile.batch_get(ids, consistent_read=True)) if ids else []


def guest_keys(profile: GuestProfile, stays: list[StayData] = ()) -> list[GuestKey]:
    """The profile's GuestKey items (a Query per key, and per two-letter name bucket, kept
    when they name this profile), found from its own email, phone and name, and from the
    contacts its bookings were made with and its merged profiles had: a merge re-points the
    duplicate's claims ("email#<the duplicate's email>") to the target, so the target's own
    email does not find them."""
    found: dict[tuple[str, str], GuestKey] = {}
    hash_keys = []
    if profile.email:
        hash_keys.append(f"email#{profile.email.strip().lower()}")
    if profile.phone:
        hash_keys.append(f"phone#{profile.phone}")
        digits = "".join(ch for ch in profile.phone if ch.isdigit())
        hash_keys.append(f"phone#{digits}")
    contacts = [(s.booking.guestEmail, s.booking.guestPhone) for s in stays]
    contacts += [(p.email, p.phone) for p in merged_profiles(profile)]
    for email, phone in [(profile.email, profile.phone), *contacts]:
        hash_keys += contact_keys(email=email_normalise(email), phone=phone_normalise(phone))
    for token in _name_tokens(profile.name):
        hash_keys.append(f"name#{token[:2]}")
    for hash_key in dict.fromkeys(hash_keys):
        for key in GuestKey.query(hash_key, consistent_read=True):
            if key.profileId == profile.profileId:
                found[(key.key, key.sort)] = key
    return list(found.values())


def _name_tokens(name: str | None) -> list[str]:
    """Lower-case words of a name, with and without accents (whichever way the profile
    service normalised them, the two-letter bucket is one of these)."""

    if not name:
        return []
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    # bookings.guests.keys' tokens: split on spaces and dashes, letters and digits kept
    # ("O'Brien" → "obrien"); and every run of letters, with and without accents.
    tokens = [re.sub(r"[^0-9a-z]", "", part) for part in re.split(r"[\s\-‐-―]+", folded.lower())]
    for text in (name.lower(), folded.lower()):
        word = ""
        for ch in text + " ":
            if ch.isalnum():
                word += ch
            elif word:
                tokens.append(word)
                word = ""
    return [t for t in dict.fromkeys(tokens) if len(t) >= 2]


def guest_data(profile_id: str) -> GuestData:
    """Everything about the guest (see the module docstring).
    Raises GuestNotFound, GuestProfileMerged."""
    profile = profile_get(profile_id)
    ids = guest_booking_ids(profile)
    bookings = {b.bookingId: b for b in Booking.batch_get(ids, consistent_read=True)} if ids else {}
    stays = [stay_data(bookings[i]) for i in ids if i in bookings]
    data = GuestData(profile=profile, stays=stays, reservations=[])
    reservation_ids = list(
        dict.fromkeys(s.booking.reservationId for s in stays if s.booking.reservationId)
    )
    if reservation_ids:
        emails = data.emails
        data.reservations = [
            r
            for r in Reservation.batch_get(reservation_ids, consistent_read=True)
            if _booker_is(r, profile, emails)
        ]
        data.bills = [bill_data(r.reservationId) for r in data.reservations]
    data.keys = guest_keys(profile, stays)
    data.merged = merged_profiles(profile)
    return data


def audit_entries(keys: list[str]) -> list[AuditEntry]:
    """Every audit entry about the objects named (one Query per object key)."""
    entries = []
    for key in keys:
        entries += list(AuditEntry.query(key, consistent_read=True))
    return entries
