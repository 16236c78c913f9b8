"""Online check-in: the guest's registration and what the schedules do with it.

- registration_submit: the registration and Booking.preCheckedInAt in one transaction,
  conditional on the booking still being confirmed and not checked in at the desk.
- ids_erase_due: the daily erasure of ID documents and signatures whose retention is over
  (a Query per due day on the sparse purgeDay index; idempotent).
- invitations_send: the pre-arrival email two days before arrival (with the online check-in
  link), once per booking (a conditional
  marker on the registration item, written before the send).

The ID number never leaves this module unmasked except on the item itself: audit entries,
events, logs and emails carry at most its type.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils.translation import gettext as _
from pynamodb.exceptions import DoesNotExist, UpdateError

from hotel.audit.services import audit_entry
from hotel.dynamo import commit
from hotel.errors import Conflict, ValidationFailed
from hotel.languages import in_language
from hotel.mail import email_send

from ..clock import hotel_today
from ..exceptions import BookingNotFound
from ..links import manage_url
from ..models import CONFIRMED, Booking
from ..services.common import booking_audit, booking_read, booking_snapshot
from .models import Registration
from .rules import purge_day, registration_clean, window_open

logger = logging.getLogger("bookings.checkin")

INVITE_DAYS_BEFORE = 2
ERASE_LOOKBACK_DAYS = 14  # due days the job re-reads, so a missed run catches up


class CheckInClosed(Conflict):
    code = "CHECK_IN_CLOSED"
    default_message = "Online check-in is not open for this booking."


def registration_get(*, booking_id: str) -> Registration | None:
    """The booking's registration as submitted (None: not checked in online, or only invited)."""
    try:
        item = Registration.get(booking_id)
    except DoesNotExist:
        return None
    return item if item.submittedAt else None


def check_in_refusal(booking: Booking, *, now: datetime) -> str | None:
    """Why the guest may not check in online now, or None when they may."""
    if booking.status != CONFIRMED or booking.checkedInAt:
        return _("Online check-in is open for confirmed bookings before arrival only.")
    today, check_in = hotel_today(now), date.fromisoformat(booking.checkIn)
    if not window_open(today=today, check_in=check_in):
        if today < check_in:
            return _("Online check-in opens 7 days before arrival.")
        return _("Online check-in has closed: please check in at the desk.")
    return None


def registration_submit(
    *,
    booking_id: str,
    data: dict,
    actor: str,
    now: datetime,
    request_id: str | None = None,
) -> Registration:
    """Record the guest's registration and mark the booking pre-checked-in, in one
    transaction conditional on the booking being confirmed and not checked in (a desk
    check-in or a cancellation meanwhile makes it re-read and refuse). Submitting again
    replaces the registration. Raises BookingNotFound, CheckInClosed, ValidationFailed
    (every field's problem at once)."""
    values, errors = registration_clean(data)
    for _attempt in range(3):
        booking = booking_read(booking_id)
        refusal = check_in_refusal(booking, now=now)
        if refusal:
            raise CheckInClosed(refusal)
        if errors:
            raise ValidationFailed(details={"fields": errors})
        before = booking_snapshot(booking)
        booking.preCheckedInAt = booking.updatedAt = now
        purge = purge_day(
            check_out=date.fromisoformat(booking.checkOut),
            retention_days=settings.HOTEL_ID_RETENTION_DAYS,
        )
        registration = Registration(
            bookingId=booking_id,
            **{k: values[k] for k in _STORED},
            checkOut=booking.checkOut,
            purgeDay=purge.isoformat(),
            submittedAt=now,
        )
        note = {"onlineCheckIn": {k: values[k] for k in ("arrivalTime", "signatureKind")}}
        entry = booking_audit(booking, "checkin:online", before, actor, now, request_id, note)

        def build(tx, booking=booking, registration=registration, entry=entry):
            tx.save(
                booking,  # and on the version read (VersionAttribute)
                condition=(Booking.status == CONFIRMED) & Booking.checkedInAt.does_not_exist(),
            )
            tx.update(registration, actions=_set_actions(registration))
            tx.save(entry)

        if commit(build):
            return registration
    raise Conflict("The booking changed meanwhile: please try again.")


_STORED = (
    "arrivalTime",
    "addressLine",
    "city",
    "postalCode",
    "country",
    "nationality",
    "idType",
    "idNumber",
    "signatureKind",
    "signature",
    "typedName",
)


def _set_actions(registration: Registration) -> list:
    """Set every submitted attribute (None removes it), keeping `invitedAt`."""
    actions = []
    for name in (*_STORED, "checkOut", "purgeDay", "submittedAt"):
        attribute = getattr(Registration, name)
        value = getattr(registration, name)
        actions.append(attribute.remove() if value is None else attribute.set(value))
    actions.append(Registration.idErasedAt.remove())
    return actions


# --- the ID retention job ----------------------------------------------------------------------


@dataclass(frozen=True)
class ErasureRun:
    erased: int
    postponed: int


def ids_erase_due(*, now: datetime, log: Callable[[str], None] | None = None) -> ErasureRun:
    """Erase the ID document (type and number) and the signature of every registration whose
    purgeDay has come (today and the ERASE_LOOKBACK_DAYS before it: one Query each on the
    sparse index). Each erasure is conditional on the purgeDay the index named, and removes
    it, so a second run finds nothing. A stay whose dates moved later after check-in gets
    its purgeDay moved instead (check-out + retention is still ahead)."""
    today = hotel_today(now)
    erased = postponed = 0
    for back in range(ERASE_LOOKBACK_DAYS, -1, -1):
        day = (today - timedelta(days=back)).isoformat()
        for key in Registration.by_purge_day.query(day):
            outcome = _erase_one(key.bookingId, day=day, today=today, now=now)
            erased += outcome == "erased"
            postponed += outcome == "postponed"
    if log:
        log(f"ID documents erased: {erased}; postponed (stay moved): {postponed}")
    return ErasureRun(erased=erased, postponed=postponed)


def _erase_one(booking_id: str, *, day: str, today: date, now: datetime) -> str:
    try:
        check_out = date.fromisoformat(booking_read(booking_id).checkOut)
    except BookingNotFound:
        check_out = None
    retention = settings.HOTEL_ID_RETENTION_DAYS
    due = purge_day(check_out=check_out, retention_days=retention) if check_out else None
    item = Registration(bookingId=booking_id)
    try:
        if due is not None and due > today:
            item.update(
                actions=[Registration.purgeDay.set(due.isoformat())],
                condition=Registration.purgeDay == day,
            )
            return "postponed"
        item.update(
            actions=[
                Registration.idType.remove(),
                Registration.idNumber.remove(),
                Registration.signature.remove(),
                Registration.typedName.remove(),
                Registration.purgeDay.remove(),
                Registration.idErasedAt.set(now),
            ],
            condition=Registration.purgeDay == day,
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return "skipped"  # another run got there first
        raise
    audit_entry(
        actor="system",
        action="checkin:id-erased",
        object_type="bookings.booking",
        object_id=booking_id,
        before=None,
        after={"idErased": True},
        now=now,
    ).save()
    return "erased"


# --- the invitation email ----------------------------------------------------------------------


def invitations_send(*, now: datetime, log: Callable[[str], None] | None = None) -> int:
    """The pre-arrival email, to every confirmed booking arriving in INVITE_DAYS_BEFORE days:
    when the room is ready and when to leave (the hotel's page), how to get there, and the
    link to check in online (or, for a guest who already has, to the booking). The arrival
    day's confirmed bookings are one Query on the status-checkIn index. Each booking's marker
    (`invitedAt`) is written on the condition that it is not there yet, before the send: a
    re-run, or two runs at once, send nothing twice (a failed send is retried from the
    outbox by hotel.mail). Tomorrow's arrivals not yet sent it (booked since) get it too.
    Returns how many were sent."""
    today = hotel_today(now)
    day = (today + timedelta(days=INVITE_DAYS_BEFORE)).isoformat()
    # Tomorrow's too: a stay booked (or moved) in the last two days still gets it, once.
    tomorrow = (today + timedelta(days=1)).isoformat()
    arriving = Booking.by_status.query(CONFIRMED, Booking.checkIn.between(tomorrow, day))
    sent = 0
    for booking in arriving:
        if not booking.guestEmail:
            continue
        try:
            Registration(bookingId=booking.bookingId).update(
                actions=[Registration.invitedAt.set(now)],
                condition=Registration.invitedAt.does_not_exist(),
            )
        except UpdateError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                continue
            raise
        with in_language(booking.language):  # the link too: /de/… for German
            link = manage_url(booking_id=booking.bookingId)
        email_send(
            to=booking.guestEmail,
            template="pre_arrival",
            context={
                "booking": booking,
                "nights": len(booking.nightly or []),
                "link": link,
                "checked_in_online": bool(booking.preCheckedInAt),
            },
            now=now,
            language=booking.language,
        )
        sent += 1
    if log:
        log(f"Pre-arrival emails sent: {sent} (arrivals on {day})")
    return sent
