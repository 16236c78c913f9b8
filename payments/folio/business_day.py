"""The hotel's business days: which is open for postings, and the condition that keeps a
posting out of a day the night audit has closed.

A line counts in the books of its `accountDate`: the day it is for (a room night's night, a
card payment's day) or else the day it is posted (the hotel's today), and never a closed
day — a line for a closed day goes to the first open one. Every
posting checks, in its own transaction, that the last closed day is still before the
dates it writes; the audit closes a day by moving that mark, so a posting and a close
racing on the same day cannot both succeed.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from bookings.clock import hotel_today
from hotel.errors import Conflict

from .models import STATE_DAY, BusinessDay


class DayClosed(Conflict):
    code = "DAY_CLOSED"
    default_message = "This business day is closed; post the correction to the open day."


def last_closed_day() -> date | None:
    """The last day the night audit closed (strongly consistent), or None."""
    try:
        state = BusinessDay.get(STATE_DAY, consistent_read=True)
    except DoesNotExist:
        return None
    return date.fromisoformat(state.lastClosed) if state.lastClosed else None


def account_date(*, now: datetime, last_closed: date | None, service_date: str | None) -> str:
    """A line's account date: the day it is for (`service_date`), else the hotel's today;
    moved to the first open day when that day is closed (module docstring)."""
    day = date.fromisoformat(service_date) if service_date else hotel_today(now)
    if last_closed is not None and day <= last_closed:
        day = last_closed + timedelta(days=1)
    return day.isoformat()


def refuse_closed(day: date, last_closed: date | None) -> None:
    """DayClosed when `day` (a date staff asked to post to) is closed."""
    if last_closed is not None and day <= last_closed:
        raise DayClosed(
            f"{day.isoformat()} is closed (the night audit closed up to "
            f"{last_closed.isoformat()}); post the correction to the open day.",
            details={"date": day.isoformat(), "lastClosed": last_closed.isoformat()},
        )


def open_day_check(tx: TransactWrite, *, last_closed: date | None) -> None:
    """In a posting's transaction: the last closed day is still the one it read."""
    if last_closed is None:
        condition = BusinessDay.lastClosed.does_not_exist()
    else:
        condition = BusinessDay.lastClosed == last_closed.isoformat()
    # A missing state item also passes: nothing was ever closed.
    tx.condition_check(
        BusinessDay, STATE_DAY, condition=condition | BusinessDay.day.does_not_exist()
    )
