"""Erase a guest's personal data on request (the right to erasure): `guest_erase`.

What changes (payments.privacy.scrub): every audit entry about the guest's profile,
bookings, payments, invoices and reservations has its before / after / changes scrubbed;
folio lines that quote the guest lose the quote; queued emails to the guest are deleted;
the webhook deliveries about the guest's bookings and the own bills of the reservations the
guest booked get a body that says it was erased, and a pending one is given up
(hotel.webhooks.erasure); the channel events the bookings were imported from lose their
summary, which may carry the guest's name (bookings.channels.erasure);
the reservations the guest booked lose the booker; the GuestKey items are deleted (found
also through the bookings' contacts, hence before them); each booking is anonymised
(guestName "Erased guest", email, phone and notes gone, so the guestEmail index forgets it)
together with its folio header's payers, in one transaction that holds only while the stay
is over and its bill settled; the own bills of the reservations the guest booked lose their
payer (payments.privacy.bills, before the reservation loses its booker); last, the profile
is blanked and `erasedAt` set, with the audit entry of the erasure (the reason, scrubbed;
no personal data). Invoices are kept whole: they are legal records (payments.invoices).

Order is what makes a re-run after a crash finish the job: an item that carries a personal
string is anonymised only after everything found through that string, and the profile
(whose email finds the bookings) last. The first step copies every booking id found onto the
profile, so a re-run still finds bookings the email index no longer shows. The webhook
deliveries and channel events are found through ids the erasure never removes (a delivery's
subject: a booking's id, or a reservation's for its bill; an event's channel and bookingId),
but a reservation may be found only through its booker's email (and with it its bill's
deliveries): so both come before the reservations lose the booker. A re-run of a finished
erasure writes nothing; a re-run of an interrupted one skips the deliveries and events
already erased.

Refused (nothing written) while a stay is in house (GUEST_IN_HOUSE), still to come
(GUEST_STAY_UPCOMING) or a bill (a stay's or a reservation's own) is not settled
(GUEST_BALANCE_OPEN); the booking's own
transaction re-checks status and balance, so a check-in or posting racing the erasure wins
and the erasure stops with the same error (a re-run once it is over finishes the job).
"""

from __future__ import annotations

import contextlib
from datetime import datetime

from pynamodb.exceptions import UpdateError

from bookings.channels.erasure import channel_summaries_erase
from bookings.guests.models import GuestKey, GuestProfile
from bookings.models import CANCELLED, CHECKED_IN, CHECKED_OUT, EXPIRED, NO_SHOW, Booking
from bookings.reservations.models import Reservation
from hotel.audit.models import AuditEntry
from hotel.audit.services import audit_entry
from hotel.dynamo import commit
from hotel.errors import StaleObject
from hotel.mail import outbox_delete_address
from hotel.webhooks.erasure import deliveries_forget
from payments.folio.models import Folio

from .bills import bill_erase, bill_refusal, payers_erased
from .exceptions import GuestBalanceOpen, GuestInHouse, GuestStayUpcoming
from .gather import (
    BOOKING_TYPE,
    PROFILE_TYPES,
    GuestData,
    StayData,
    audit_entries,
    guest_data,
    stay_data,
)
from .hooks import checkin_erase
from .scrub import ERASED_NAME, scrub, scrub_text

OVER = (CHECKED_OUT, CANCELLED, NO_SHOW, EXPIRED)  # stays whose guest may be erased
ATTEMPTS = 4  # a booking or bill changed meanwhile: re-read and try again


def _refusal(stay: StayData):
    """The error that stops an erasure because of this stay, or None."""
    booking = stay.booking
    details = {"bookingId": booking.bookingId, "status": booking.status}
    if booking.status == CHECKED_IN:
        return GuestInHouse(details=details)
    if booking.status not in OVER:
        return GuestStayUpcoming(details=details)
    if stay.folio is not None and stay.folio.balance != 0:
        return GuestBalanceOpen(
            details={**details, "balance": stay.folio.balance, "currency": stay.folio.currency}
        )
    return None


def _link_bookings(profile: GuestProfile, booking_ids: list[str], now: datetime) -> None:
    missing = [i for i in booking_ids if i not in (profile.bookingIds or [])]
    if missing:
        profile.update(
            actions=[
                GuestProfile.bookingIds.set(GuestProfile.bookingIds.append(missing)),
                GuestProfile.updatedAt.set(now),
                GuestProfile.revision.add(1),
            ]
        )


def _scrub_audit(entries: list[AuditEntry], strings: frozenset[str]) -> int:
    changed = 0
    for entry in entries:
        actions = []
        for attr in (AuditEntry.before, AuditEntry.after, AuditEntry.changes):
            value = getattr(entry, attr.attr_name)
            if value is None:
                continue
            clean = scrub(value, strings)
            if clean != value:
                actions.append(attr.set(clean))
        if actions:
            entry.update(actions=actions)
            changed += 1
    return changed


def _scrub_lines(stay: StayData, strings: frozenset[str]) -> int:
    """Folio lines are never edited, save this: a description, reason or reference that
    quotes the guest loses the quote (amounts, dates and kinds stay as they are)."""
    changed = 0
    for line in stay.lines:
        actions = []
        for attr in (line.__class__.description, line.__class__.reason, line.__class__.reference):
            value = getattr(line, attr.attr_name)
            if value and scrub_text(value, strings) != value:
                actions.append(attr.set(scrub_text(value, strings)))
        if actions:
            line.update(actions=actions)
            changed += 1
    return changed


def _erase_reservation(reservation: Reservation, now: datetime) -> bool:
    for _ in range(ATTEMPTS):
        if reservation.bookerName == ERASED_NAME and not reservation.bookerEmail:
            return False
        try:
            reservation.update(
                actions=[
                    Reservation.bookerName.set(ERASED_NAME),
                    Reservation.bookerEmail.remove(),
                    Reservation.bookerPhone.remove(),
                    Reservation.notes.set(""),
                    Reservation.updatedAt.set(now),
                ]
            )
            return True
        except UpdateError as exc:  # the version moved on: re-read and try again
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise
            reservation = Reservation.get(reservation.reservationId, consistent_read=True)
    raise StaleObject("The reservation keeps changing: try the erasure again.")


def _is_erased(stay: StayData) -> bool:
    b = stay.booking
    payers_done = stay.folio is None or all(
        (f.get("payer") or {}).get("name") == ERASED_NAME for f in stay.folio.folios or []
    )
    return b.guestName == ERASED_NAME and not b.guestEmail and not b.guestPhone and payers_done


def _erase_booking(stay: StayData, strings, *, profile_id, actor, now, request_id) -> bool:
    """Anonymise the booking and its bill's payers in one transaction, conditional on the
    stay being over and its bill settled (what _refusal checked on a read)."""
    for _ in range(ATTEMPTS):
        error = _refusal(stay)
        if error is not None:
            raise error
        if _is_erased(stay):
            return False
        booking, header = stay.booking, stay.folio
        booking_actions = [
            Booking.guestName.set(ERASED_NAME),
            Booking.guestEmail.remove(),
            Booking.guestPhone.remove(),
            Booking.notes.set(""),
            Booking.updatedAt.set(now),
        ]
        if booking.flags:
            booking_actions.append(Booking.flags.set(scrub(booking.flags, strings)))

        def build(tx, booking=booking, header=header, booking_actions=booking_actions):
            tx.update(booking, actions=booking_actions, condition=Booking.status.is_in(*OVER))
            if header is None:
                tx.condition_check(
                    Folio, booking.bookingId, condition=Folio.bookingId.does_not_exist()
                )
            else:
                tx.update(
                    header,
                    actions=[
                        Folio.folios.set(payers_erased(header.folios or [], strings)),
                        Folio.revision.add(1),
                        Folio.updatedAt.set(now),
                    ],
                    condition=(Folio.revision == header.revision) & (Folio.balance == 0),
                )
            tx.save(
                audit_entry(
                    actor=actor,
                    action="erase",
                    object_type=BOOKING_TYPE,
                    object_id=booking.bookingId,
                    before=None,
                    after={"erased": True, "profileId": profile_id},
                    now=now,
                    request_id=request_id,
                )
            )

        if commit(build):
            return True
        stay = stay_data(Booking.get(booking.bookingId, consistent_read=True))
    raise StaleObject("The booking or its bill keeps changing: try the erasure again.")


def _summary(data: GuestData, *, already: bool, **counts) -> dict:
    profile = data.profile
    return {
        "profileId": profile.profileId,
        "erasedAt": profile.erasedAt.strftime("%Y-%m-%dT%H:%M:%SZ") if profile.erasedAt else None,
        "alreadyErased": already,
        "bookings": [s.booking.bookingId for s in data.stays],
        "reservations": [r.reservationId for r in data.reservations],
        "invoicesKept": [i.number for i in data.invoices],
        **counts,
    }


def guest_erase(
    *,
    profile_id: str,
    reason: str,
    actor: str,
    now: datetime,
    request_id: str | None = None,
) -> dict:
    """Erase the guest's personal data everywhere but the invoices (module docstring) and
    return what was done: {profileId, erasedAt, alreadyErased, bookings, reservations,
    invoicesKept, auditEntries, folioLines, emails, guestKeys, checkIn, webhookDeliveries,
    channelEvents}.
    Raises GuestNotFound, GuestProfileMerged, GuestInHouse, GuestStayUpcoming,
    GuestBalanceOpen (nothing written when the first read already shows it)."""
    data = guest_data(profile_id)
    if data.profile.erasedAt is not None:  # set last: everything else is done
        return _summary(data, already=True)
    for error in [_refusal(s) for s in data.stays] + [bill_refusal(b) for b in data.bills]:
        if error is not None:
            raise error
    strings = data.strings
    profile = data.profile
    _link_bookings(profile, [s.booking.bookingId for s in data.stays], now)

    audited = _scrub_audit(audit_entries(data.audit_keys), strings)
    lines = sum(_scrub_lines(stay, strings) for stay in [*data.stays, *data.bills])
    checkin = sum(checkin_erase(s.booking.bookingId, now=now) for s in data.stays)
    emails = sum(outbox_delete_address(address) for address in sorted(data.emails))
    # Found through the bookings' and the bills' ids: before the reservations lose the booker
    # (a reservation is found through it, hence its bill's deliveries).
    subjects = {s.booking.bookingId for s in data.stays} | {b.reservationId for b in data.bills}
    deliveries = deliveries_forget(subjects=subjects, now=now)
    channel_events = channel_summaries_erase(bookings=[s.booking for s in data.stays], now=now)
    for bill in data.bills:  # found through its reservation: erased before the booker
        bill_erase(bill, strings, now=now)
    for reservation in data.reservations:
        _erase_reservation(reservation, now)
    # The keys before the bookings: a booking's guestEmail is what finds a merged duplicate's
    # contact keys, so a re-run after a crash must still see it.
    with GuestKey.batch_write() as batch:
        for key in data.keys:
            batch.delete(key)
    for stay in data.stays:
        _erase_booking(
            stay,
            strings,
            profile_id=profile.profileId,
            actor=actor,
            now=now,
            request_id=request_id,
        )

    for duplicate in data.merged:
        _erase_merged(duplicate, profile.profileId, now)

    counts = {
        "auditEntries": audited,
        "folioLines": lines,
        "emails": emails,
        "guestKeys": len(data.keys),
        "checkIn": checkin,
        "webhookDeliveries": deliveries,
        "channelEvents": channel_events,
    }
    _erase_profile(
        data, strings, reason=reason, counts=counts, actor=actor, now=now, request_id=request_id
    )
    data.profile = GuestProfile.get(profile_id, consistent_read=True)
    return _summary(data, already=False, **counts)


def _blank_actions(now: datetime) -> list:
    return [
        GuestProfile.name.set(ERASED_NAME),
        GuestProfile.email.remove(),
        GuestProfile.phone.remove(),
        GuestProfile.address.remove(),
        GuestProfile.nationality.remove(),
        GuestProfile.language.remove(),
        GuestProfile.preferences.set([]),
        GuestProfile.notes.set(""),
        GuestProfile.vip.set(False),
        GuestProfile.marketingConsent.set(False),
        GuestProfile.marketingConsentAt.remove(),
        GuestProfile.erasedAt.set(now),
        GuestProfile.updatedAt.set(now),
        GuestProfile.revision.add(1),
    ]


def _erase_merged(duplicate: GuestProfile, into: str, now: datetime) -> None:
    """Blank a duplicate merged into the erased profile (it kept its name and contacts);
    conditional on still being merged into it. Idempotent."""
    with contextlib.suppress(UpdateError):
        duplicate.update(actions=_blank_actions(now), condition=GuestProfile.mergedInto == into)


def _erase_profile(data: GuestData, strings, *, reason, counts, actor, now, request_id) -> None:
    """Blank the profile and set erasedAt, with the erasure's own audit entry, in one
    transaction (the history's counts stay: they name nobody once the profile is blank)."""
    profile = data.profile
    blank = _blank_actions(now)
    entry = audit_entry(
        actor=actor,
        action="erase",
        object_type=PROFILE_TYPES[0],
        object_id=profile.profileId,
        before=None,
        after={
            "reason": scrub_text(reason, strings),
            "bookings": [s.booking.bookingId for s in data.stays],
            "reservations": [r.reservationId for r in data.reservations],
            "invoicesKept": [i.number for i in data.invoices],
            **counts,
        },
        now=now,
        request_id=request_id,
    )

    def build(tx):
        tx.update(profile, actions=blank, condition=GuestProfile.erasedAt.does_not_exist())
        tx.save(entry)

    commit(build)  # False: a concurrent erasure finished first, which is the same outcome
