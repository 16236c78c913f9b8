"""Closing a business day: the night audit.

`night_audit_run(day=…)` closes every open day up to `day`, oldest first (at most
MAX_DAYS_PER_RUN per call; the next run goes on where this one stopped). For each day:

1. turn the day's arrivals that never came (still confirmed) into no-shows through
   bookings.services.booking_transition — the one path a clerk's "no-show" also takes — so
   the booking's nights are released and its bill gets the no-show fee (stay_lines);
2. bring the bill of every stay of the day in line (payments.folio.services.folio_sync:
   the nights, city tax, extras, online payments), so what the day's books say is complete;
   a bill that cannot be synced stops the audit before the close (AuditIncomplete);
3. close the day in ONE transaction: the state item's lastClosed moves from the value read
   to the day (conditional), the day's item is written closed (conditional on not
   existing) with the audit entry. Every posting checks lastClosed in its own transaction
   (business_day.open_day_check), so after this no line lands in the day: a correction
   goes to the open day;
4. compute the daily report from the day's lines (accountDate index) and store it on the
   day's item, conditional on none being there: it is written once.

A day can be closed once it is over (before the hotel's today). Re-running a closed day
writes nothing and answers the stored report; two audits at once close the day once (the
loser's condition fails and it reads what the winner wrote).

No-show fees take the one path every no-show takes, whoever marks it: booking_transition
publishes BookingNoShow, the bill gets the fee line (stay_lines) and payments.no_show flags
it — and, for at_hotel terms with a guarantee card, charges it off-session once the
card-on-file service is in (payments.folio.card_on_file). The audit adds nothing of its
own; its report lists each no-show's fee and what its bill still owes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings

from bookings.booking_terms import booking_no_show_fee, booking_payment_terms
from bookings.clock import hotel_today
from bookings.exceptions import InvalidTransition
from bookings.models import NO_SHOW
from bookings.services import booking_transition
from hotel.audit.services import audit_add
from hotel.dynamo import commit
from hotel.errors import Conflict, DomainError, NotFound, ValidationFailed
from payments.folio.business_day import last_closed_day
from payments.folio.models import STATE_DAY, BusinessDay
from payments.folio.selectors import folio_headers
from payments.folio.services import folio_sync

from . import selectors
from .report import DayCounts, daily_report

logger = logging.getLogger(__name__)

AUDIT_ACTOR = "system:night-audit"
MAX_DAYS_PER_RUN = 14
FIRST_DAY = date(2000, 1, 1)  # no hotel's books start earlier (and dates stay computable)
CLOSED = "closed"


class AuditDayNotOver(ValidationFailed):
    code = "AUDIT_DAY_NOT_OVER"
    default_message = "A business day can be closed once it is over."


class AuditIncomplete(Conflict):
    code = "AUDIT_INCOMPLETE"
    default_message = "Some bills could not be brought up to date; the day was not closed."


class DayNotAudited(NotFound):
    code = "DAY_NOT_AUDITED"
    default_message = "This business day has no night audit report."


@dataclass
class AuditResult:
    day: date  # the day asked for
    closed: list[date] = field(default_factory=list)  # the days this run closed
    last_closed: date | None = None
    report: dict | None = None  # `day`'s report, once `day` is closed

    @property
    def done(self) -> bool:
        return self.report is not None


def night_audit_run(
    *, day: date, actor: str, now: datetime, request_id: str | None = None
) -> AuditResult:
    """Close every open business day up to `day` (module docstring) and return `day`'s
    report. Idempotent per day. Raises AuditDayNotOver (today or later), AuditIncomplete
    (a bill that cannot be synced: nothing closed from that day on), DayNotAudited (`day`
    was closed before the hotel's first audit: it has no report)."""
    if day < FIRST_DAY:
        raise ValidationFailed(
            f"The night audit closes days from {FIRST_DAY.isoformat()} on.",
            details={"date": day.isoformat()},
        )
    if day >= hotel_today(now):
        raise AuditDayNotOver(
            f"{day.isoformat()} is not over yet; the night audit closes days before "
            f"{hotel_today(now).isoformat()}.",
            details={"date": day.isoformat(), "today": hotel_today(now).isoformat()},
        )
    result = AuditResult(day=day)
    for _ in range(MAX_DAYS_PER_RUN):
        last = last_closed_day()
        if last is not None and day <= last:
            break
        target = day if last is None else last + timedelta(days=1)
        if _audit_day(target, last=last, actor=actor, now=now, request_id=request_id):
            result.closed.append(target)
    result.last_closed = last_closed_day()
    if result.last_closed is not None and day <= result.last_closed:
        result.report = day_report(day=day, now=now)
    return result


def day_report(*, day: date, now: datetime) -> dict:
    """The stored report of a closed `day` (computed and stored now if a crash came between
    the close and the report). Raises DayNotAudited."""
    item = selectors.business_day_get(day)
    if item is None or item.status != CLOSED:
        raise DayNotAudited(
            f"{day.isoformat()} has not been closed by the night audit.",
            details={"date": day.isoformat()},
        )
    if item.report is None:
        _store_report(day, now=now)
        item = selectors.business_day_get(day)
    return _with_close(item)


def _with_close(item: BusinessDay) -> dict:
    return {
        **item.report,
        "closedAt": item.closedAt.isoformat() if item.closedAt else None,
        "closedBy": item.closedBy,
    }


def _audit_day(
    day: date, *, last: date | None, actor: str, now: datetime, request_id: str | None
) -> bool:
    """Steps 1–4 of the module docstring for one day; False when another audit closed it
    first (its report is that audit's)."""
    stays = selectors.day_stays(day=day)
    for booking in stays.expected:
        try:
            booking_transition(
                booking_id=booking.bookingId,
                to_status=NO_SHOW,
                actor=AUDIT_ACTOR,
                now=now,
                request_id=request_id,
                system=True,
            )
        except InvalidTransition:
            continue  # checked in (or cancelled) meanwhile: not a no-show
    stays = selectors.day_stays(day=day)
    failed = []
    for booking_id in stays.to_sync():
        try:
            folio_sync(booking_id=booking_id, now=now)
        except DomainError as exc:
            logger.warning("night audit %s: bill of %s not synced: %s", day, booking_id, exc)
            failed.append({"bookingId": booking_id, "error": exc.code})
    if failed:
        raise AuditIncomplete(
            f"{len(failed)} bill(s) of {day.isoformat()} could not be synced; nothing was "
            "closed. Fix them and run the audit again.",
            details={"date": day.isoformat(), "bookings": failed},
        )
    if not _close(day, last=last, actor=actor, now=now, request_id=request_id):
        return False
    _store_report(day, now=now, stays=stays)
    return True


def _close(
    day: date, *, last: date | None, actor: str, now: datetime, request_id: str | None
) -> bool:
    """The close transaction (step 3); False when another audit closed it first."""
    state = BusinessDay(day=STATE_DAY)
    if last is None:
        moved_from = BusinessDay.lastClosed.does_not_exist()
    else:
        moved_from = BusinessDay.lastClosed == last.isoformat()

    def build(tx):
        tx.update(
            state, actions=[BusinessDay.lastClosed.set(day.isoformat())], condition=moved_from
        )
        tx.save(
            BusinessDay(day=day.isoformat(), status=CLOSED, closedAt=now, closedBy=actor),
            condition=BusinessDay.day.does_not_exist(),
        )
        audit_add(
            tx,
            actor=actor,
            action="night-audit:close",
            object_type="payments.businessday",
            object_id=day.isoformat(),
            before={"lastClosed": last.isoformat() if last else None},
            after={"lastClosed": day.isoformat()},
            now=now,
            request_id=request_id,
        )

    return commit(build)


def _store_report(day: date, *, now: datetime, stays: selectors.DayStays | None = None) -> None:
    """Step 4: compute the report of the closed `day` and store it once (`stays`: the day's
    stays as the audit just read them)."""
    stays = stays or selectors.day_stays(day=day)
    lines = selectors.day_lines(day=day)
    in_house = [b.bookingId for b in stays.staying]
    headers = folio_headers(in_house)
    report = daily_report(
        day=day,
        currency=settings.HOTEL_CURRENCY,
        lines=lines,
        counts=DayCounts(
            arrivals=len(stays.arrivals),
            departures=len(stays.departures),
            no_shows=len(stays.no_shows),
            in_house=len(stays.staying),
            rooms_available=selectors.rooms_available(day=day),
        ),
        balances={i: headers[i].balance if i in headers else 0 for i in in_house},
        no_shows=_no_show_fees(stays.no_shows),
    )
    item = BusinessDay(day=day.isoformat())
    commit(
        lambda tx: tx.update(
            item,
            actions=[BusinessDay.report.set(report)],
            condition=(BusinessDay.status == CLOSED) & BusinessDay.report.does_not_exist(),
        )
    )


def _no_show_fees(bookings) -> list[dict]:
    headers = folio_headers(b.bookingId for b in bookings)
    rows = []
    for booking in sorted(bookings, key=lambda b: b.bookingId):
        header = headers.get(booking.bookingId)
        rows.append(
            {
                "bookingId": booking.bookingId,
                "terms": booking_payment_terms(booking),
                "fee": booking_no_show_fee(booking),
                "balance": header.balance if header else 0,
            }
        )
    return rows
