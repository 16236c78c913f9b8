"""The cancellation policy: how much of what a guest paid comes back, as a pure function.

A policy is a list of rules "cancel at least N days before arrival → P % back"; the rule
with the largest N that the cancellation still meets applies, and a cancellation after
none of them (or after arrival) gets nothing back. Money stays an int: the refund is
rounded down to the minor unit, the fee is the rest. Tested without a database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bookings.cancellation_terms import CancellationRule, InvalidPolicy, parse_policy

__all__ = ["CancellationRule", "InvalidPolicy", "parse_policy"]


@dataclass(frozen=True)
class CancellationQuote:
    days_before: int
    paid: int
    refund: int
    fee: int
    currency: str
    rule: CancellationRule | None  # None: no rule applies (nothing comes back)


def cancellation_quote(
    *,
    check_in: date,
    today: date,
    paid: int,
    currency: str,
    policy: tuple[CancellationRule, ...],
) -> CancellationQuote:
    """What comes back of `paid` (minor units) if the booking is cancelled `today`."""
    if isinstance(paid, bool) or not isinstance(paid, int) or paid < 0:
        raise ValueError("paid must be a non-negative int of minor units")
    days_before = (check_in - today).days
    rule = None
    if days_before >= 0:
        rule = next((r for r in policy if days_before >= r.days_before), None)
    refund = paid * rule.refund_percent // 100 if rule else 0
    return CancellationQuote(
        days_before=days_before,
        paid=paid,
        refund=refund,
        fee=paid - refund,
        currency=currency,
        rule=rule,
    )


def describe_rule(rule: CancellationRule, policy: tuple[CancellationRule, ...]) -> str:
    """The rule in words, with the window it covers in `policy` (sorted as parse_policy does)."""
    longer = [r.days_before for r in policy if r.days_before > rule.days_before]
    until = min(longer) - 1 if longer else None
    low = rule.days_before
    if until is None:
        when = "any time before arrival" if low == 0 else f"{low} or more days before arrival"
    elif until == low == 0:
        when = "on the day of arrival"
    elif until == low:
        when = f"{low} day{'s' if low > 1 else ''} before arrival"
    else:
        when = f"{low} to {until} days before arrival"
    if rule.refund_percent == 100:
        return f"Full refund when cancelled {when}."
    if rule.refund_percent == 0:
        return f"No refund when cancelled {when}."
    return f"{rule.refund_percent} % refund when cancelled {when}."


def policy_sentences(text: str) -> list[str]:
    """A DAYS:PERCENT policy in words, one sentence per rule ("No refund once booked." for a
    policy with none; the text itself when it cannot be read)."""
    try:
        rules = parse_policy(text or "")
    except InvalidPolicy:
        return [text]
    if not rules:
        return ["No refund once booked."]
    return [describe_rule(rule, rules) for rule in rules]
