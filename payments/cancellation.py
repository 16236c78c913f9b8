"""The cancellation policy: how much of what a guest paid comes back, as a pure function.

A policy is a list of rules "cancel at least N days before arrival → P % back"; the rule
with the largest N that the cancellation still meets applies, and a cancellation after
none of them (or after arrival) gets nothing back. Money stays an int: the refund is
rounded down to the minor unit, the fee is the rest. Tested without a database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
    """The rule in words, with the window it covers in `policy` (sorted as parse_policy does),
    in the active language (English for the API and the back office)."""
    longer = [r.days_before for r in policy if r.days_before > rule.days_before]
    until = min(longer) - 1 if longer else None
    low = rule.days_before
    if until is None and low == 0:
        when = "any"
    elif until is None:
        when = "from"
    elif until == low == 0:
        when = "arrival"
    elif until == low:
        when = "day"
    else:
        when = "range"
    kind = {100: "full", 0: "none"}.get(rule.refund_percent, "part")
    values = {"n": low, "m": until, "percent": rule.refund_percent}
    return _rule_sentence(kind, when, low) % values


def _rule_sentence(kind: str, when: str, days: int) -> str:
    """Whole sentences, so that each language orders its own words."""
    if kind == "full":
        return {
            "any": lambda: _("Full refund when cancelled any time before arrival."),
            "from": lambda: ngettext(
                "Full refund when cancelled %(n)s or more days before arrival.",
                "Full refund when cancelled %(n)s or more days before arrival.",
                days,
            ),
            "arrival": lambda: _("Full refund when cancelled on the day of arrival."),
            "day": lambda: ngettext(
                "Full refund when cancelled %(n)s day before arrival.",
                "Full refund when cancelled %(n)s days before arrival.",
                days,
            ),
            "range": lambda: _("Full refund when cancelled %(n)s to %(m)s days before arrival."),
        }[when]()
    if kind == "none":
        return {
            "any": lambda: _("No refund when cancelled any time before arrival."),
            "from": lambda: ngettext(
                "No refund when cancelled %(n)s or more days before arrival.",
                "No refund when cancelled %(n)s or more days before arrival.",
                days,
            ),
            "arrival": lambda: _("No refund when cancelled on the day of arrival."),
            "day": lambda: ngettext(
                "No refund when cancelled %(n)s day before arrival.",
                "No refund when cancelled %(n)s days before arrival.",
                days,
            ),
            "range": lambda: _("No refund when cancelled %(n)s to %(m)s days before arrival."),
        }[when]()
    return {
        "any": lambda: _("%(percent)s %% refund when cancelled any time before arrival."),
        "from": lambda: ngettext(
            "%(percent)s %% refund when cancelled %(n)s or more days before arrival.",
            "%(percent)s %% refund when cancelled %(n)s or more days before arrival.",
            days,
        ),
        "arrival": lambda: _("%(percent)s %% refund when cancelled on the day of arrival."),
        "day": lambda: ngettext(
            "%(percent)s %% refund when cancelled %(n)s day before arrival.",
            "%(percent)s %% refund when cancelled %(n)s days before arrival.",
            days,
        ),
        "range": lambda: _(
            "%(percent)s %% refund when cancelled %(n)s to %(m)s days before arrival."
        ),
    }[when]()


def policy_sentences(text: str) -> list[str]:
    """A DAYS:PERCENT policy in words, one sentence per rule ("No refund once booked." for a
    policy with none; the text itself when it cannot be read)."""
    try:
        rules = parse_policy(text or "")
    except InvalidPolicy:
        return [text]
    if not rules:
        return [_("No refund once booked.")]
    return [describe_rule(rule, rules) for rule in rules]
