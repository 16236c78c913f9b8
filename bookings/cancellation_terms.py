"""A cancellation policy as terms of sale, pure: "7:100,2:50,0:0" (cancel at least N days
before arrival → P % back), parsed here, and the last moment a stay cancels for free.

A rate plan carries its policy and a booking its snapshot of it; payments.cancellation
turns it into what a cancellation refunds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class CancellationRule:
    days_before: int  # cancelled at least this many days before check-in
    refund_percent: int  # 0–100


class InvalidPolicy(ValueError):
    pass


def parse_policy(text: str) -> tuple[CancellationRule, ...]:
    """Parse "7:100,2:50,0:0" (days before arrival : refund percent). Raises InvalidPolicy."""
    rules = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            days, percent = (int(x) for x in part.split(":"))
        except ValueError as exc:
            raise InvalidPolicy(f"{part!r} is not DAYS:PERCENT") from exc
        if days < 0 or not 0 <= percent <= 100:
            raise InvalidPolicy(f"{part!r}: days must be >= 0 and percent 0–100")
        rules.append(CancellationRule(days_before=days, refund_percent=percent))
    if len({r.days_before for r in rules}) != len(rules):
        raise InvalidPolicy("Each number of days may appear once.")
    return tuple(sorted(rules, key=lambda r: r.days_before, reverse=True))


def free_until(check_in: date, policy: tuple[CancellationRule, ...], zone: str) -> datetime | None:
    """The moment free cancellation (a full refund) ends: the end of the last day before
    arrival that a 100 % rule still covers, in the hotel's zone; None when no 100 % rule
    covers the days up to it (e.g. non-refundable)."""
    last_free = None
    for rule in policy:  # longest notice first
        if rule.refund_percent != 100:
            break
        last_free = rule.days_before
    if last_free is None:
        return None
    day = check_in - timedelta(days=last_free)
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=ZoneInfo(zone))


@dataclass(frozen=True)
class PolicyWindow:
    """Cancelling on a day from `first` to `last` (hotel days, both included; None: open
    ended) gives back `refund_percent` of what was paid."""

    first: date | None
    last: date | None
    refund_percent: int


def policy_windows(check_in: date, policy: tuple[CancellationRule, ...]) -> list[PolicyWindow]:
    """The policy as dated windows for a stay arriving `check_in`, earliest first (the same
    days payments.cancellation.cancellation_quote counts: check-in minus today). Neighbouring
    rules with the same percent merge; the days after the last rule, arrival day included
    unless a 0-day rule covers it, refund nothing."""
    windows: list[PolicyWindow] = []
    first = None
    for rule in policy:  # longest notice first
        last = check_in - timedelta(days=rule.days_before)
        if windows and windows[-1].refund_percent == rule.refund_percent:
            windows[-1] = PolicyWindow(windows[-1].first, last, rule.refund_percent)
        else:
            windows.append(PolicyWindow(first, last, rule.refund_percent))
        first = last + timedelta(days=1)
    if not windows or windows[-1].refund_percent:
        windows.append(PolicyWindow(first, None, 0))
    else:
        windows[-1] = PolicyWindow(windows[-1].first, None, 0)
    return windows
